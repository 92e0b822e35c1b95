/** Field paths, per the patch-and-transform docs "Selecting fields" (crossplane-runtime fieldpath syntax). */
import { FieldPathNotFoundError, getFieldValue, parseFieldPath, setFieldValue } from '../../scripts/render/fieldpath';
import type { JsonObject } from '../../scripts/render/index';

describe('field paths', () => {
  test('patch-and-transform docs "Selecting fields": dots select children, brackets select indexes and keys', () => {
    expect(parseFieldPath('spec.resourceRefs[0].name')).toEqual([{ field: 'spec' }, { field: 'resourceRefs' }, { index: 0 }, { field: 'name' }]);
    expect(parseFieldPath('metadata.labels[crossplane.io/x]')).toEqual([{ field: 'metadata' }, { field: 'labels' }, { field: 'crossplane.io/x' }]);
    expect(parseFieldPath('metadata.annotations["a.b/c"]')).toEqual([{ field: 'metadata' }, { field: 'annotations' }, { field: 'a.b/c' }]);
    expect(parseFieldPath("spec.tags['Name']")).toEqual([{ field: 'spec' }, { field: 'tags' }, { field: 'Name' }]);
  });

  test('patch-and-transform docs "Selecting fields": malformed paths are errors', () => {
    for (const path of ['.spec', 'spec..a', 'spec.', 'spec.list[]', 'spec.[0]', 'spec.list[0', 'spec]']) {
      expect(() => parseFieldPath(path)).toThrow(/invalid field path/);
    }
  });

  test('patch-and-transform docs "Selecting fields": reading a missing field or element is "not found", a type mismatch is an error', () => {
    const obj = { spec: { list: [{ x: 1 }], text: 'a' } };
    expect(getFieldValue(obj, 'spec.list[0].x')).toBe(1);
    expect(() => getFieldValue(obj, 'spec.missing')).toThrow(FieldPathNotFoundError);
    expect(() => getFieldValue(obj, 'spec.list[3]')).toThrow(FieldPathNotFoundError);
    expect(() => getFieldValue(obj, 'spec.text.x')).toThrow('spec.text: not an object');
  });

  test('patch-and-transform docs "Create a patch": writing creates the intermediate objects and arrays', () => {
    const obj: JsonObject = {};
    setFieldValue(obj, 'metadata.annotations["a.b/c"]', 'v');
    setFieldValue(obj, 'spec.list[1].x', 'y');
    setFieldValue(obj, 'spec.tags[Name]', 'n');
    expect(obj).toEqual({ metadata: { annotations: { 'a.b/c': 'v' } }, spec: { list: [null, { x: 'y' }], tags: { Name: 'n' } } });
  });

  test('patch-and-transform docs "Create a patch": written values are copies, not shared', () => {
    const value = { a: 1 };
    const obj: JsonObject = {};
    setFieldValue(obj, 'spec.x', value);
    value.a = 2;
    expect(obj).toEqual({ spec: { x: { a: 1 } } });
  });
});
