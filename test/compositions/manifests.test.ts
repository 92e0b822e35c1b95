import * as path from 'path';
import { readManifests } from '../../scripts/validate/manifest-files';
import { checkManifests } from '../../scripts/lib/check-manifests';
import { assertValidManifests, InvalidManifestsError } from '../../charts/synth';

const DIST = path.resolve(__dirname, '..', '..', 'dist');

describe('committed dist/ (what Argo CD applies)', () => {
  const check = checkManifests(readManifests(DIST).documents);

  test('every object validates, and every claim renders through its Composition into valid resources', () => {
    expect(check.problems.map((p) => `${p.file} ${p.kind}/${p.name} ${p.path} ${p.message}`)).toEqual([]);
  });

  test('every claim in dist/ was rendered', () => {
    expect(check.rendered.map((r) => `${r.file} → ${r.composition}`)).toEqual([
      'dist/dev/global/paymentglobal.yaml → paymentglobal-aws',
      'dist/dev/use1/paymentregion.yaml → paymentregion-aws',
      'dist/dev/usw2/paymentregion.yaml → paymentregion-aws',
    ]);
    for (const claim of check.rendered) expect(claim.resources.length).toBeGreaterThan(25);
  });
});

describe('synth refuses invalid output', () => {
  test('a misspelled field in a synthesized object stops the synth with file, object, path and rule', () => {
    const vpc = {
      apiVersion: 'ec2.aws.upbound.io/v1beta1',
      kind: 'VPC',
      metadata: { name: 'vpc-use1-dev' },
      spec: { forProvider: { region: 'us-east-1', cidrBlok: '10.0.0.0/16' } },
    };
    expect(() => assertValidManifests([{ file: 'dist/dev/use1/broken.yaml', doc: vpc }])).toThrow(InvalidManifestsError);
    expect(() => assertValidManifests([{ file: 'dist/dev/use1/broken.yaml', doc: vpc }])).toThrow(/dist\/dev\/use1\/broken\.yaml VPC\/vpc-use1-dev spec\.forProvider\.cidrBlok/);
  });
});
