/**
 * The real engines behind `npm run validate` and the test helpers (engines/check.ts):
 * `crossplane resource validate`, the scratch apiextensions-apiserver (store, then apply again),
 * `crossplane composition render` phases, and the project's own rules. One engine session for
 * the file.
 */
import { checkWithEngines, type ManifestDocument } from '../../../engines/check';
import { EngineSession } from '../../../engines/session';
import { networkClaim, networkComposition, networkXrd, vpc } from '../../support/validate-fixtures';

type Json = Record<string, any>;
const session = new EngineSession();
afterAll(() => session.stop());

const check = (docs: Json[], options: { skipRender?: boolean } = {}) =>
  checkWithEngines(
    docs.map((doc, i): ManifestDocument => ({ file: `doc-${i}.yaml`, doc })),
    { session, ...options },
  );
const messages = (result: Awaited<ReturnType<typeof check>>, engine?: string) =>
  result.problems.filter((p) => !engine || p.engine === engine).map((p) => `${p.path} ${p.message}`);

describe('managed resources against their vendored CRDs', () => {
  test('a valid VPC passes both engines, each saying so in its report', async () => {
    const result = await check([vpc()]);
    expect(result.problems).toEqual([]);
    expect(result.reports[0].verdicts).toEqual({ 'crossplane resource validate': 'ok', 'apiextensions-apiserver': 'ok' });
  });

  test('an unknown field is refused by both engines, at its path', async () => {
    const object = vpc();
    object.spec.forProvider.cidrBlok = object.spec.forProvider.cidrBlock;
    const result = await check([object]);
    expect(messages(result, 'crossplane resource validate')).toEqual([
      expect.stringMatching(/^spec\.forProvider\.cidrBlok .*unknown field: "cidrBlok"/),
    ]);
    expect(messages(result, 'apiextensions-apiserver')).toEqual([
      expect.stringMatching(/\.spec\.forProvider\.cidrBlok: field not declared in schema/),
    ]);
  });

  test('type, enum and CEL (an upjet required parameter) are refused', async () => {
    const role = {
      apiVersion: 'iam.aws.upbound.io/v1beta1',
      kind: 'Role',
      metadata: { name: 'lambda-use1-dev' },
      spec: { forProvider: {} },
    };
    const typed = vpc();
    typed.metadata.name = 'typed';
    typed.spec.forProvider.enableDnsSupport = 'yes';
    typed.spec.deletionPolicy = 'Retain';
    const result = await check([role, typed]);
    expect(result.reports[0].problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('spec.forProvider.assumeRolePolicy is a required parameter')]),
    );
    const typedMessages = result.reports[1].problems.map((p) => p.message).join('\n');
    expect(typedMessages).toMatch(/enableDnsSupport.*must be of type boolean|expected boolean/);
    expect(typedMessages).toMatch(/Unsupported value: "Retain"/);
  });

  test('metadata is checked by the API server: a bad label value is refused', async () => {
    const object = vpc();
    object.metadata.labels = { 'example.org/region': 'us east 1' };
    const result = await check([object]);
    expect(messages(result, 'apiextensions-apiserver').join('\n')).toMatch(/metadata\.labels: Invalid value: "us east 1"/);
    expect(messages(result, 'crossplane resource validate')).toEqual([]);
  });

  test('built-in kinds are strictly decoded by resource validate; the CRD-only API server does not serve them', async () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments-dr', lables: { a: 'b' } } };
    const result = await check([namespace]);
    expect(messages(result, 'crossplane resource validate')).toEqual([' unknown field "metadata.lables"']);
    expect(result.reports[0].verdicts['apiextensions-apiserver']).toMatch(/^not served \(a built-in kind/);
  });

  test('an apiVersion no CRD defines is a missing schema', async () => {
    const result = await check([{ ...vpc(), kind: 'Vpc' }]);
    expect(messages(result)).toEqual([' no CRD or XRD defines ec2.aws.upbound.io/v1beta1 Vpc (missing schema)']);
  });
});

describe('XRDs, claims and what they compose', () => {
  test('a claim validates against the CRD Crossplane generates from its XRD, and renders into valid resources', async () => {
    const result = await check([networkXrd(), networkComposition(), networkClaim()]);
    expect(result.problems).toEqual([]);
    expect(result.rendered).toHaveLength(1);
    expect(result.rendered[0].resources.map((r) => r.kind)).toEqual(['VPC']);
    expect(result.reports.map((r) => r.file)).toEqual([
      'doc-0.yaml',
      'doc-1.yaml',
      'doc-2.yaml',
      'doc-2.yaml → xnetworks.aws.example.org/(composite)',
      'doc-2.yaml → xnetworks.aws.example.org/vpc',
    ]);
  });

  test('a claim field the XRD does not declare is refused', async () => {
    const claim = networkClaim();
    claim.spec.parameters.regoin = 'us-east-1';
    const result = await check([networkXrd(), claim], { skipRender: true });
    expect(messages(result, 'crossplane resource validate')).toEqual([expect.stringMatching(/^spec\.parameters\.regoin /)]);
    expect(messages(result, 'apiextensions-apiserver')).toEqual([
      expect.stringMatching(/spec\.parameters\.regoin: field not declared in schema/),
    ]);
  });

  test('a CEL transition rule (oldSelf) runs: the object is stored, then applied again as an update', async () => {
    const xrd = networkXrd();
    const parameters = xrd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.parameters;
    parameters.properties.generation = {
      type: 'integer',
      'x-kubernetes-validations': [{ rule: 'self > oldSelf', message: 'generation must grow on every update' }],
    };
    const claim = networkClaim();
    claim.spec.parameters.generation = 1;
    const result = await check([xrd, claim], { skipRender: true });
    // resource validate has no old object (rules with oldSelf are skipped); the second apply is an update.
    expect(messages(result, 'crossplane resource validate')).toEqual([]);
    expect(messages(result, 'apiextensions-apiserver')).toEqual([
      expect.stringMatching(/applied again over the stored object: .*generation must grow on every update/),
    ]);
  });

  test('an XRD whose generated CRD the API server refuses is reported on the XRD', async () => {
    const xrd = networkXrd();
    xrd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.untyped = { description: 'no type' };
    xrd.metadata.name = 'xnetworks.example.org';
    const result = await check([xrd], { skipRender: true });
    // Both CRDs Crossplane generates (the XR's and the claim's) carry the schema.
    expect(messages(result, 'apiextensions-apiserver').sort()).toEqual([
      expect.stringMatching(
        /the CRD Crossplane generates from it does not install: .*"networks\.example\.org" is invalid: .*untyped.*type: Required value/,
      ),
      expect.stringMatching(
        /the CRD Crossplane generates from it does not install: .*"xnetworks\.example\.org" is invalid: .*untyped.*type: Required value/,
      ),
    ]);
  });

  test('project rules: a resource held back forever by a Required status patch; a namespaced object without a namespace', async () => {
    const composition = networkComposition();
    composition.spec.pipeline[0].input.resources[0].patches.push({
      fromFieldPath: 'status.neverSet',
      toFieldPath: 'metadata.annotations[x]',
      policy: { fromFieldPath: 'Required' },
    });
    const xrd = networkXrd();
    xrd.spec.versions[0].schema.openAPIV3Schema.properties.status.properties.neverSet = { type: 'string' };
    const claim = networkClaim();
    delete claim.metadata.namespace;
    const result = await check([xrd, composition, claim]);
    expect(messages(result, 'project rules')).toEqual([
      expect.stringMatching(/^ never composed: resource "vpc" still waits for status\.neverSet after \d render phases/),
      expect.stringMatching(/^metadata\.namespace Network is namespaced: metadata\.namespace must be set/),
    ]);
  });

  test('project rules: a claim selecting a Composition that is not among the manifests', async () => {
    const claim = networkClaim();
    claim.spec.compositionRef = { name: 'nope' };
    const result = await check([networkXrd(), claim]);
    expect(messages(result, 'project rules')).toEqual(['spec.compositionRef selects Composition "nope", which is not among the manifests']);
  });

  test("a P&T input is validated against the function's input CRD, under its Composition", async () => {
    const composition = networkComposition();
    composition.spec.pipeline[0].input.resources[0].pathces = [];
    const result = await check([networkXrd(), composition]);
    expect(messages(result, 'crossplane resource validate')).toEqual([
      expect.stringMatching(/^spec\.pipeline\[0\]\.input\.resources\[0\]\.pathces .*unknown field/),
    ]);
  });

  test('a resource base no render composes is still validated (required fields relaxed: patches fill them)', async () => {
    const composition = networkComposition();
    composition.spec.pipeline[0].input.resources[0].base.spec.forProvider.enableDnsSuport = true;
    const result = await check([networkXrd(), composition]);
    expect(messages(result, 'crossplane resource validate')).toEqual([
      expect.stringMatching(/^spec\.pipeline\[0\]\.input\.resources\[0\]\.base\.spec\.forProvider\.enableDnsSuport /),
    ]);
  });
});
