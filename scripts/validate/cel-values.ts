import type { CelInput } from '@bufbuild/cel';
import { isPlainObject, type SchemaNode } from './schema';

/** Words CEL reserves; Kubernetes exposes properties named like them as `__word__`. */
const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function',
  'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** The name under which Kubernetes CEL exposes a declared property (e.g. `namespace` → `__namespace__`). */
function celPropertyName(name: string): string {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  return name
    .replace(/__/g, '__underscores__')
    .replace(/\./g, '__dot__')
    .replace(/-/g, '__dash__')
    .replace(/\//g, '__slash__');
}

function isIntegerTyped(schema: SchemaNode | undefined, value: number): boolean {
  if (!Number.isInteger(value)) return false;
  if (!schema || schema.type === undefined) return true; // unknown fields: JSON integers decode as int64
  return schema.type === 'integer';
}

/**
 * A JSON value as Kubernetes hands it to CEL: integers typed by the schema become CEL `int`
 * (bigint), declared properties get their escaped names, map keys stay as they are. Strings stay
 * strings: Kubernetes would pass `format: date-time`/`duration` strings as timestamp/duration,
 * but no vendored rule reads such a field.
 */
export function toCelValue(value: unknown, schema: SchemaNode | undefined): CelInput {
  if (typeof value === 'number') return isIntegerTyped(schema, value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map((item) => toCelValue(item, schema?.items));
  if (!isPlainObject(value)) return value as CelInput;
  const converted: Record<string, CelInput> = {};
  for (const [key, child] of Object.entries(value)) {
    const declared = schema?.properties?.[key];
    if (declared) {
      converted[celPropertyName(key)] = toCelValue(child, declared);
    } else {
      const additional = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
      converted[key] = toCelValue(child, additional);
    }
  }
  return converted as CelInput;
}
