/**
 * renderComposition: what `crossplane composition render` prints for a Composition whose pipeline
 * is function-patch-and-transform then function-auto-ready, computed offline.
 *
 * With observed composed resources the pipeline runs twice, like two reconciles: the first run's
 * ToComposite patches copy observed status into the XR, the second run patches that XR status into
 * the composed resources (the function's FromComposite patches read the observed XR, never the
 * XR the same run is producing).
 */
import { recordParity } from '../validate/index';
import { toCompositeResource } from './composite';
import { compileComposition } from './composition';
import { RenderError } from './errors';
import type { PatchAndTransformStep, PipelineState } from './function';
import { cloneJson, isJsonObject, type JsonObject } from './json';
import { mergeValues } from './merge';
import { compositionResourceName, withComposedMetadata } from './metadata';

export interface RenderOptions {
  /** Composed resources as they exist (e.g. `kubectl get -o yaml`), matched by their composition-resource-name annotation. */
  observed?: object[];
}

export interface RenderResult {
  /** The composite resource with the status (and any other fields) the pipeline returned. */
  xr: JsonObject;
  /** The composed resources, in the order of the Composition's resource templates. */
  resources: JsonObject[];
  /** E.g. a resource left out because a `policy.fromFieldPath: Required` source is missing. */
  warnings: string[];
}

/** How Crossplane applies the desired XR the pipeline returns: objects merge, other values replace. */
const APPLY_DESIRED = { keepExisting: false, appendArrays: false };

function observedByResourceName(observed: readonly object[]): Map<string, JsonObject> {
  const byName = new Map<string, JsonObject>();
  for (const resource of observed) {
    if (!isJsonObject(resource)) throw new RenderError('an observed resource is not an object');
    const name = compositionResourceName(resource);
    const id = `${resource.kind} ${isJsonObject(resource.metadata) ? resource.metadata.name : '(unnamed)'}`;
    if (name === undefined) throw new RenderError(`observed resource ${id} has no crossplane.io/composition-resource-name annotation`);
    if (byName.has(name)) throw new RenderError(`two observed resources have the composition resource name ${JSON.stringify(name)}`);
    byName.set(name, cloneJson(resource));
  }
  return byName;
}

function runPipeline(steps: PatchAndTransformStep[], observedXr: JsonObject, observed: ReadonlyMap<string, JsonObject>): PipelineState {
  const state: PipelineState = { observedXr, desiredXr: {}, observed, desired: new Map(), warnings: [] };
  for (const step of steps) step(state);
  return state;
}

/** The XR as Crossplane stores it after applying the pipeline's desired XR. */
function applied(state: PipelineState): JsonObject {
  return mergeValues(state.observedXr, state.desiredXr, APPLY_DESIRED) as JsonObject;
}

/** Renders `xrOrClaim` (an XR, or a claim of one) with `composition`; throws RenderError. */
export function renderComposition(xrOrClaim: object, composition: object, opts: RenderOptions = {}): RenderResult {
  recordParity('render', { xrOrClaim, composition, observed: opts.observed ?? [] });
  const { compositeTypeRef, steps } = compileComposition(composition);
  const observed = observedByResourceName(opts.observed ?? []);
  let state = runPipeline(steps, toCompositeResource(xrOrClaim, compositeTypeRef), observed);
  if (observed.size > 0) state = runPipeline(steps, applied(state), observed);
  const xr = applied(state);
  const resources = [...state.desired].map(([name, resource]) => withComposedMetadata(resource, name, xr));
  return { xr, resources, warnings: state.warnings };
}
