/**
 * The subset of a Kubernetes structural schema (OpenAPI v3 as used by CustomResourceDefinitions)
 * that the validator interprets, plus the navigation rules the API server applies to it.
 */

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
  optionalOldSelf?: boolean;
}

export interface SchemaNode {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  multipleOf?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minProperties?: number;
  maxProperties?: number;
  allOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  not?: SchemaNode;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: ValidationRule[];
}

/** Accepts any value without looking into it (unknown fields kept, as the API server does). */
export const ANY_VALUE: SchemaNode = { 'x-kubernetes-preserve-unknown-fields': true };

/** A schema for objects whose every key is allowed and whose values follow `values`. */
function mapOf(values: SchemaNode): SchemaNode {
  return { type: 'object', additionalProperties: values };
}

export function objectOf(properties: Record<string, SchemaNode>, required?: string[]): SchemaNode {
  return { type: 'object', properties, ...(required ? { required } : {}) };
}

export function arrayOf(items: SchemaNode, extra: Partial<SchemaNode> = {}): SchemaNode {
  return { type: 'array', items, ...extra };
}

export const STRING: SchemaNode = { type: 'string' };
const BOOLEAN: SchemaNode = { type: 'boolean' };
export const STRING_MAP = mapOf(STRING);

/**
 * ObjectMeta as the API server validates it (CRDs only declare `metadata: {type: object}`,
 * the server checks the real shape).
 */
export const OBJECT_META: SchemaNode = objectOf({
  name: STRING,
  generateName: STRING,
  namespace: STRING,
  uid: STRING,
  resourceVersion: STRING,
  generation: { type: 'integer', format: 'int64' },
  creationTimestamp: { type: 'string', format: 'date-time', nullable: true },
  deletionTimestamp: { type: 'string', format: 'date-time' },
  deletionGracePeriodSeconds: { type: 'integer', format: 'int64' },
  labels: STRING_MAP,
  annotations: STRING_MAP,
  finalizers: arrayOf(STRING, { 'x-kubernetes-list-type': 'set' }),
  ownerReferences: arrayOf(
    objectOf(
      {
        apiVersion: STRING,
        kind: STRING,
        name: STRING,
        uid: STRING,
        controller: BOOLEAN,
        blockOwnerDeletion: BOOLEAN,
      },
      ['apiVersion', 'kind', 'name', 'uid'],
    ),
  ),
  managedFields: arrayOf({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }),
  selfLink: STRING,
});

const RESOURCE_ENVELOPE: Record<string, SchemaNode> = { apiVersion: STRING, kind: STRING, metadata: OBJECT_META };

/** True when a node holds a whole Kubernetes object (the document root or an embedded resource). */
export function holdsResource(schema: SchemaNode, isDocumentRoot: boolean): boolean {
  return isDocumentRoot || schema['x-kubernetes-embedded-resource'] === true;
}

/**
 * The schema of `key` inside an object governed by `schema`, or undefined when the key is not
 * allowed (the API server would prune it). `metadata`, `apiVersion` and `kind` of a resource
 * follow the ObjectMeta rules whatever the CRD declares for them.
 */
export function propertySchema(schema: SchemaNode, key: string, isResource: boolean): SchemaNode | undefined {
  if (isResource && key in RESOURCE_ENVELOPE) return RESOURCE_ENVELOPE[key];
  const declared = schema.properties?.[key];
  if (declared) return declared;
  const additional = schema.additionalProperties;
  if (typeof additional === 'object') return additional;
  if (additional === true || schema['x-kubernetes-preserve-unknown-fields']) return ANY_VALUE;
  return undefined;
}

/** The names a node declares, for "did you mean" hints. */
export function declaredNames(schema: SchemaNode, isResource: boolean): string[] {
  const own = Object.keys(schema.properties ?? {});
  return isResource ? [...new Set([...Object.keys(RESOURCE_ENVELOPE), ...own])] : own;
}

/** True when nothing below this node is checked (no declared structure, unknown fields kept). */
export function isOpaque(schema: SchemaNode): boolean {
  return (
    schema['x-kubernetes-preserve-unknown-fields'] === true &&
    !schema.type &&
    !schema.properties &&
    !schema.items &&
    !schema['x-kubernetes-validations']
  );
}

/** Path of a child field in the `spec.a["x.y"][0]` notation used in every problem line. */
export function fieldPath(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$-]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
