/**
 * A claim becomes the XR Crossplane's claim syncer would create (core v2.3
 * internal/controller/apiextensions/claim): the rules engines/claim.ts follows.
 */
import { compositeSuffix, toComposite } from '../../../engines/claim';
import { networkXrd } from '../../support/validate-fixtures';

const claim = {
  apiVersion: 'example.org/v1alpha1',
  kind: 'Network',
  metadata: {
    name: 'payments',
    namespace: 'payments-dr',
    labels: { 'payments.example.org/environment': 'dev', 'app.kubernetes.io/managed-by': 'argocd', 'node.k8s.io/x': 'y' },
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', note: 'kept' },
  },
  spec: {
    parameters: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
    compositionRef: { name: 'xnetworks.aws.example.org' },
    compositionRevisionRef: { name: 'rev-1' },
    writeConnectionSecretToRef: { name: 'conn' },
    compositeDeletePolicy: 'Foreground',
    resourceRef: { apiVersion: 'example.org/v1alpha1', kind: 'XNetwork', name: 'old' },
  },
};

describe('claim to composite resource', () => {
  const xr = toComposite(claim, networkXrd());

  test('the XR is of the XRD kind at its referenceable version, named after the claim with a 5-character suffix', () => {
    expect(xr.apiVersion).toBe('example.org/v1alpha1');
    expect(xr.kind).toBe('XNetwork');
    expect(xr.metadata.name).toMatch(/^payments-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(xr.metadata.name).toBe(`payments-${compositeSuffix('payments-dr', 'payments')}`);
    expect(toComposite(claim, networkXrd()).metadata.name).toBe(xr.metadata.name);
    expect(compositeSuffix('other', 'payments')).not.toBe(compositeSuffix('payments-dr', 'payments'));
  });

  test('labels and annotations propagate except keys under *kubernetes.io / *k8s.io; the claim labels are added', () => {
    expect(xr.metadata.labels).toEqual({
      'payments.example.org/environment': 'dev',
      'crossplane.io/claim-name': 'payments',
      'crossplane.io/claim-namespace': 'payments-dr',
    });
    expect(xr.metadata.annotations).toEqual({ note: 'kept' });
  });

  test('the spec loses the claim-only fields and gains claimRef; composition selection is kept', () => {
    expect(xr.spec).toEqual({
      parameters: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
      compositionRef: { name: 'xnetworks.aws.example.org' },
      claimRef: { apiVersion: 'example.org/v1alpha1', kind: 'Network', name: 'payments', namespace: 'payments-dr' },
    });
  });

  test('an XR is passed through; another kind is refused naming both kinds', () => {
    const composite = { apiVersion: 'example.org/v1alpha1', kind: 'XNetwork', metadata: { name: 'n' }, spec: {} };
    expect(toComposite(composite, networkXrd())).toEqual(composite);
    expect(() => toComposite({ apiVersion: 'example.org/v1alpha1', kind: 'Netwrk', metadata: { name: 'n' } }, networkXrd())).toThrow(
      'example.org/v1alpha1 Netwrk is neither the composite example.org XNetwork nor its claim Network (XRD xnetworks.example.org)',
    );
  });

  test('a claim without a namespace is in "default", as kubectl would create it', () => {
    const { namespace: _n, ...metadata } = claim.metadata;
    expect(toComposite({ ...claim, metadata }, networkXrd()).spec.claimRef.namespace).toBe('default');
  });
});
