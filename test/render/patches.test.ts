/** Patch types, PatchSets and patch policies, per the Crossplane "Function Patch and Transform" guide. */
import { RenderError, renderComposition } from '../../scripts/render/index';
import { composition, forProvider, rendered, vpc, xr } from './fixtures';

describe('patch types', () => {
  test('patch-and-transform docs "FromCompositeFieldPath": copies an XR field into the composed resource', () => {
    const comp = composition([vpc([{ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.cidr', toFieldPath: 'spec.forProvider.cidrBlock' }])]);
    expect(forProvider(xr({ cidr: '10.0.0.0/16' }), comp).cidrBlock).toBe('10.0.0.0/16');
  });

  test('patch-and-transform docs "Types of patches": the type defaults to FromCompositeFieldPath and toFieldPath to fromFieldPath', () => {
    const comp = composition([vpc([{ fromFieldPath: 'metadata.labels[team]' }])]);
    const resource = rendered({ ...xr({}), metadata: { name: 'net1', labels: { team: 'a' } } }, comp);
    expect((resource.metadata as { labels: Record<string, string> }).labels.team).toBe('a');
  });

  test('patch-and-transform docs "CombineFromComposite": combines several XR fields with a Go format', () => {
    const patch = {
      type: 'CombineFromComposite',
      combine: { strategy: 'string', variables: [{ fromFieldPath: 'spec.env' }, { fromFieldPath: 'spec.region' }], string: { fmt: 'vpc-%s-%s' } },
      toFieldPath: 'metadata.annotations[crossplane.io/external-name]',
    };
    const resource = rendered(xr({ env: 'dev', region: 'use1' }), composition([vpc([patch])]));
    expect((resource.metadata as { annotations: Record<string, string> }).annotations['crossplane.io/external-name']).toBe('vpc-dev-use1');
  });

  test('patch-and-transform docs "CombineFromComposite": a missing variable skips the patch', () => {
    const patch = {
      type: 'CombineFromComposite',
      combine: { strategy: 'string', variables: [{ fromFieldPath: 'spec.env' }, { fromFieldPath: 'spec.region' }], string: { fmt: '%s-%s' } },
      toFieldPath: 'spec.forProvider.name',
    };
    expect(forProvider(xr({ env: 'dev' }), composition([vpc([patch])])).name).toBeUndefined();
  });

  test('patch-and-transform docs "Types of patches": environment patches are refused (no Composition environment offline)', () => {
    const comp = composition([vpc([{ type: 'FromEnvironmentFieldPath', fromFieldPath: 'region', toFieldPath: 'spec.forProvider.region' }])]);
    expect(() => renderComposition(xr({}), comp)).toThrow(/patches\[0\] \(FromEnvironmentFieldPath\)\.type: FromEnvironmentFieldPath is not supported/);
  });

  test('patch-and-transform docs "Types of patches": an unknown patch type names the resource, the patch index and the type', () => {
    const comp = composition([vpc([{ fromFieldPath: 'spec.a' }, { type: 'FromXRFieldPath', fromFieldPath: 'spec.a' }])]);
    expect(() => renderComposition(xr({}), comp)).toThrow(RenderError);
    expect(() => renderComposition(xr({}), comp)).toThrow(
      'invalid input of pipeline step "patch-and-transform" (function-patch-and-transform): resources[0] ("vpc").patches[1] (FromXRFieldPath).type: unknown patch type "FromXRFieldPath"',
    );
  });
});

describe('PatchSets', () => {
  const patchSets = [{ name: 'region', patches: [{ fromFieldPath: 'spec.region', toFieldPath: 'spec.forProvider.region', transforms: [{ type: 'map', map: { us: 'us-east-1' } }] }] }];

  test('patch-and-transform docs "Reuse a patch": a PatchSet patch applies the named set, transforms included', () => {
    const comp = composition([vpc([{ type: 'PatchSet', patchSetName: 'region' }]), vpc([{ type: 'PatchSet', patchSetName: 'region' }], 'vpc2')], { patchSets });
    const { resources } = renderComposition(xr({ region: 'us' }), comp);
    expect(resources.map((r) => (r.spec as { forProvider: { region: string } }).forProvider.region)).toEqual(['us-east-1', 'us-east-1']);
  });

  test('patch-and-transform docs "Reuse a patch": an unknown PatchSet is an error', () => {
    const comp = composition([vpc([{ type: 'PatchSet', patchSetName: 'nope' }])], { patchSets });
    expect(() => renderComposition(xr({}), comp)).toThrow(/resources\[0\] \("vpc"\)\.patches\[0\] \(PatchSet\)\.patchSetName: cannot find PatchSet by name "nope"/);
  });

  test('patch-and-transform docs "Reuse a patch": errors inside a PatchSet name the resource patch and the set', () => {
    const comp = composition([vpc([{ type: 'PatchSet', patchSetName: 'region' }])], { patchSets });
    expect(() => renderComposition(xr({ region: 'mars' }), comp)).toThrow(
      'cannot render composed resource "vpc": patch at index 0 (PatchSet "region", its "FromCompositeFieldPath" patch at index 0): transform at index 0 (map): key "mars" is not found in map',
    );
  });

  test('patch-and-transform docs "Reuse a patch": a PatchSet cannot contain a PatchSet', () => {
    const comp = composition([vpc([])], { patchSets: [{ name: 'outer', patches: [{ type: 'PatchSet', patchSetName: 'region' }] }] });
    expect(() => renderComposition(xr({}), comp)).toThrow(/a patch in a PatchSet cannot be of type PatchSet/);
  });
});

describe('fromFieldPath policy', () => {
  const regionPatch = (policy?: object) => ({ fromFieldPath: 'spec.region', toFieldPath: 'spec.forProvider.region', ...(policy ? { policy } : {}) });

  test('patch-and-transform docs "fromFieldPath policy": Optional (the default) skips the patch when the field is absent', () => {
    const comp = composition([vpc([regionPatch(), regionPatch({ fromFieldPath: 'Optional' })])]);
    const result = renderComposition(xr({}), comp);
    expect((result.resources[0].spec as { forProvider: object }).forProvider).toEqual({ region: 'us-east-1' });
    expect(result.warnings).toEqual([]);
  });

  test('patch-and-transform docs "fromFieldPath policy": Required leaves a new resource out, with a warning naming it and the path', () => {
    const comp = composition([vpc([regionPatch({ fromFieldPath: 'Required' })]), vpc([], 'other')]);
    const result = renderComposition(xr({}), comp);
    expect(result.resources.map((r) => (r.metadata as { name: string }).name)).toEqual(['net1-other']);
    expect(result.warnings).toEqual([
      'not rendering composed resource "vpc": "FromCompositeFieldPath" patch at index 0 has policy.fromFieldPath: Required but spec.region is absent from the composite resource',
    ]);
  });

  test('patch-and-transform docs "fromFieldPath policy": Required renders the resource once the field exists', () => {
    const comp = composition([vpc([regionPatch({ fromFieldPath: 'Required' })])]);
    expect(forProvider(xr({ region: 'us-west-2' }), comp).region).toBe('us-west-2');
  });

  test('patch-and-transform docs "fromFieldPath policy": an unknown policy is an error', () => {
    const comp = composition([vpc([regionPatch({ fromFieldPath: 'Sometimes' })])]);
    expect(() => renderComposition(xr({}), comp)).toThrow(/policy\.fromFieldPath: "Sometimes" is not supported, must be one of Optional, Required/);
  });
});

describe('toFieldPath policy', () => {
  const base = { tags: { keep: 'base', shared: 'base' }, list: ['a'] };
  const merged = (policy?: string) => {
    const patch = { fromFieldPath: 'spec.extra', toFieldPath: 'spec.forProvider', ...(policy ? { policy: { toFieldPath: policy } } : {}) };
    const extra = { tags: { shared: 'xr', added: 'xr' }, list: ['a', 'b'] };
    return forProvider(xr({ extra }), composition([vpc([patch], 'vpc', base)]));
  };

  test('patch-and-transform docs "toFieldPath policy": Replace (the default) replaces the value', () => {
    expect(merged()).toEqual({ tags: { shared: 'xr', added: 'xr' }, list: ['a', 'b'] });
    expect(merged('Replace')).toEqual(merged());
  });

  test('patch-and-transform docs "toFieldPath policy": MergeObjects merges recursively and keeps conflicting keys (an existing array is one: mergo semantics)', () => {
    expect(merged('MergeObjects')).toEqual({ tags: { keep: 'base', shared: 'base', added: 'xr' }, list: ['a'] });
  });

  test('patch-and-transform docs "toFieldPath policy": ForceMergeObjects merges recursively and replaces conflicting keys', () => {
    expect(merged('ForceMergeObjects')).toEqual({ tags: { keep: 'base', shared: 'xr', added: 'xr' }, list: ['a', 'b'] });
  });

  test('patch-and-transform docs "toFieldPath policy": MergeObjectsAppendArrays is MergeObjects that appends arrays', () => {
    expect(merged('MergeObjectsAppendArrays')).toEqual({ tags: { keep: 'base', shared: 'base', added: 'xr' }, list: ['a', 'a', 'b'] });
  });

  test('patch-and-transform docs "toFieldPath policy": ForceMergeObjectsAppendArrays is ForceMergeObjects that appends arrays', () => {
    expect(merged('ForceMergeObjectsAppendArrays')).toEqual({ tags: { keep: 'base', shared: 'xr', added: 'xr' }, list: ['a', 'a', 'b'] });
  });

  test('patch-and-transform docs "toFieldPath policy": appending to the target array itself skips items already there', () => {
    const patch = { fromFieldPath: 'spec.subnets', toFieldPath: 'spec.forProvider.list', policy: { toFieldPath: 'ForceMergeObjectsAppendArrays' } };
    expect(forProvider(xr({ subnets: ['a', 'b'] }), composition([vpc([patch], 'vpc', base)])).list).toEqual(['a', 'b']);
  });
});
