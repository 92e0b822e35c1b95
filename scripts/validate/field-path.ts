/**
 * Crossplane field paths (`spec.forProvider.tags[Name]`, `metadata.annotations["a.b/c"]`,
 * `spec.items[0].id`, `spec.items[*].id`) and whether a schema has room for one.
 */
import { declaredNames, fieldPath, indexPath, isOpaque, propertySchema, type SchemaNode } from './schema';
import { didYouMean } from './suggest';

export type PathSegment = { type: 'field'; name: string } | { type: 'index'; index: number } | { type: 'wildcard' };

const MAX_INDEX = 2 ** 32 - 1;

/** Bracket content: `*`, an unsigned 32-bit index, or a field name with its quotes trimmed. */
function bracketSegment(content: string): PathSegment {
  if (content === '*') return { type: 'wildcard' };
  if (/^\d+$/.test(content) && Number(content) <= MAX_INDEX) return { type: 'index', index: Number(content) };
  return { type: 'field', name: content.replace(/^['"]+|['"]+$/g, '') };
}

/** Splits a field path into segments; throws with the position of the first syntax error. */
export function parseFieldPath(path: string): PathSegment[] {
  if (!path) throw new Error('empty field path');
  const segments: PathSegment[] = [];
  let position = 0;
  while (position < path.length) {
    if (path[position] === '[') {
      const close = path.indexOf(']', position + 1);
      if (close < 0) throw new Error(`unterminated "[" at position ${position}`);
      if (close === position + 1) throw new Error(`empty "[]" at position ${position}`);
      segments.push(bracketSegment(path.slice(position + 1, close)));
      position = close + 1;
    } else {
      const end = path.slice(position).search(/[.[\]]/);
      const name = end < 0 ? path.slice(position) : path.slice(position, position + end);
      if (!name) throw new Error(`empty field name at position ${position}`);
      segments.push(name === '*' ? { type: 'wildcard' } : { type: 'field', name });
      position += name.length;
    }
    if (path[position] === '.') {
      position += 1;
      if (position === path.length) throw new Error('field path ends with "."');
    } else if (position < path.length && path[position] !== '[') {
      throw new Error(`unexpected "${path[position]}" at position ${position}`);
    }
  }
  return segments;
}

type Step = { schema: SchemaNode; path: string } | { problem: string } | 'anything-below';

function step(schema: SchemaNode, isResource: boolean, at: string, segment: PathSegment): Step {
  const where = at || 'the object root';
  if (segment.type === 'index') {
    if (schema.type !== 'array') return { problem: `${where} is not a list, so [${segment.index}] cannot index it` };
    return { schema: schema.items ?? {}, path: indexPath(at, segment.index) };
  }
  if (segment.type === 'wildcard') {
    if (schema.type === 'array') return { schema: schema.items ?? {}, path: indexPath(at, 0) };
    const values = propertySchema(schema, '*', false);
    return values ? { schema: values, path: `${at}[*]` } : 'anything-below';
  }
  if (schema.type === 'array') return { problem: `${where} is a list: select an item with [index] before "${segment.name}"` };
  const child = propertySchema(schema, segment.name, isResource);
  if (!child) {
    return { problem: `${where} has no field "${segment.name}"${didYouMean(segment.name, declaredNames(schema, isResource))}` };
  }
  return { schema: child, path: fieldPath(at, segment.name) };
}

/**
 * Why a parsed path cannot address a field of objects of schema `root`, or undefined if it can.
 * Map keys (additionalProperties) and anything under x-kubernetes-preserve-unknown-fields are fine.
 */
export function missingFieldProblem(root: SchemaNode, segments: PathSegment[]): string | undefined {
  let schema = root;
  let at = '';
  for (const segment of segments) {
    if (isOpaque(schema)) return undefined;
    const next = step(schema, at === '' || schema['x-kubernetes-embedded-resource'] === true, at, segment);
    if (next === 'anything-below') return undefined;
    if ('problem' in next) return next.problem;
    ({ schema, path: at } = next);
  }
  return undefined;
}
