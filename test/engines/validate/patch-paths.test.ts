/** The project's own rule no upstream tool checks (engines/patch-paths.ts). */
import { missingField, parseFieldPath, patchPathProblems } from '../../../engines/patch-paths';
import { networkComposition, networkResourcesInput, networkXrd } from '../../support/validate-fixtures';

const RESOURCE = 'spec.pipeline[0].input.resources[0]';
const problemsOf = (input: Record<string, any>) =>
  patchPathProblems([
    { file: 'xrd.yaml', doc: networkXrd() },
    { file: 'composition.yaml', doc: networkComposition(input) },
  ]).map((p) => `${p.path}: ${p.message}`);

describe('Crossplane field paths', () => {
  test('fields, quoted and unquoted map keys, indices and wildcards', () => {
    expect(parseFieldPath('metadata.annotations["crossplane.io/external-name"]')).toEqual([
      { type: 'field', name: 'metadata' },
      { type: 'field', name: 'annotations' },
      { type: 'field', name: 'crossplane.io/external-name' },
    ]);
    expect(parseFieldPath('spec.a[0].b[*]').map((s) => s.type)).toEqual(['field', 'field', 'index', 'field', 'wildcard']);
  });

  test.each([
    ['', 'empty field path'],
    ['spec..a', 'empty field name at position 5'],
    ['spec.', 'field path ends with "."'],
    ['spec.a[0', 'unterminated "[" at position 6'],
    ['spec.a[0]b', 'unexpected "b" at position 9'],
  ])('refuses %j: %s', (path, message) => {
    expect(() => parseFieldPath(path)).toThrow(message);
  });

  const schema = {
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
  test.each([
    ['spec.list[3].id', undefined],
    ['spec.labels[any.key/here]', undefined],
    ['spec.free.anything.below[2]', undefined],
    ['metadata.labels[x]', undefined],
    ['spec.list.id', 'spec.list is a list: select an item with [index] before "id"'],
    ['spec.labels[0]', 'spec.labels is not a list, so [n] cannot index it (function-patch-and-transform would write a list there)'],
    ['spec.list[0].name', 'spec.list[] has no field "name"'],
    ['sepc.list', 'the object root has no field "sepc" (did you mean "spec"?)'],
  ])('%s → %s', (path, problem) => {
    expect(missingField(schema, parseFieldPath(path))).toBe(problem);
  });
});

describe("patch paths of a Composition against its XRD and the managed resources' CRDs", () => {
  test('the network fixture is clean', () => {
    expect(problemsOf(networkResourcesInput())).toEqual([]);
  });

  test('a fromFieldPath the XRD does not have (an Optional patch would be skipped silently)', () => {
    const input = networkResourcesInput();
    input.resources[0].patches[1].fromFieldPath = 'spec.parameters.cidr';
    expect(problemsOf(input)).toEqual([
      `${RESOURCE}.patches[1].fromFieldPath: "spec.parameters.cidr" is not a field of the ` +
        `composite example.org/v1alpha1 XNetwork schema: spec.parameters has no field "cidr"`,
    ]);
  });

  test('a toFieldPath the managed resource does not have, with a suggestion', () => {
    const input = networkResourcesInput();
    input.resources[0].patches[1].toFieldPath = 'spec.forProvider.cidrBlok';
    expect(problemsOf(input)).toEqual([
      `${RESOURCE}.patches[1].toFieldPath: "spec.forProvider.cidrBlok" is not a field of the composed ` +
        `ec2.aws.upbound.io/v1beta1 VPC schema: spec.forProvider has no field "cidrBlok" (did you mean "cidrBlock"?)`,
    ]);
  });

  test('both directions of ToCompositeFieldPath, combine variables, and patchSets for every resource using them', () => {
    const input = networkResourcesInput();
    input.resources[0].patches[5].toFieldPath = 'status.vpcID';
    input.resources[0].patches[4].combine.variables[1].fromFieldPath = 'spec.parameters.env';
    input.patchSets[0].patches[0].toFieldPath = 'spec.forProvider.regio';
    // as a set: which break is found first is not part of the contract
    expect(problemsOf(input).sort()).toEqual([
      'spec.pipeline[0].input.patchSets[0].patches[0].toFieldPath: "spec.forProvider.regio" is not a field of the composed ' +
        'ec2.aws.upbound.io/v1beta1 VPC schema: spec.forProvider has no field ' +
        '"regio" (did you mean "region"?) (patchSet "common" used by resource "vpc")',
      `${RESOURCE}.patches[4].combine.variables[1].fromFieldPath: "spec.parameters.env" is not a ` +
        `field of the composite example.org/v1alpha1 XNetwork schema: spec.parameters has no field "env"`,
      `${RESOURCE}.patches[5].toFieldPath: "status.vpcID" is not a field of the composite ` +
        `example.org/v1alpha1 XNetwork schema: status has no field "vpcID" (did you mean "vpcId"?)`,
    ]);
  });

  test('fields Crossplane adds to every XR are known; a syntax error is reported', () => {
    const input = networkResourcesInput();
    input.resources[0].patches.push(
      { fromFieldPath: 'spec.claimRef.namespace', toFieldPath: 'spec.forProvider.tags[ns]' },
      { fromFieldPath: 'spec.parameters.region', toFieldPath: 'spec.forProvider.tags[Name' },
    );
    expect(problemsOf(input)).toEqual([
      `${RESOURCE}.patches[7].toFieldPath: invalid field path "spec.forProvider.tags[Name": unterminated "[" at position 21`,
    ]);
  });

  test('a compositeTypeRef no XRD among the manifests defines', () => {
    const composition = networkComposition();
    composition.spec.compositeTypeRef.kind = 'XNetwrk';
    expect(patchPathProblems([{ file: 'c.yaml', doc: composition }]).map((p) => p.message)).toEqual([
      'no CompositeResourceDefinition among the manifests defines the composite ' +
        'example.org/v1alpha1 XNetwrk: no XR can select this Composition',
    ]);
  });
});
