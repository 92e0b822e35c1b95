import { Validator } from '../../scripts/validate/index';
import { messagesAt, networkComposition, networkResourcesInput, networkXrd } from './fixtures';

const RESOURCE = 'spec.pipeline[0].input.resources[0]';

describe('Pipeline Compositions with function-patch-and-transform', () => {
  const validator = Validator.load();
  validator.addXrds([networkXrd()]);

  function problemsOf(input: Record<string, any>) {
    return validator.validateObject(networkComposition(input));
  }

  it('accepts a valid Composition with a valid Resources input', () => {
    expect(validator.validateObject(networkComposition())).toEqual([]);
  });

  it('validates the whole document set: XRD first, then what depends on it', () => {
    const report = Validator.load().validateDocuments([
      { file: 'composition.yaml', doc: networkComposition() },
      { file: 'xrd.yaml', doc: networkXrd() },
    ]);
    expect(report.problems).toEqual([]);
    expect(report.valid).toBe(2);
  });

  it('rejects a patch type the function does not know', () => {
    const input = networkResourcesInput();
    input.resources[0].patches[1].type = 'FromCompositeFieldPat';
    expect(messagesAt(problemsOf(input), `${RESOURCE}.patches[1].type`)[0]).toMatch(
      /^unsupported value "FromCompositeFieldPat"; supported values: "FromCompositeFieldPath", "PatchSet",/,
    );
  });

  it('rejects a misspelled key in the Resources input', () => {
    const input = networkResourcesInput();
    input.resources[0].pathces = input.resources[0].patches;
    delete input.resources[0].patches;
    expect(problemsOf(input)).toEqual([
      expect.objectContaining({
        kind: 'Composition',
        name: 'xnetworks.aws.example.org',
        path: `${RESOURCE}.pathces`,
        message: 'unknown field "pathces" (did you mean "patches"?)',
      }),
    ]);
  });

  it('rejects a toFieldPath that does not exist in the composed resource CRD', () => {
    const input = networkResourcesInput();
    input.resources[0].patches[1].toFieldPath = 'spec.forProvider.cidrBlok';
    expect(messagesAt(problemsOf(input), `${RESOURCE}.patches[1].toFieldPath`)).toEqual([
      '"spec.forProvider.cidrBlok" is not a field of the composed ec2.aws.upbound.io/v1beta1 VPC schema: ' +
        'spec.forProvider has no field "cidrBlok" (did you mean "cidrBlock"?)',
    ]);
  });

  it('rejects a fromFieldPath that does not exist in the XRD schema', () => {
    const input = networkResourcesInput();
    input.resources[0].patches[1].fromFieldPath = 'spec.parameters.cidr';
    expect(messagesAt(problemsOf(input), `${RESOURCE}.patches[1].fromFieldPath`)).toEqual([
      '"spec.parameters.cidr" is not a field of the composite example.org/v1alpha1 XNetwork schema: spec.parameters has no field "cidr"',
    ]);
  });

  it('checks both directions of ToCompositeFieldPath and combine variables', () => {
    const input = networkResourcesInput();
    input.resources[0].patches[5].toFieldPath = 'status.vpcID';
    input.resources[0].patches[4].combine.variables[1].fromFieldPath = 'spec.parameters.env';
    const problems = problemsOf(input);
    expect(messagesAt(problems, `${RESOURCE}.patches[5].toFieldPath`)).toEqual([
      '"status.vpcID" is not a field of the composite example.org/v1alpha1 XNetwork schema: status has no field "vpcID" (did you mean "vpcId"?)',
    ]);
    expect(messagesAt(problems, `${RESOURCE}.patches[4].combine.variables[1].fromFieldPath`)[0]).toMatch(
      /^"spec.parameters.env" is not a field of the composite .*: spec.parameters has no field "env"/,
    );
  });

  it('checks patchSet patches for every resource using them, and patchSet names', () => {
    const input = networkResourcesInput();
    input.patchSets[0].patches[0].toFieldPath = 'spec.forProvider.regio';
    input.resources[0].patches.push({ type: 'PatchSet', patchSetName: 'comon' });
    const problems = problemsOf(input);
    expect(messagesAt(problems, 'spec.pipeline[0].input.patchSets[0].patches[0].toFieldPath')).toEqual([
      '"spec.forProvider.regio" is not a field of the composed ec2.aws.upbound.io/v1beta1 VPC schema: ' +
        'spec.forProvider has no field "regio" (did you mean "region"?) (patchSet "common" used by resource "vpc")',
    ]);
    expect(messagesAt(problems, `${RESOURCE}.patches[6].patchSetName`)).toEqual([
      'PatchSet patch names no patchSet of this input ("comon") (did you mean "common"?)',
    ]);
  });

  it('accepts map keys and array items where the schema has maps and lists, and rejects an index on a map', () => {
    const input = networkResourcesInput();
    input.resources[0].patches.push(
      { fromFieldPath: 'spec.parameters.region', toFieldPath: 'spec.forProvider.tags["example.org/region"]' },
      { fromFieldPath: 'spec.parameters.region', toFieldPath: 'status.conditions[0].reason' },
      { fromFieldPath: 'spec.parameters.region', toFieldPath: 'spec.forProvider.tags[0]' },
    );
    expect(problemsOf(input).map((problem) => `${problem.path}: ${problem.message}`)).toEqual([
      `${RESOURCE}.patches[8].toFieldPath: "spec.forProvider.tags[0]" is not a field of the composed ec2.aws.upbound.io/v1beta1 VPC schema: ` +
        'spec.forProvider.tags is not a list, so [0] cannot index it',
    ]);
  });

  it('validates the base against the composed CRD with required fields relaxed but unknown fields, types and enums strict', () => {
    const input = networkResourcesInput();
    const forProvider = input.resources[0].base.spec.forProvider;
    forProvider.enableDnsSuport = true;
    forProvider.instanceTenancy = 7;
    input.resources[0].base.spec.deletionPolicy = 'Keep';
    const problems = problemsOf(input);
    const base = `${RESOURCE}.base`;
    expect(problems.map((problem) => problem.path)).toEqual([
      `${base}.spec.forProvider.enableDnsSuport`,
      `${base}.spec.forProvider.instanceTenancy`,
      `${base}.spec.deletionPolicy`,
    ]);
    expect(messagesAt(problems, `${base}.spec.forProvider.instanceTenancy`)).toEqual(['must be of type string, got integer 7']);
  });

  it('rejects a base of an unknown kind', () => {
    const input = networkResourcesInput();
    input.resources[0].base.kind = 'Vpc';
    expect(messagesAt(problemsOf(input), `${RESOURCE}.base`)).toEqual([
      'unknown apiVersion/kind ec2.aws.upbound.io/v1beta1 Vpc: no vendored CRD, XRD among the documents or built-in kind defines it',
    ]);
  });

  it('rejects a compositeTypeRef no XRD among the documents defines', () => {
    const composition = networkComposition();
    composition.spec.compositeTypeRef.kind = 'XNetwrk';
    expect(messagesAt(validator.validateObject(composition), 'spec.compositeTypeRef')[0]).toMatch(
      /^no CompositeResourceDefinition among the documents defines the composite example.org\/v1alpha1 XNetwrk/,
    );
  });

  it('accepts the Join and Replace string transforms the function supports beyond its CRD enum', () => {
    const input = networkResourcesInput();
    input.resources[0].patches[2].transforms.push(
      { type: 'string', string: { type: 'Join', join: { separator: '-' } } },
      { type: 'string', string: { type: 'Replace', replace: { search: 'dev', replace: 'development' } } },
    );
    expect(problemsOf(input)).toEqual([]);
    input.resources[0].patches[2].transforms.push({ type: 'string', string: { type: 'Split' } });
    expect(messagesAt(problemsOf(input), `${RESOURCE}.patches[2].transforms[3].string.type`)[0]).toMatch(
      /^unsupported value "Split"; supported values: .*"Join", "Replace"$/,
    );
  });

  it('checks a missing toFieldPath as the fromFieldPath it defaults to, and requires fromFieldPath', () => {
    const input = networkResourcesInput();
    input.resources[0].patches.push({ fromFieldPath: 'spec.parameters.region' }, { type: 'FromCompositeFieldPath', toFieldPath: 'spec.forProvider.region' });
    const problems = problemsOf(input);
    expect(messagesAt(problems, `${RESOURCE}.patches[6].fromFieldPath`)).toEqual([
      '"spec.parameters.region" is not a field of the composed ec2.aws.upbound.io/v1beta1 VPC schema: ' +
        'spec has no field "parameters" (as toFieldPath, which defaults to it)',
    ]);
    expect(messagesAt(problems, `${RESOURCE}.patches[7].fromFieldPath`)).toEqual(['required for a FromCompositeFieldPath patch']);
  });

  it('reports a field path with a syntax error', () => {
    const input = networkResourcesInput();
    input.resources[0].patches[1].toFieldPath = 'spec.forProvider.tags[Name';
    expect(messagesAt(problemsOf(input), `${RESOURCE}.patches[1].toFieldPath`)).toEqual([
      'invalid field path "spec.forProvider.tags[Name": unterminated "[" at position 21',
    ]);
  });
});
