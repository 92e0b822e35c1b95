/** Small hand-made Compositions and XRs for the render tests. */
import { renderComposition, type JsonObject, type RenderOptions } from '../../scripts/render/index';

export const XR_TYPE = { apiVersion: 'example.org/v1alpha1', kind: 'XNetwork' };
export const CLAIM_TYPE = { apiVersion: 'example.org/v1alpha1', kind: 'Network' };

/** A Composition: function-patch-and-transform with `resources` (and e.g. `patchSets`), then function-auto-ready. */
export function composition(resources: object[], input: object = {}): JsonObject {
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

export function xr(spec: object, status?: object): JsonObject {
  return { ...XR_TYPE, metadata: { name: 'net1' }, spec, ...(status ? { status } : {}) };
}

/** A resource template for an ec2 VPC with the given patches. */
export function vpc(patches: object[], name = 'vpc', forProvider: object = { region: 'us-east-1' }): JsonObject {
  return { name, base: { apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'VPC', spec: { forProvider } }, patches };
}

export function compositionResourceName(resource: JsonObject): string | undefined {
  return (resource.metadata as { annotations?: Record<string, string> }).annotations?.['crossplane.io/composition-resource-name'];
}

/** Renders and returns the composed resource named `name`. */
export function rendered(xrOrClaim: object, comp: object, name = 'vpc', opts?: RenderOptions): JsonObject {
  const resource = renderComposition(xrOrClaim, comp, opts).resources.find((r) => compositionResourceName(r) === name);
  if (!resource) throw new Error(`resource ${name} was not rendered`);
  return resource;
}

/** `spec.forProvider` of the rendered VPC. */
export function forProvider(xrOrClaim: object, comp: object): JsonObject {
  return (rendered(xrOrClaim, comp).spec as JsonObject).forProvider as JsonObject;
}

/** The value `transforms` turn `input` (at the XR's spec.input) into, written to the VPC's spec.forProvider.out. */
export function transformed(input: unknown, ...transforms: object[]): unknown {
  const comp = composition([vpc([{ fromFieldPath: 'spec.input', toFieldPath: 'spec.forProvider.out', transforms }])]);
  return forProvider(xr({ input }), comp).out;
}
