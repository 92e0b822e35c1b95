/**
 * Checks on the function input (`pt.fn.crossplane.io/v1beta1 Resources`), which no CRD validates
 * or defaults inside a Composition. Failures are InputErrors that carry the field path.
 */
import { reasonOf } from './errors';
import { isJsonObject, type JsonObject } from './json';

/** A malformed function input; `at` is the field path, e.g. `resources[0] ("vpc").patches[1] (FromCompositeFieldPath).transforms[0].map`. */
export class InputError extends Error {
  constructor(readonly at: string, readonly reason: string) {
    super(at ? `${at}: ${reason}` : reason);
    this.name = 'InputError';
  }
}

function joinPath(outer: string, inner: string): string {
  if (!inner) return outer;
  if (!outer) return inner;
  return inner.startsWith('[') ? `${outer}${inner}` : `${outer}.${inner}`;
}

/** Runs `compile`, reporting anything it throws as an InputError below the field path `at`. */
export function within<T>(at: string, compile: () => T): T {
  try {
    return compile();
  } catch (err) {
    if (err instanceof InputError) throw new InputError(joinPath(at, err.at), err.reason);
    throw new InputError(at, reasonOf(err));
  }
}

const missing = (value: unknown): string => (value === undefined ? ' is missing' : '');

export function requireObject(value: unknown, path: string): JsonObject {
  if (!isJsonObject(value)) throw new InputError(path, `required object${missing(value)}`);
  return value;
}

export function optionalArray(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InputError(path, 'must be a list');
  return value;
}

/** A non-empty string. */
export function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new InputError(path, `required string${missing(value)}`);
  return value;
}

/** Any string, the empty one included (a format, a trim). */
export function requireText(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new InputError(path, `required string${missing(value)}`);
  return value;
}

export function optionalString(value: unknown, path: string, fallback: string): string {
  if (value === undefined || value === null) return fallback;
  return requireText(value, path);
}

export function requireInteger(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new InputError(path, `required integer${missing(value)}`);
  return value;
}

/** `value` if it is one of `allowed`, else an error listing them. */
export function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const got = value === undefined ? 'is missing' : `${JSON.stringify(value)} is not supported`;
  throw new InputError(path, `${got}, must be one of ${allowed.join(', ')}`);
}
