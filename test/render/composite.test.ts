/**
 * Claims, XRs and the metadata of composed resources. Docs: Crossplane "Claims" concept page
 * (claims create an XR of the claimed kind) and the patch-and-transform README's render output
 * (composition-resource-name annotation, crossplane.io/composite label).
 */
import { RenderError, renderComposition, type JsonObject } from '../../scripts/render/index';
import { CLAIM_TYPE, composition, vpc, xr } from './fixtures';

const claim = {
  ...CLAIM_TYPE,
  metadata: {
    name: 'payments',
    namespace: 'payments-dr',
    labels: { 'payments.example.org/environment': 'dev', 'app.kubernetes.io/managed-by': 'argocd' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', note: 'kept' },
  },
  spec: {
    region: 'use1',
    compositionRef: { name: 'xnetworks.example.org' },
    writeConnectionSecretToRef: { name: 'conn' },
    compositeDeletePolicy: 'Foreground',
  },
};

const labelsOf = (obj: JsonObject) => (obj.metadata as { labels: Record<string, string> }).labels;

describe('claims and composite resources', () => {
  test('Crossplane docs "Claims": a claim becomes an XR of the compositeTypeRef kind named after the claim', () => {
    const { xr: composite } = renderComposition(claim, composition([vpc([])]));
    expect(composite.apiVersion).toBe('example.org/v1alpha1');
    expect(composite.kind).toBe('XNetwork');
    expect((composite.metadata as { name: string }).name).toBe('payments');
  });

  test('Crossplane docs "Claims": the XR gets the claim spec without claim-only fields, and a claimRef', () => {
    const { xr: composite } = renderComposition(claim, composition([vpc([])]));
    expect(composite.spec).toEqual({
      region: 'use1',
      compositionRef: { name: 'xnetworks.example.org' },
      claimRef: { apiVersion: 'example.org/v1alpha1', kind: 'Network', namespace: 'payments-dr', name: 'payments' },
    });
  });

  test('Crossplane docs "Claims": labels and annotations propagate except *.kubernetes.io ones; claim labels are added', () => {
    const { xr: composite } = renderComposition(claim, composition([vpc([])]));
    expect(labelsOf(composite)).toEqual({
      'payments.example.org/environment': 'dev',
      'crossplane.io/claim-name': 'payments',
      'crossplane.io/claim-namespace': 'payments-dr',
      'crossplane.io/composite': 'payments',
    });
    expect((composite.metadata as { annotations: object }).annotations).toEqual({ note: 'kept' });
  });

  test('Crossplane docs "Claims": patches read the XR made from the claim', () => {
    const comp = composition([vpc([{ fromFieldPath: 'spec.claimRef.namespace', toFieldPath: 'spec.forProvider.tags[namespace]' }])]);
    const [resource] = renderComposition(claim, comp).resources;
    expect((resource.spec as { forProvider: { tags: object } }).forProvider.tags).toEqual({ namespace: 'payments-dr' });
  });

  test('Crossplane docs "Claims": an object of another API group is neither the XR nor its claim', () => {
    const other = { apiVersion: 'other.org/v1', kind: 'Network', metadata: { name: 'x' }, spec: {} };
    expect(() => renderComposition(other, composition([vpc([])]))).toThrow(RenderError);
  });
});

describe('composed resource metadata', () => {
  test('patch-and-transform README render output: composition-resource-name annotation and composite label', () => {
    const [resource] = renderComposition(xr({}), composition([vpc([])])).resources;
    expect(resource.metadata).toEqual({
      name: 'net1-vpc',
      annotations: { 'crossplane.io/composition-resource-name': 'vpc' },
      labels: { 'crossplane.io/composite': 'net1' },
    });
  });

  test('patch-and-transform README render output: resources composed for a claim carry the claim labels', () => {
    const [resource] = renderComposition(claim, composition([vpc([])])).resources;
    expect(labelsOf(resource)).toEqual({
      'crossplane.io/composite': 'payments',
      'crossplane.io/claim-name': 'payments',
      'crossplane.io/claim-namespace': 'payments-dr',
    });
  });

  test('patch-and-transform docs "Create a patch": a name set by the base or a patch is kept', () => {
    const comp = composition([vpc([{ fromFieldPath: 'spec.name', toFieldPath: 'metadata.name' }]), vpc([], 'other')]);
    const names = renderComposition(xr({ name: 'vpc-use1-dev' }), comp).resources.map((r) => (r.metadata as { name: string }).name);
    expect(names).toEqual(['vpc-use1-dev', 'net1-other']);
  });

  test('patch-and-transform docs "Resource readiness checks": readinessChecks and connectionDetails are accepted and do not change the render', () => {
    const template = { ...vpc([]), readinessChecks: [{ type: 'None' }], connectionDetails: [{ name: 'id', type: 'FromFieldPath', fromFieldPath: 'status.atProvider.id' }] };
    expect(renderComposition(xr({}), composition([template])).resources).toEqual(renderComposition(xr({}), composition([vpc([])])).resources);
  });
});

describe('compositions', () => {
  test('patch-and-transform docs introduction: only mode: Pipeline Compositions can be rendered', () => {
    const legacy = { ...composition([]), spec: { compositeTypeRef: { apiVersion: 'example.org/v1alpha1', kind: 'XNetwork' }, resources: [] } };
    expect(() => renderComposition(xr({}), legacy)).toThrow(/only Compositions in mode: Pipeline/);
  });

  test('patch-and-transform docs introduction ("uses a mode: Pipeline Composition and a function"): steps of other functions are refused', () => {
    const comp = composition([vpc([])]);
    const pipeline = (comp.spec as { pipeline: object[] }).pipeline;
    pipeline.push({ step: 'templates', functionRef: { name: 'function-go-templating' }, input: { apiVersion: 'gotemplating.fn.crossplane.io/v1beta1', kind: 'GoTemplate' } });
    expect(() => renderComposition(xr({}), comp)).toThrow(/pipeline step "templates" \(function-go-templating\) cannot be rendered offline/);
  });

  test('patch-and-transform docs "Resource templates": a later step may patch a resource an earlier step produced (no base)', () => {
    const comp = composition([vpc([])]);
    const pipeline = (comp.spec as { pipeline: object[] }).pipeline;
    pipeline.splice(1, 0, {
      step: 'patch-more',
      functionRef: { name: 'function-patch-and-transform' },
      input: { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources', resources: [{ name: 'vpc', patches: [{ fromFieldPath: 'spec.cidr', toFieldPath: 'spec.forProvider.cidrBlock' }] }] },
    });
    const [resource] = renderComposition(xr({ cidr: '10.1.0.0/16' }), comp).resources;
    expect((resource.spec as { forProvider: object }).forProvider).toEqual({ region: 'us-east-1', cidrBlock: '10.1.0.0/16' });
  });
});
