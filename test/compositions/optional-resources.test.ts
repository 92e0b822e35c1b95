/**
 * The CEL that function-cel-filter evaluates for optional composed resources, run by the real
 * function (a one-resource Composition rendered through P&T → cel-filter → auto-ready).
 */
import { PipelineComposition } from '../../compositions/lib/composition';
import { composedWhenPresent, xrFieldPresent } from '../../compositions/lib/optional-resources';
import { EngineSession } from '../../engines/session';
import { Testing } from 'cdk8s';
import { compositionResourceName, xr } from '../support/render-fixtures';

const session = new EngineSession();
afterAll(() => session.stop());

function filteredComposition(fieldPath: string) {
  const vpc = {
    name: 'vpc',
    base: { apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'VPC', spec: { forProvider: { region: 'us-east-1' } } },
    patches: [],
  };
  const chart = Testing.chart();
  new PipelineComposition(chart, 'c', {
    name: 'optional',
    compositeTypeRef: { apiVersion: 'example.org/v1alpha1', kind: 'XNetwork' },
    patchSets: {},
    resources: [composedWhenPresent(vpc, fieldPath), { ...vpc, name: 'always' }],
  });
  return Testing.synth(chart)[0];
}

describe.each([
  ['spec.emails[1]', { emails: ['a@example.com', 'b@example.com'] }, true],
  ['spec.emails[1]', { emails: ['a@example.com'] }, false],
  ['spec.emails[0]', {}, false],
  ['spec.secrets.db.oddVersion', { secrets: { db: { oddVersion: 3 } } }, true],
  ['spec.secrets.db.oddVersion', { secrets: { db: { evenVersion: 4 } } }, false],
  ['spec.secrets.db.oddVersion', { secrets: {} }, false],
  ['spec.regions.use1.ids[2]', { regions: { use1: { ids: ['a', 'b', 'c'] } } }, true],
  ['spec.regions.use1.ids[2]', { regions: { usw2: { ids: ['a', 'b', 'c'] } } }, false],
])('composedWhenPresent(%s)', (fieldPath, spec, composed) => {
  test(`with spec ${JSON.stringify(spec)}: ${composed ? 'composed' : 'dropped'}, and the other resource always composed`, async () => {
    const result = await session.render({ xr: xr(spec), composition: filteredComposition(fieldPath), includeFullXr: false });
    expect(result.resources.map(compositionResourceName).sort()).toEqual(composed ? ['always', 'vpc'] : ['always']);
  });
});

test('a Composition without optional resources has no cel-filter step', () => {
  const chart = Testing.chart();
  new PipelineComposition(chart, 'c', {
    name: 'plain',
    compositeTypeRef: { apiVersion: 'example.org/v1alpha1', kind: 'XNetwork' },
    patchSets: {},
    resources: [],
  });
  expect(Testing.synth(chart)[0].spec.pipeline.map((step: { step: string }) => step.step)).toEqual([
    'patch-and-transform',
    'automatically-detect-ready-composed-resources',
  ]);
});

test.each(['spec.emails[x]', 'spec..emails', 'spec.e-mails'])(
  'a field path the condition cannot express (%s) is refused at construction',
  (fieldPath) => {
    expect(() => xrFieldPresent(fieldPath)).toThrow(`field path "${fieldPath}"`);
  },
);
