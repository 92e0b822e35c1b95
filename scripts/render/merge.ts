/**
 * `policy.toFieldPath` merge semantics (patch-and-transform docs "toFieldPath policy"):
 * MergeObjects keeps conflicting keys already at the target, ForceMergeObjects replaces them,
 * the *AppendArrays variants append arrays instead of replacing them.
 * As upstream (crossplane-runtime fieldpath.MergeValue on top of mergo), a target value that is
 * empty (null, "", 0, false, [] or {}) never counts as a conflict, and only the top-level array
 * drops appended items that are already present.
 */
import { deepEqual, isJsonObject, type JsonObject } from './json';

export interface MergeOptions {
  /** Keep the value already at the target when both sides have one (MergeObjects*). */
  keepExisting: boolean;
  /** Append arrays instead of replacing them (*AppendArrays). */
  appendArrays: boolean;
}

/** Every `policy.toFieldPath` the function accepts; `undefined` means Replace. */
export const TO_FIELD_PATH_POLICIES: Record<string, MergeOptions | undefined> = {
  Replace: undefined,
  MergeObjects: { keepExisting: true, appendArrays: false },
  MergeObjectsAppendArrays: { keepExisting: true, appendArrays: true },
  ForceMergeObjects: { keepExisting: false, appendArrays: false },
  ForceMergeObjectsAppendArrays: { keepExisting: false, appendArrays: true },
  /** Deprecated spelling of MergeObjects. */
  MergeObject: { keepExisting: true, appendArrays: false },
  /** Deprecated spelling of ForceMergeObjectsAppendArrays. */
  AppendArray: { keepExisting: false, appendArrays: true },
};

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '' || value === 0 || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isJsonObject(value) && Object.keys(value).length === 0;
}

function mergeNested(existing: unknown, incoming: unknown, options: MergeOptions): unknown {
  if (isJsonObject(existing) && isJsonObject(incoming)) {
    const merged: JsonObject = { ...existing };
    for (const [key, value] of Object.entries(incoming)) {
      if (value === null && options.keepExisting) continue;
      merged[key] = Object.hasOwn(existing, key) ? mergeNested(existing[key], value, options) : value;
    }
    return merged;
  }
  if (options.appendArrays && Array.isArray(existing) && Array.isArray(incoming)) return [...existing, ...incoming];
  return options.keepExisting && !isEmpty(existing) ? existing : incoming;
}

/** `incoming` merged into `existing` (the value currently at the target field path, if any). */
export function mergeValues(existing: unknown, incoming: unknown, options: MergeOptions): unknown {
  if (existing === undefined || existing === null || incoming === null) return incoming;
  if (options.appendArrays && Array.isArray(existing) && Array.isArray(incoming)) {
    return [...existing, ...incoming.filter((item) => !existing.some((present) => deepEqual(present, item)))];
  }
  return mergeNested(existing, incoming, options);
}
