/** Small hand-made Compositions, XRs and claims for the engine tests (example.org XNetwork / Network). */
type Json = Record<string, any>;

export const XR_TYPE = { apiVersion: 'example.org/v1alpha1', kind: 'XNetwork' };
export const CLAIM_TYPE = { apiVersion: 'example.org/v1alpha1', kind: 'Network' };

/** A Composition: function-patch-and-transform with `resources` (and e.g. `patchSets`), then function-auto-ready. */
export function composition(resources: object[], input: object = {}): Json {
  return {
    apiVersion: 'apiextensions.crossplane.io/v1',
    kind: 'Composition',
    metadata: { name: 'xnetworks.example.org' },
    spec: {
      compositeTypeRef: XR_TYPE,
      mode: 'Pipeline',
      pipeline: [
        {
          step: 'patch-and-transform',
          functionRef: { name: 'function-patch-and-transform' },
          input: { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources', ...input, resources },
        },
        { step: 'automatically-detect-ready-composed-resources', functionRef: { name: 'function-auto-ready' } },
      ],
    },
  };
}

export function xr(spec: object, status?: object): Json {
  return { ...XR_TYPE, metadata: { name: 'net1' }, spec, ...(status ? { status } : {}) };
}

/** A resource template for an ec2 VPC with the given patches. */
export function vpc(patches: object[], name = 'vpc', forProvider: object = { region: 'us-east-1' }): Json {
  return { name, base: { apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'VPC', spec: { forProvider } }, patches };
}

export function compositionResourceName(resource: Json): string | undefined {
  return resource.metadata?.annotations?.['crossplane.io/composition-resource-name'];
}
