import type { Construct } from 'constructs';
import { Composition, CompositionSpecMode } from '../../imports/apiextensions.crossplane.io';
import { Resources } from '../../imports/pt.fn.crossplane.io';
import { checkAwsNames } from './naming';
import { celFilters } from './optional-resources';
import type { Patch } from './patches';

/** Names of the Crossplane Function packages the pipelines call (the platform unit installs them). */
export const FUNCTION_PATCH_AND_TRANSFORM = 'function-patch-and-transform';
export const FUNCTION_AUTO_READY = 'function-auto-ready';
export const FUNCTION_CEL_FILTER = 'function-cel-filter';

export interface ComposedResource {
  /** The composition-resource-name: stable, unique within the Composition. */
  readonly name: string;
  /** The managed resource, built with the storage-version class's `manifest()`. */
  readonly base: Record<string, unknown>;
  readonly patches: readonly Patch[];
  /**
   * CEL over the observed XR (function-cel-filter): the resource is composed only while it is
   * true. Set with `composedWhenPresent()`; default: always composed.
   */
  readonly composedWhen?: string;
}

export interface PipelineCompositionProps {
  /** metadata.name of the Composition. */
  readonly name: string;
  /** The composite type it composes (apiVersion + kind of the XR). */
  readonly compositeTypeRef: { readonly apiVersion: string; readonly kind: string };
  /** Named patch sets, referenced from resources with `patchSet(name)`. */
  readonly patchSets: Readonly<Record<string, readonly Patch[]>>;
  readonly resources: readonly ComposedResource[];
}

/**
 * A Composition in Pipeline mode: function-patch-and-transform composes the resources,
 * function-cel-filter drops the optional ones whose condition is false (when there are any), then
 * function-auto-ready marks the XR ready once every composed resource is.
 */
export class PipelineComposition extends Composition {
  constructor(scope: Construct, id: string, props: PipelineCompositionProps) {
    const duplicate = props.resources.map((r) => r.name).find((name, i, all) => all.indexOf(name) !== i);
    if (duplicate) throw new Error(`Composition ${props.name}: composed resource name "${duplicate}" is used twice`);
    for (const resource of props.resources) checkAwsNames(resource);
    const input = Resources.manifest({
      resources: props.resources.map((r) => ({ name: r.name, base: r.base, patches: r.patches as never[] })),
      patchSets: Object.entries(props.patchSets).map(([name, patches]) => ({ name, patches: patches as never[] })),
    });
    delete input.metadata;
    const filters = celFilters(props.resources);
    super(scope, id, {
      metadata: { name: props.name },
      spec: {
        compositeTypeRef: props.compositeTypeRef,
        mode: CompositionSpecMode.PIPELINE,
        pipeline: [
          { step: 'patch-and-transform', functionRef: { name: FUNCTION_PATCH_AND_TRANSFORM }, input },
          ...(filters.length
            ? [
                {
                  step: 'drop-unused-optional-resources',
                  functionRef: { name: FUNCTION_CEL_FILTER },
                  input: { apiVersion: 'cel.fn.crossplane.io/v1beta1', kind: 'Filters', filters },
                },
              ]
            : []),
          { step: 'automatically-detect-ready-composed-resources', functionRef: { name: FUNCTION_AUTO_READY } },
        ],
      },
    });
  }
}
