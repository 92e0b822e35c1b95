import { missingFieldProblem, parseFieldPath } from '../../scripts/validate/field-path';
import type { SchemaNode } from '../../scripts/validate/schema';

describe('Crossplane field paths', () => {
  it('parses fields, quoted and unquoted map keys, indices and wildcards', () => {
    expect(parseFieldPath('metadata.annotations["crossplane.io/external-name"]')).toEqual([
      { type: 'field', name: 'metadata' },
      { type: 'field', name: 'annotations' },
      { type: 'field', name: 'crossplane.io/external-name' },
    ]);
    expect(parseFieldPath('spec.forProvider.tags[Name]')).toEqual([
      { type: 'field', name: 'spec' },
      { type: 'field', name: 'forProvider' },
      { type: 'field', name: 'tags' },
      { type: 'field', name: 'Name' },
    ]);
    expect(parseFieldPath('spec.a[0].b[*]')).toEqual([
      { type: 'field', name: 'spec' },
      { type: 'field', name: 'a' },
      { type: 'index', index: 0 },
      { type: 'field', name: 'b' },
      { type: 'wildcard' },
    ]);
  });

  it.each([
    ['', 'empty field path'],
    ['spec..a', 'empty field name at position 5'],
    ['spec.', 'field path ends with "."'],
    ['spec.a[0', 'unterminated "[" at position 6'],
    ['spec.a[]', 'empty "[]" at position 6'],
    ['spec.a[0]b', 'unexpected "b" at position 9'],
  ])('rejects %j: %s', (path, message) => {
    expect(() => parseFieldPath(path)).toThrow(message);
  });

  const schema: SchemaNode = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          list: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  };

  it.each([
    ['spec.list[3].id', undefined],
    ['spec.list[*].id', undefined],
    ['spec.labels[any.key/here]', undefined],
    ['spec.free.anything.below[2]', undefined],
    ['metadata.labels[x]', undefined],
    ['spec.list.id', 'spec.list is a list: select an item with [index] before "id"'],
    ['spec.labels[0]', 'spec.labels is not a list, so [0] cannot index it'],
    ['spec.list[0].name', 'spec.list[0] has no field "name"'],
    ['sepc.list', 'the object root has no field "sepc" (did you mean "spec"?)'],
  ])('%s → %s', (path, problem) => {
    expect(missingFieldProblem(schema, parseFieldPath(path))).toBe(problem);
  });
});
