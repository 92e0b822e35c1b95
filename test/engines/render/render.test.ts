/**
 * `crossplane composition render` with the real engines (engines/render.ts, phases.ts):
 * the CLI, core's render engine and both functions running as local processes. These tests prove
 * the wiring — XR in, composed resources and results out, observed state, failures with the
 * engine's own text — not function-patch-and-transform's semantics (its own tests do that).
 */
import { toComposite } from '../../../engines/claim';
import { heldBack, renderPhases } from '../../../engines/phases';
import { RenderFailed } from '../../../engines/render';
import { EngineSession } from '../../../engines/session';
import { networkClaim, networkComposition, networkXrd } from '../../support/validate-fixtures';
import { composition, compositionResourceName, vpc, xr } from '../../support/render-fixtures';

type Json = Record<string, any>;
const session = new EngineSession();
afterAll(() => session.stop());

const byName = (resources: Json[], name: string) => resources.find((r) => compositionResourceName(r) === name);

describe('one render', () => {
  test('composes the resources with Crossplane metadata: resource name annotation, composite label, owner reference', async () => {
    const result = await session.render({
      xr: xr({ cidr: '10.0.0.0/16' }),
      composition: composition([vpc([{ fromFieldPath: 'spec.cidr', toFieldPath: 'spec.forProvider.cidrBlock' }])]),
    });
    expect(result.xr).toMatchObject({ kind: 'XNetwork', metadata: { name: 'net1' }, spec: { cidr: '10.0.0.0/16' } });
    const [resource] = result.resources;
    expect(resource).toMatchObject({
      kind: 'VPC',
      metadata: {
        annotations: { 'crossplane.io/composition-resource-name': 'vpc' },
        labels: { 'crossplane.io/composite': 'net1' },
        ownerReferences: [{ kind: 'XNetwork', name: 'net1', controller: true }],
      },
      spec: { forProvider: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' } },
    });
    // A template without a name gets one generated from the XR's (Crossplane: <xr>-<hash>).
    expect(resource.metadata.name).toMatch(/^net1-[0-9a-f]{12}$/);
  });

  test('a claim renders as the XR it becomes, with the XRD defaults applied (--xrd)', async () => {
    const claim = networkClaim();
    const result = await session.render({ xr: toComposite(claim, networkXrd()), composition: networkComposition(), xrd: networkXrd() });
    expect(result.xr.spec.parameters.environment).toBe('dev');
    expect(result.xr.metadata.labels).toMatchObject({
      'crossplane.io/claim-name': 'network-use1',
      'crossplane.io/claim-namespace': 'payments-dr',
    });
    expect(byName(result.resources, 'vpc')!.spec.forProvider.tags).toEqual({ Name: 'vpc-dev', Scope: 'us-east-1-dev' });
  });

  test("a Required patch whose source is absent holds its resource back, with the function's Warning result", async () => {
    const comp = composition([
      vpc([{ fromFieldPath: 'spec.region', toFieldPath: 'spec.forProvider.region', policy: { fromFieldPath: 'Required' } }]),
      vpc([], 'other'),
    ]);
    const result = await session.render({ xr: xr({}), composition: comp });
    expect(result.resources.map(compositionResourceName)).toEqual(['other']);
    expect(heldBack(result)).toEqual([expect.objectContaining({ resource: 'vpc', path: 'spec.region' })]);
  });

  test('observed resources feed the XR status; the next reconcile patches it into the dependent resource', async () => {
    const comp = composition([
      vpc([{ type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.id', toFieldPath: 'status.vpcId' }]),
      {
        name: 'subnet',
        base: { apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'Subnet', spec: { forProvider: { region: 'us-east-1' } } },
        patches: [{ fromFieldPath: 'status.vpcId', toFieldPath: 'spec.forProvider.vpcId', policy: { fromFieldPath: 'Required' } }],
      },
    ]);
    const observed = [
      {
        apiVersion: 'ec2.aws.upbound.io/v1beta1',
        kind: 'VPC',
        metadata: { name: 'net1-vpc', annotations: { 'crossplane.io/composition-resource-name': 'vpc' } },
        status: { atProvider: { id: 'vpc-0abc' } },
      },
    ];
    const first = await session.render({ xr: xr({}), composition: comp, observed });
    expect(first.xr.status.vpcId).toBe('vpc-0abc');
    expect(byName(first.resources, 'subnet')).toBeUndefined();
    const second = await session.render({ xr: { ...xr({}), status: first.xr.status }, composition: comp, observed });
    expect(byName(second.resources, 'subnet')!.spec.forProvider.vpcId).toBe('vpc-0abc');
    expect(byName(second.resources, 'vpc')!.metadata.name).toBe('net1-vpc');
  });

  test("a failing pipeline step fails the render with exit code 1 and the function's own message", async () => {
    const comp = composition([
      vpc([
        { fromFieldPath: 'spec.region', toFieldPath: 'spec.forProvider.region', transforms: [{ type: 'map', map: { us: 'us-east-1' } }] },
      ]),
    ]);
    const failure = await session.render({ xr: xr({ region: 'mars' }), composition: comp }).catch((error) => error);
    expect(failure).toBeInstanceOf(RenderFailed);
    expect(failure.exitCode).toBe(1);
    expect(failure.stderr).toMatch(/patch-and-transform/);
    expect(failure.stderr).toMatch(/mars/);
  });
});

describe('render phases', () => {
  test('render again with sample observed state until nothing new appears', async () => {
    const comp = networkComposition();
    comp.spec.pipeline[0].input.resources.push({
      name: 'subnet',
      base: {
        apiVersion: 'ec2.aws.upbound.io/v1beta1',
        kind: 'Subnet',
        spec: { forProvider: { region: 'us-east-1', cidrBlock: '10.0.0.0/24' } },
      },
      patches: [{ fromFieldPath: 'status.vpcId', toFieldPath: 'spec.forProvider.vpcId', policy: { fromFieldPath: 'Required' } }],
    });
    const { phases } = await renderPhases(session, networkClaim(), comp, networkXrd());
    expect(phases[0].resources.map(compositionResourceName)).toEqual(['vpc']);
    const last = phases.at(-1)!;
    expect(last.resources.map(compositionResourceName).sort()).toEqual(['subnet', 'vpc']);
    expect(last.xr.status.vpcId).toBe('vpc-0a1b2c3d4e5f60718');
    expect(byName(last.resources, 'subnet')!.spec.forProvider.vpcId).toBe('vpc-0a1b2c3d4e5f60718');
    // creation (VPC only); the VPC id reaches the XR status; the subnet is composed; nothing changes any more
    expect(phases).toHaveLength(4);
    expect(heldBack(last)).toEqual([]);
  });
});
