/**
 * Patches (patch-and-transform docs "Types of patches", "Reuse a patch", "Patch policies").
 * As in the function, patches *from* the composite resource read the observed XR and write the
 * desired composed resource; patches *to* the composite resource read the observed composed
 * resource (skipped while it does not exist) and write the desired XR.
 */
import { getFieldValue, parseFieldPath, setFieldValue, type Segment } from './fieldpath';
import { goSprintf } from './go-fmt';
import { InputError, optionalArray, requireObject, requireOneOf, requireString, requireText, within } from './input';
import type { JsonObject } from './json';
import { TO_FIELD_PATH_POLICIES, type MergeOptions } from './merge';
import { compileTransform, type CompiledTransform } from './transforms';

/** The objects one patch can read and write while a composed resource is rendered. */
export interface PatchContext {
  observedXr: JsonObject;
  desiredXr: JsonObject;
  /** The composed resource as it exists, if it does (from the observed resources). */
  observed?: JsonObject;
  desired: JsonObject;
}

export interface CompiledPatch {
  /** How messages name the patch, e.g. `"FromCompositeFieldPath" patch at index 2`. */
  label: string;
  /** `policy.fromFieldPath: Required`. */
  required: boolean;
  /** Writes the composed resource, so a Required source that is missing keeps a new resource from being created. */
  toComposed: boolean;
  /** Throws FieldPathNotFoundError when a source field is absent, Error when the patch fails. */
  apply(context: PatchContext): void;
}

type PatchBody = Omit<CompiledPatch, 'label'>;

const DIRECTIONS: Record<string, { toComposed: boolean; combine: boolean }> = {
  FromCompositeFieldPath: { toComposed: true, combine: false },
  CombineFromComposite: { toComposed: true, combine: true },
  ToCompositeFieldPath: { toComposed: false, combine: false },
  CombineToComposite: { toComposed: false, combine: true },
};
const ENVIRONMENT_TYPES = ['FromEnvironmentFieldPath', 'ToEnvironmentFieldPath', 'CombineFromEnvironment', 'CombineToEnvironment'];
const PATCH_SET = 'PatchSet';

function patchType(patch: JsonObject): string {
  return patch.type === undefined ? 'FromCompositeFieldPath' : requireText(patch.type, 'type');
}

interface FieldPath {
  path: string;
  segments: Segment[];
}

function compileFieldPath(value: unknown, at: string): FieldPath {
  const path = requireString(value, at);
  return { path, segments: within(at, () => parseFieldPath(path)) };
}

/** Reads the patch input from the source object: one field, or several combined with a Go format. */
interface Source {
  read(from: JsonObject): unknown;
  /** Where the value goes when `toFieldPath` is omitted (the same path, for single-field patches). */
  defaultTarget?: string;
}

function compileSource(patch: JsonObject, combine: boolean): Source {
  if (!combine) {
    const from = compileFieldPath(patch.fromFieldPath, 'fromFieldPath');
    return { read: (obj) => getFieldValue(obj, from.path, from.segments), defaultTarget: from.path };
  }
  const config = requireObject(patch.combine, 'combine');
  requireOneOf(config.strategy, ['string'] as const, 'combine.strategy');
  const format = requireText(requireObject(config.string, 'combine.string').fmt, 'combine.string.fmt');
  const variables = optionalArray(config.variables, 'combine.variables').map((variable, i) =>
    compileFieldPath(requireObject(variable, `combine.variables[${i}]`).fromFieldPath, `combine.variables[${i}].fromFieldPath`),
  );
  if (variables.length === 0) throw new InputError('combine.variables', 'at least one variable must be provided');
  return { read: (obj) => goSprintf(format, variables.map((v) => getFieldValue(obj, v.path, v.segments))) };
}

function runTransforms(transforms: CompiledTransform[], input: unknown): unknown {
  return transforms.reduce((value, transform, i) => {
    try {
      return transform.apply(value);
    } catch (err) {
      throw new Error(`transform at index ${i} (${transform.type}): ${(err as Error).message}`);
    }
  }, input);
}

function compilePolicy(patch: JsonObject): { required: boolean; merge?: MergeOptions } {
  if (patch.policy === undefined) return { required: false };
  const policy = requireObject(patch.policy, 'policy');
  const from = policy.fromFieldPath === undefined ? 'Optional' : requireOneOf(policy.fromFieldPath, ['Optional', 'Required'] as const, 'policy.fromFieldPath');
  const to = policy.toFieldPath === undefined ? 'Replace' : requireOneOf(policy.toFieldPath, Object.keys(TO_FIELD_PATH_POLICIES), 'policy.toFieldPath');
  return { required: from === 'Required', merge: TO_FIELD_PATH_POLICIES[to] };
}

/** One patch that is not a PatchSet reference. */
function compilePatchBody(patch: JsonObject, type: string): PatchBody {
  if (ENVIRONMENT_TYPES.includes(type)) {
    throw new InputError('type', `${type} is not supported by the offline renderer (it renders without a Composition environment)`);
  }
  const direction = DIRECTIONS[type];
  if (!direction) throw new InputError('type', `unknown patch type ${JSON.stringify(type)}`);
  const source = compileSource(patch, direction.combine);
  const target = compileFieldPath(patch.toFieldPath ?? source.defaultTarget, 'toFieldPath');
  if (target.path.includes('[*]')) throw new InputError('toFieldPath', 'wildcards ([*]) are not supported by the offline renderer');
  const transforms = optionalArray(patch.transforms, 'transforms').map((t, i) => within(`transforms[${i}]`, () => compileTransform(t)));
  const { required, merge } = compilePolicy(patch);
  const { toComposed } = direction;
  return {
    required,
    toComposed,
    apply(context) {
      const from = toComposed ? context.observedXr : context.observed;
      if (!from) return;
      const value = runTransforms(transforms, source.read(from));
      setFieldValue(toComposed ? context.desired : context.desiredXr, target.path, value, merge, target.segments);
    },
  };
}

interface PatchSetEntry {
  type: string;
  body: PatchBody;
}

/** The input's `patchSets` by name; a PatchSet may not refer to another PatchSet. */
export function compilePatchSets(config: unknown): Map<string, PatchSetEntry[]> {
  const sets = new Map<string, PatchSetEntry[]>();
  optionalArray(config, 'patchSets').forEach((entry, k) => {
    const set = requireObject(entry, `patchSets[${k}]`);
    const name = requireString(set.name, `patchSets[${k}].name`);
    const at = `patchSets[${k}] (${JSON.stringify(name)})`;
    const patches = optionalArray(set.patches, `${at}.patches`).map((value, j) => {
      const patch = requireObject(value, `${at}.patches[${j}]`);
      const type = within(`${at}.patches[${j}]`, () => patchType(patch));
      return within(`${at}.patches[${j}] (${type})`, () => {
        if (type === PATCH_SET) throw new InputError('type', 'a patch in a PatchSet cannot be of type PatchSet');
        return { type, body: compilePatchBody(patch, type) };
      });
    });
    sets.set(name, patches);
  });
  return sets;
}

/** A resource template's patches, with PatchSet references replaced by the set's patches in place. */
export function compilePatches(config: unknown, patchSets: Map<string, PatchSetEntry[]>): CompiledPatch[] {
  return optionalArray(config, 'patches').flatMap((value, i) => {
    const patch = requireObject(value, `patches[${i}]`);
    const type = within(`patches[${i}]`, () => patchType(patch));
    return within(`patches[${i}] (${type})`, () => {
      if (type !== PATCH_SET) return [{ label: `${JSON.stringify(type)} patch at index ${i}`, ...compilePatchBody(patch, type) }];
      const name = requireString(patch.patchSetName, 'patchSetName');
      const set = patchSets.get(name);
      if (!set) throw new InputError('patchSetName', `cannot find PatchSet by name ${JSON.stringify(name)}`);
      return set.map((entry, j) => ({
        label: `patch at index ${i} (PatchSet ${JSON.stringify(name)}, its ${JSON.stringify(entry.type)} patch at index ${j})`,
        ...entry.body,
      }));
    });
  });
}
