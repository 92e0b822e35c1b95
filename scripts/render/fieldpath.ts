/**
 * Crossplane field paths (crossplane-runtime `fieldpath`): `spec.a.b`, `spec.list[0].x`,
 * `metadata.labels[crossplane.io/x]`, `metadata.annotations["a.b/c"]`.
 * Inside brackets periods are not separators; an unsigned integer in brackets is an array index,
 * anything else a field name with surrounding quotes trimmed.
 */
import { cloneJson, isJsonObject, type JsonObject } from './json';
import { mergeValues, type MergeOptions } from './merge';

export type Segment = { field: string } | { index: number };

/** Largest array index a patch may write (crossplane-runtime's default limit). */
const MAX_WRITE_INDEX = 1024;
const MAX_UINT32 = 2 ** 32 - 1;

/** The source field (or an element on its way) does not exist: what `policy.fromFieldPath` decides about. */
export class FieldPathNotFoundError extends Error {
  /** The whole path that was read, e.g. `spec.params.region` when `spec.params` is missing. */
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = 'FieldPathNotFoundError';
  }
}

function fieldSegment(text: string): Segment {
  return { field: text.replace(/^['"]+|['"]+$/g, '') };
}

function bracketSegment(text: string): Segment {
  if (/^\d+$/.test(text) && Number(text) <= MAX_UINT32) return { index: Number(text) };
  return fieldSegment(text);
}

/** Splits a field path into segments; throws on malformed paths (`.a`, `a..b`, `a.`, `a[]`, `a.[0]`, `a[0`). */
export function parseFieldPath(path: string): Segment[] {
  const segments: Segment[] = [];
  const fail = (what: string, position: number): never => {
    throw new Error(`invalid field path ${JSON.stringify(path)}: ${what} at position ${position}`);
  };
  let pos = 0;
  while (pos < path.length) {
    const start = pos;
    while (pos < path.length && path[pos] !== '.' && path[pos] !== '[') {
      if (path[pos] === ']') fail(`unexpected "]"`, pos);
      pos++;
    }
    if (pos > start) segments.push(fieldSegment(path.slice(start, pos)));
    if (pos >= path.length) break;
    if (path[pos] === '.') {
      if (pos === 0 || pos === path.length - 1) fail(`unexpected "."`, pos);
      if (path[pos + 1] === '.' || path[pos + 1] === '[') fail(`unexpected ${JSON.stringify(path[pos + 1])}`, pos + 1);
      pos++;
      continue;
    }
    const close = path.indexOf(']', pos);
    if (close < 0) fail(`unterminated "["`, pos);
    if (close === pos + 1) fail(`unexpected "]"`, pos + 1);
    const inner = path.slice(pos + 1, close);
    if (inner.includes('[')) fail(`unexpected "["`, pos + 1 + inner.indexOf('['));
    segments.push(bracketSegment(inner));
    pos = close + 1;
  }
  return segments;
}

function describe(segments: Segment[]): string {
  return segments
    .map((s, i) => ('index' in s ? `[${s.index}]` : s.field.includes('.') ? `[${s.field}]` : `${i ? '.' : ''}${s.field}`))
    .join('');
}

/**
 * The value at `path`. A missing field or out-of-range index throws FieldPathNotFoundError;
 * walking into a value of the wrong type (a field of a string, an index of an object) is a plain error.
 */
export function getFieldValue(obj: JsonObject, path: string, segments = parseFieldPath(path)): unknown {
  let current: unknown = obj;
  segments.forEach((segment, i) => {
    const here = describe(segments.slice(0, i));
    if ('index' in segment) {
      if (!Array.isArray(current)) throw new Error(`${here}: not an array`);
      if (segment.index >= current.length) throw new FieldPathNotFoundError(path, `${describe(segments.slice(0, i + 1))}: no such element`);
      current = current[segment.index];
    } else if (current === null || current === undefined) {
      throw new FieldPathNotFoundError(path, `${here}: expected object, got nil`);
    } else if (!isJsonObject(current)) {
      throw new Error(`${here}: not an object`);
    } else if (!Object.hasOwn(current, segment.field)) {
      throw new FieldPathNotFoundError(path, `${describe(segments.slice(0, i + 1))}: no such field`);
    } else {
      current = current[segment.field];
    }
  });
  return current;
}

/** An empty object or array for the segment that comes next, so writing creates intermediate objects/arrays. */
function emptyFor(next: Segment): unknown {
  return 'index' in next ? new Array(next.index + 1).fill(null) : {};
}

function padArray(array: unknown[], next: Segment): void {
  if ('index' in next) while (array.length <= next.index) array.push(null);
}

/** The array or object that `segment` indexes into; `walked` is the path up to it, for the error. */
function containerFor(current: unknown, segment: Segment, walked: Segment[]): Record<string | number, unknown> {
  if ('index' in segment) {
    if (!Array.isArray(current)) throw new Error(`${describe(walked)} is not an array`);
    return current as Record<number, unknown>;
  }
  if (!isJsonObject(current)) throw new Error(`${describe(walked)} is not an object`);
  return current;
}

/** `incoming` merged into the value already at the path (`policy.toFieldPath`), if any. */
function mergedWithExisting(obj: JsonObject, path: string, segments: Segment[], incoming: unknown, merge: MergeOptions): unknown {
  let existing: unknown;
  try {
    existing = getFieldValue(obj, path, segments);
  } catch (err) {
    if (!(err instanceof FieldPathNotFoundError)) throw err;
  }
  return mergeValues(existing, incoming, merge);
}

/**
 * Writes `value` (deep-copied) at `path`, creating missing objects and arrays on the way
 * (an array element that is null counts as missing, an object field that is null does not).
 * With merge options the value is merged into what is already there.
 */
export function setFieldValue(obj: JsonObject, path: string, value: unknown, merge?: MergeOptions, segments = parseFieldPath(path)): void {
  if (segments.length === 0) throw new Error('cannot write to an empty field path');
  for (const segment of segments) {
    if ('index' in segment && segment.index > MAX_WRITE_INDEX) {
      throw new Error(`${path}: index ${segment.index} is greater than max allowed index ${MAX_WRITE_INDEX}`);
    }
  }
  const incoming = merge ? mergedWithExisting(obj, path, segments, cloneJson(value), merge) : cloneJson(value);

  let current: unknown = obj;
  segments.forEach((segment, i) => {
    const container = containerFor(current, segment, segments.slice(0, i));
    const key = 'index' in segment ? segment.index : segment.field;
    if (i === segments.length - 1) {
      container[key] = incoming;
      return;
    }
    const next = segments[i + 1];
    const child = container[key];
    const missing = 'index' in segment ? child === null || child === undefined : !Object.hasOwn(container, key);
    if (missing) container[key] = emptyFor(next);
    else if (Array.isArray(child)) padArray(child, next);
    current = container[key];
  });
}
