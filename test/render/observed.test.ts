/**
 * Rendering against observed composed resources, per the patch-and-transform docs "Patching between
 * resources": a resource patches its status into the XR status (ToCompositeFieldPath), another reads it.
 */
import { renderComposition, type JsonObject } from '../../scripts/render/index';
import { composition, rendered, vpc, xr } from './fixtures';

const comp = composition([
  vpc([{ type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.id', toFieldPath: 'status.vpcId' }]),
  {
    name: 'subnet',
    base: { apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'Subnet', spec: { forProvider: { region: 'us-east-1' } } },
    patches: [{ fromFieldPath: 'status.vpcId', toFieldPath: 'spec.forProvider.vpcId', policy: { fromFieldPath: 'Required' } }],
  },
]);

const observedVpc = {
  apiVersion: 'ec2.aws.upbound.io/v1beta1',
  kind: 'VPC',
  metadata: { name: 'net1-x7k2p', annotations: { 'crossplane.io/composition-resource-name': 'vpc' } },
  status: { atProvider: { id: 'vpc-0abc' } },
};

describe('observed resources', () => {
  test('patch-and-transform docs "Patching between resources": without observed resources the dependent resource waits (Required)', () => {
    const result = renderComposition(xr({}), comp);
    expect(result.resources.map((r) => (r.kind as string))).toEqual(['VPC']);
    expect(result.xr.status).toBeUndefined();
    expect(result.warnings).toHaveLength(1);
  });

  test('patch-and-transform docs "Patching between resources": observed status reaches the XR status, then the other resource', () => {
    const result = renderComposition(xr({}), comp, { observed: [observedVpc] });
    expect(result.xr.status).toEqual({ vpcId: 'vpc-0abc' });
    expect(result.resources.map((r) => r.kind)).toEqual(['VPC', 'Subnet']);
    expect(((result.resources[1].spec as JsonObject).forProvider as JsonObject).vpcId).toBe('vpc-0abc');
    expect(result.warnings).toEqual([]);
  });

  test('patch-and-transform docs "ToCompositeFieldPath": a resource that exists keeps its observed name', () => {
    expect((rendered(xr({}), comp, 'vpc', { observed: [observedVpc] }).metadata as { name: string }).name).toBe('net1-x7k2p');
  });

  test('patch-and-transform docs "ToCompositeFieldPath": the XR keeps its own status fields next to the returned ones', () => {
    const result = renderComposition(xr({}, { conditions: [{ type: 'Ready', status: 'False' }] }), comp, { observed: [observedVpc] });
    expect(result.xr.status).toEqual({ conditions: [{ type: 'Ready', status: 'False' }], vpcId: 'vpc-0abc' });
  });

  test('patch-and-transform docs "fromFieldPath policy": Required does not remove a resource that already exists', () => {
    const observedSubnet = { ...observedVpc, kind: 'Subnet', metadata: { name: 'net1-s1', annotations: { 'crossplane.io/composition-resource-name': 'subnet' } } };
    const withoutVpcStatus = { ...observedVpc, status: {} };
    const result = renderComposition(xr({}), comp, { observed: [withoutVpcStatus, observedSubnet] });
    expect(result.resources.map((r) => r.kind)).toEqual(['VPC', 'Subnet']);
    expect(result.warnings).toEqual([
      'composed resource "subnet": "FromCompositeFieldPath" patch at index 0 has policy.fromFieldPath: Required but status.vpcId is absent from the composite resource; the patch is skipped because the resource already exists',
    ]);
  });

  test('patch-and-transform docs "ToCompositeFieldPath": observed resources must carry the composition-resource-name annotation', () => {
    const unannotated = { ...observedVpc, metadata: { name: 'net1-x7k2p' } };
    expect(() => renderComposition(xr({}), comp, { observed: [unannotated] })).toThrow(/has no crossplane.io\/composition-resource-name annotation/);
  });
});
