import type { CelInput } from '@bufbuild/cel';
import type { CelRules } from './cel-rules';
import { toCelValue } from './cel-values';
import { checkObjectMetaValues } from './object-meta';
import {
  declaredNames,
  fieldPath,
  holdsResource,
  indexPath,
  isOpaque,
  isPlainObject,
  propertySchema,
  type SchemaNode,
} from './schema';
import { didYouMean } from './suggest';
import { combinatorsHold, typeProblem, valueProblem } from './value-checks';

export type ProblemSink = (path: string, message: string) => void;

export interface WalkSettings {
  /** Enforce `required` (relaxed for composition bases, which patches complete). */
  enforceRequired: boolean;
  /** Evaluate `x-kubernetes-validations` (off for composition bases: upjet rules check required parameters). */
  evaluateRules: boolean;
}

/** What the API server checks when an object is created. */
export const ON_CREATE: WalkSettings = { enforceRequired: true, evaluateRules: true };

/**
 * For objects others complete (composition bases: patches fill required parameters, which is
 * also what the upjet CEL rules check): shape, types and values only.
 */
export const PARTIAL_OBJECT: WalkSettings = { enforceRequired: false, evaluateRules: false };

export interface WalkContext extends WalkSettings {
  rules: CelRules;
  report: ProblemSink;
  /** Called for every transition rule (uses `oldSelf`), which cannot be evaluated on create. */
  ruleSkipped: () => void;
}

/**
 * Validates a value against a structural schema the way the API server does on create, on a
 * private copy it modifies: nulls of non-nullable fields are dropped, `default`s are filled in,
 * then types, values, required fields, list uniqueness and CEL rules are checked. Fields the
 * schema does not declare are reported (the API server would drop them silently).
 */
export function walk(value: unknown, schema: SchemaNode, path: string, context: WalkContext, isDocumentRoot = false): void {
  if (isOpaque(schema)) return;
  if (value === null) {
    if (!schema.nullable) context.report(path, `must not be null${schema.type ? ` (expected ${schema.type})` : ''}`);
    return;
  }
  const wrongType = typeProblem(value, schema);
  if (wrongType) {
    context.report(path, wrongType);
    return;
  }
  const wrongValue = valueProblem(value, schema);
  if (wrongValue) context.report(path, wrongValue);
  if (!combinatorsHold(value, schema)) context.report(path, 'does not satisfy the schema\'s allOf/anyOf/oneOf/not constraints');
  if (isPlainObject(value)) walkObject(value, schema, path, context, holdsResource(schema, isDocumentRoot));
  if (Array.isArray(value)) walkArray(value, schema, path, context);
  if (context.evaluateRules && schema['x-kubernetes-validations']) evaluateRules(value, schema, path, context);
}

function fillDefaultsAndDropNulls(object: Record<string, unknown>, schema: SchemaNode): void {
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (object[key] === null && !property.nullable) delete object[key];
    if (object[key] === undefined && property.default !== undefined) object[key] = structuredClone(property.default);
  }
}

function walkObject(object: Record<string, unknown>, schema: SchemaNode, path: string, context: WalkContext, isResource: boolean): void {
  fillDefaultsAndDropNulls(object, schema);
  if (context.enforceRequired) {
    const embedded = isResource && path !== ''; // an embedded object must name its apiVersion and kind
    const required = embedded ? [...(schema.required ?? []), 'apiVersion', 'kind'] : (schema.required ?? []);
    for (const key of new Set(required)) {
      if (object[key] === undefined) context.report(fieldPath(path, key), 'required field is missing');
    }
  }
  const count = Object.keys(object).length;
  if (schema.minProperties !== undefined && count < schema.minProperties) context.report(path, `must have at least ${schema.minProperties} fields`);
  if (schema.maxProperties !== undefined && count > schema.maxProperties) context.report(path, `must have at most ${schema.maxProperties} fields`);
  for (const [key, child] of Object.entries(object)) {
    if (child === undefined) continue; // absent once serialized
    const childPath = fieldPath(path, key);
    const childSchema = propertySchema(schema, key, isResource);
    if (!childSchema) {
      context.report(childPath, `unknown field "${key}"${didYouMean(key, declaredNames(schema, isResource))}`);
      continue;
    }
    walk(child, childSchema, childPath, context);
    if (isResource && key === 'metadata') checkObjectMetaValues(child, childPath, 'dns1123Subdomain', context.report);
  }
}

function walkArray(items: unknown[], schema: SchemaNode, path: string, context: WalkContext): void {
  if (schema.minItems !== undefined && items.length < schema.minItems) context.report(path, `must have at least ${schema.minItems} items, has ${items.length}`);
  if (schema.maxItems !== undefined && items.length > schema.maxItems) context.report(path, `must have at most ${schema.maxItems} items, has ${items.length}`);
  const itemSchema = schema.items;
  if (itemSchema) items.forEach((item, index) => walk(item, itemSchema, indexPath(path, index), context));
  reportDuplicates(items, schema, path, context);
}

/** Identity of an item for x-kubernetes-list-type set/map and uniqueItems, if the list has one. */
function itemIdentity(schema: SchemaNode): ((item: unknown) => string) | undefined {
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    return (item) => JSON.stringify(keys.map((key) => (isPlainObject(item) ? item[key] : undefined)));
  }
  if (listType === 'set' || schema.uniqueItems) return (item) => JSON.stringify(item);
  return undefined;
}

function reportDuplicates(items: unknown[], schema: SchemaNode, path: string, context: WalkContext): void {
  const identity = itemIdentity(schema);
  if (!identity) return;
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const id = identity(item);
    if (seen.has(id)) context.report(indexPath(path, index), `duplicate entry ${id} in a list that must hold unique entries`);
    seen.add(id);
  });
}

/** Where a rule's failure is reported: its node, or the node's descendant named by `fieldPath`. */
function ruleTarget(path: string, relative: string | undefined): string {
  if (!relative) return path;
  return path ? `${path}${relative}` : relative.replace(/^\./, '');
}

function evaluateRules(value: unknown, schema: SchemaNode, path: string, context: WalkContext): void {
  let self: CelInput | undefined;
  const selfValue = () => (self ??= toCelValue(value, schema));
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    const result = context.rules.check(rule, selfValue);
    if (result.outcome === 'skipped') context.ruleSkipped();
    if (result.outcome === 'failed') context.report(ruleTarget(path, rule.fieldPath), result.message);
  }
}
