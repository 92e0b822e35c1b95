import { satisfiesFormat } from './formats';
import { isPlainObject, type SchemaNode } from './schema';

/** The JSON type of a value in the words the schema uses. */
function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function describe(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Problem with the value's type (null is handled by the caller), if any. */
export function typeProblem(value: unknown, schema: SchemaNode): string | undefined {
  const actual = jsonType(value);
  if (schema['x-kubernetes-int-or-string']) {
    return actual === 'integer' || actual === 'string' ? undefined : `must be an integer or a string, got ${actual} ${describe(value)}`;
  }
  const expected = schema.type;
  if (!expected || actual === expected || (expected === 'number' && actual === 'integer')) return undefined;
  return `must be of type ${expected}, got ${actual} ${describe(value)}`;
}

const compiledPatterns = new Map<string, RegExp | null>();

/** Patterns are ECMA-262 per OpenAPI; one JS cannot compile is skipped (the CRD's problem, not the object's). */
function patternOf(source: string): RegExp | null {
  if (!compiledPatterns.has(source)) {
    let pattern: RegExp | null;
    try {
      pattern = new RegExp(source, 'u');
    } catch {
      pattern = null;
    }
    compiledPatterns.set(source, pattern);
  }
  return compiledPatterns.get(source) ?? null;
}

function stringProblem(value: string, schema: SchemaNode): string | undefined {
  const length = [...value].length;
  if (schema.minLength !== undefined && length < schema.minLength) return `must be at least ${schema.minLength} characters long, got ${length}`;
  if (schema.maxLength !== undefined && length > schema.maxLength) return `must be at most ${schema.maxLength} characters long, got ${length}`;
  const pattern = schema.pattern === undefined ? null : patternOf(schema.pattern);
  if (pattern && !pattern.test(value)) return `${describe(value)} does not match the pattern ${schema.pattern}`;
  return undefined;
}

function numberProblem(value: number, schema: SchemaNode): string | undefined {
  const { minimum, maximum, multipleOf } = schema;
  if (minimum !== undefined && (schema.exclusiveMinimum ? value <= minimum : value < minimum)) {
    return `must be ${schema.exclusiveMinimum ? 'greater than' : 'at least'} ${minimum}, got ${value}`;
  }
  if (maximum !== undefined && (schema.exclusiveMaximum ? value >= maximum : value > maximum)) {
    return `must be ${schema.exclusiveMaximum ? 'less than' : 'at most'} ${maximum}, got ${value}`;
  }
  if (multipleOf !== undefined && !Number.isInteger(value / multipleOf)) return `must be a multiple of ${multipleOf}, got ${value}`;
  return undefined;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/** Problem with a value of the right type against enum, format and bounds, if any. */
export function valueProblem(value: unknown, schema: SchemaNode): string | undefined {
  if (schema.enum && !schema.enum.some((allowed) => sameJson(allowed, value))) {
    return `unsupported value ${describe(value)}; supported values: ${schema.enum.map(describe).join(', ')}`;
  }
  if (schema.format && (typeof value === 'string' || typeof value === 'number') && !satisfiesFormat(schema.format, value)) {
    return `${describe(value)} is not a valid ${schema.format}`;
  }
  if (typeof value === 'string') return stringProblem(value, schema);
  if (typeof value === 'number') return numberProblem(value, schema);
  return undefined;
}

/**
 * Whether a value satisfies a value-validation schema as found under allOf/anyOf/oneOf/not in a
 * structural schema (types, values, required keys, nested properties and items).
 */
function matchesValueSchema(value: unknown, schema: SchemaNode): boolean {
  if (value !== null && (typeProblem(value, schema) || valueProblem(value, schema))) return false;
  if (!combinatorsHold(value, schema)) return false;
  if (isPlainObject(value)) {
    if (schema.required?.some((key) => value[key] === undefined)) return false;
    const properties = Object.entries(schema.properties ?? {});
    if (properties.some(([key, child]) => key in value && !matchesValueSchema(value[key], child))) return false;
  }
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    if (!value.every((item) => matchesValueSchema(item, items))) return false;
  }
  return true;
}

/** allOf / anyOf / oneOf / not of a node, evaluated on a value. */
export function combinatorsHold(value: unknown, schema: SchemaNode): boolean {
  if (schema.allOf && !schema.allOf.every((branch) => matchesValueSchema(value, branch))) return false;
  if (schema.anyOf && !schema.anyOf.some((branch) => matchesValueSchema(value, branch))) return false;
  if (schema.oneOf && schema.oneOf.filter((branch) => matchesValueSchema(value, branch)).length !== 1) return false;
  if (schema.not && matchesValueSchema(value, schema.not)) return false;
  return true;
}
