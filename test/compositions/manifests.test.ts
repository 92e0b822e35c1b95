import * as path from 'node:path';
import { readManifests } from '../../engines/manifest-files';
import { checkManifests } from '../../engines/check-manifests';
import { assertValidManifests, InvalidManifestsError } from '../../synth/synth';

const DIST = path.resolve(__dirname, '..', '..', 'dist');

describe('committed dist/ (what Argo CD applies)', () => {
  const check = checkManifests(readManifests(DIST).documents);

  test('every object validates, and every claim renders through its Composition into valid resources', () => {
    expect(check.problems.map((p) => `${p.file} ${p.kind}/${p.name} ${p.path} ${p.message}`)).toEqual([]);
  });

  test('every claim in dist/ was rendered, reported in file order (engines/check.ts sorts the renders back into it)', () => {
    expect(check.rendered.map((r) => `${r.file} → ${r.composition}`)).toEqual([
      'dist/dev/global/paymentglobal.yaml → paymentglobal-aws',
      'dist/dev/use1/paymentregion.yaml → paymentregion-aws',
      'dist/dev/usw2/paymentregion.yaml → paymentregion-aws',
    ]);
    // Exact: a resource dropped by a broken patch or filter changes a count. use1 composes 6 more than
    // usw2: the two FIS drill templates, each with its role and role policy.
    expect(check.rendered.map((r) => `${r.file} ${r.resources.length}`)).toEqual([
      'dist/dev/global/paymentglobal.yaml 50',
      'dist/dev/use1/paymentregion.yaml 98',
      'dist/dev/usw2/paymentregion.yaml 92',
    ]);
    // 3 zones × (private, public) subnets, and one NAT gateway (natMode "single") per region.
    for (const claim of check.rendered.filter((r) => r.file.endsWith('/paymentregion.yaml'))) {
      expect(claim.resources.filter((r) => r.kind === 'Subnet')).toHaveLength(3 * 2);
      expect(claim.resources.filter((r) => r.kind === 'NATGateway')).toHaveLength(1);
    }
  });
});

describe('synth refuses invalid output', () => {
  const platform = readManifests(path.join(DIST, 'platform'), path.resolve(DIST, '..')).documents;

  test('a Composition patch into a field its managed resource lacks stops the synth with file, object, path and rule', () => {
    const documents = structuredClone(platform);
    const composition = documents.find(
      (d) => (d.doc as any).kind === 'Composition' && (d.doc as any).metadata.name === 'paymentregion-aws',
    )!.doc as any;
    const vpc = composition.spec.pipeline[0].input.resources.find((r: any) => r.name === 'vpc');
    vpc.patches.find((p: any) => p.toFieldPath === 'spec.forProvider.cidrBlock').toFieldPath = 'spec.forProvider.cidrBlok';
    expect(() => assertValidManifests(documents)).toThrow(InvalidManifestsError);
    expect(() => assertValidManifests(documents)).toThrow(
      new RegExp(
        String.raw`dist/platform/paymentregion-api\.yaml Composition/paymentregion-aws ` +
          String.raw`spec\.pipeline\[0\]\.input\.resources\[0\]\.patches\[\d+\]\.toFieldPath "spec\.forProvider\.cidrBlok" is not a field`,
      ),
    );
  });

  test("a misspelled field in a synthesized object is the engines' to find: npm test refuses it, in engine order", () => {
    const vpc = {
      apiVersion: 'ec2.aws.upbound.io/v1beta1',
      kind: 'VPC',
      metadata: { name: 'vpc-use1-dev' },
      spec: { forProvider: { region: 'us-east-1', cidrBlok: '10.0.0.0/16' } },
    };
    const check = checkManifests([{ file: 'dist/dev/use1/broken.yaml', doc: vpc }]);
    expect(check.problems.map((p) => `${p.file} ${p.kind}/${p.name} ${p.path} [${p.engine}]`)).toEqual([
      'dist/dev/use1/broken.yaml VPC/vpc-use1-dev spec.forProvider.cidrBlok [crossplane resource validate]',
      'dist/dev/use1/broken.yaml VPC/vpc-use1-dev  [apiextensions-apiserver]',
    ]);
  });
});
