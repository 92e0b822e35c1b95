/**
 * One function-patch-and-transform pipeline step, as the function's RunFunction does it: every
 * resource template starts from its base (or the resource a previous step produced), takes the
 * observed resource's name, and runs its patches in order. A missing source field skips the
 * patch (`policy.fromFieldPath: Optional`, the default); with `Required` a resource that does not
 * exist yet is left out of the desired state, with a warning (docs "fromFieldPath policy").
 */
import { RenderError, reasonOf } from './errors';
import { FieldPathNotFoundError } from './fieldpath';
import { InputError, optionalArray, requireObject, requireString, within } from './input';
import { cloneJson, isJsonObject, objectAt, type JsonObject } from './json';
import { compilePatches, compilePatchSets, type CompiledPatch } from './patches';

interface ResourceTemplate {
  name: string;
  base?: JsonObject;
  patches: CompiledPatch[];
}

/** The state a Composition's pipeline passes from step to step. */
export interface PipelineState {
  observedXr: JsonObject;
  desiredXr: JsonObject;
  /** Observed composed resources by composition resource name. */
  observed: ReadonlyMap<string, JsonObject>;
  /** Desired composed resources by composition resource name, in the order they were first produced. */
  desired: Map<string, JsonObject>;
  warnings: string[];
}

export type PatchAndTransformStep = (state: PipelineState) => void;

/** Validates a `pt.fn.crossplane.io/v1beta1 Resources` input; throws InputError naming the field. */
export function compilePatchAndTransform(input: JsonObject): PatchAndTransformStep {
  const environment = input.environment === undefined ? {} : requireObject(input.environment, 'environment');
  if (optionalArray(environment.patches, 'environment.patches').length > 0) {
    throw new InputError('environment.patches', 'environment patches are not supported by the offline renderer');
  }
  const patchSets = compilePatchSets(input.patchSets);
  const resources = optionalArray(input.resources, 'resources');
  if (resources.length === 0) throw new InputError('resources', 'at least one resource template is required');
  const templates = resources.map((value, i): ResourceTemplate => {
    const template = requireObject(value, `resources[${i}]`);
    const name = requireString(template.name, `resources[${i}].name`);
    return within(`resources[${i}] (${JSON.stringify(name)})`, () => ({
      name,
      base: template.base === undefined ? undefined : compileBase(template.base),
      patches: compilePatches(template.patches, patchSets),
    }));
  });
  return (state) => {
    for (const template of templates) {
      const desired = renderTemplate(template, state);
      if (desired) state.desired.set(template.name, desired);
    }
  };
}

/** A base template must be a Kubernetes object: the function cannot decode one without apiVersion and kind. */
function compileBase(value: unknown): JsonObject {
  const base = requireObject(value, 'base');
  requireString(base.apiVersion, 'base.apiVersion');
  requireString(base.kind, 'base.kind');
  return base;
}

function startingPoint(template: ResourceTemplate, state: PipelineState): JsonObject {
  const previous = template.base ?? state.desired.get(template.name);
  if (!previous) {
    throw new RenderError(`composed resource ${JSON.stringify(template.name)} has no base template, and was not produced by a previous function in the pipeline`);
  }
  return cloneJson(previous);
}

/** The desired composed resource, or undefined when a Required source keeps it from being created. */
function renderTemplate(template: ResourceTemplate, state: PipelineState): JsonObject | undefined {
  const desired = startingPoint(template, state);
  const observed = state.observed.get(template.name);
  if (observed && isJsonObject(observed.metadata)) {
    const metadata = objectAt(desired, 'metadata');
    for (const key of ['name', 'namespace']) if (observed.metadata[key] !== undefined) metadata[key] = observed.metadata[key];
  }
  const resource = JSON.stringify(template.name);
  for (const patch of template.patches) {
    try {
      patch.apply({ observedXr: state.observedXr, desiredXr: state.desiredXr, observed, desired });
    } catch (err) {
      if (!(err instanceof FieldPathNotFoundError)) throw new RenderError(`cannot render composed resource ${resource}: ${patch.label}: ${reasonOf(err)}`);
      if (!patch.required) continue;
      const source = patch.toComposed ? 'the composite resource' : 'the observed composed resource';
      const missing = `${patch.label} has policy.fromFieldPath: Required but ${err.path} is absent from ${source}`;
      if (patch.toComposed && !observed) {
        state.warnings.push(`not rendering composed resource ${resource}: ${missing}`);
        return undefined;
      }
      state.warnings.push(`composed resource ${resource}: ${missing}; the patch is skipped because the resource already exists`);
    }
  }
  return desired;
}
