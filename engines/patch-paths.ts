/**
 * Checks no upstream tool makes. Every Composition's compositeTypeRef names an XRD among the
 * manifests (the API server accepts one that names nothing; no XR could ever select it). Every
 * field path of every function-patch-and-transform patch
 * names a field the schema on its side has room for — the composite side against the XRD's
 * schema (plus the fields Crossplane adds to every XR), the composed side against the managed
 * resource's vendored CRD. A misspelled fromFieldPath never fails anywhere else: an Optional patch
 * whose source is absent is silently skipped, and a Required one holds its resource back forever.
 * (A misspelled toFieldPath on a rendered resource also shows up as an unknown field in the real
 * engines; this check sees resources a render never composes too.)
 */
import { CrdCatalog } from './crds';
import type { Problem } from './report';

import type { Json } from './yaml';
type Schema = Json;
type Segment = { type: 'field'; name: string } | { type: 'index' } | { type: 'wildcard' };

const ANY: Schema = { 'x-kubernetes-preserve-unknown-fields': true };
const META: Schema = {
  type: 'object',
  properties: {
    name: {},
    namespace: {},
    uid: {},
    generateName: {},
    labels: { type: 'object', additionalProperties: {} },
    annotations: { type: 'object', additionalProperties: {} },
    ownerReferences: { type: 'array', items: ANY },
    finalizers: { type: 'array', items: {} },
  },
};
/** Fields Crossplane adds to every XR's spec and status (crossplane-runtime pkg/xcrd), not inspected further. */
const XR_SPEC_FIELDS = [
  'compositionRef',
  'compositionSelector',
  'compositionRevisionRef',
  'compositionRevisionSelector',
  'compositionUpdatePolicy',
  'claimRef',
  'resourceRefs',
  'environmentConfigRefs',
  'writeConnectionSecretToRef',
  'publishConnectionDetailsTo',
  'crossplane',
];
const XR_STATUS_FIELDS = ['conditions', 'connectionDetails', 'claimConditionTypes', 'crossplane'];

/** Which side each patch type reads and writes (the environment has no schema). */
const DIRECTIONS: Record<string, { from?: 'xr' | 'composed'; to?: 'xr' | 'composed'; combine: boolean }> = {
  FromCompositeFieldPath: { from: 'xr', to: 'composed', combine: false },
  ToCompositeFieldPath: { from: 'composed', to: 'xr', combine: false },
  CombineFromComposite: { from: 'xr', to: 'composed', combine: true },
  CombineToComposite: { from: 'composed', to: 'xr', combine: true },
  FromEnvironmentFieldPath: { to: 'composed', combine: false },
  ToEnvironmentFieldPath: { from: 'composed', combine: false },
  CombineFromEnvironment: { to: 'composed', combine: true },
  CombineToEnvironment: { from: 'composed', combine: true },
};

/** Splits `a.b[c.d][0]["e"].*` into segments; throws on a syntax error (as P&T's fieldpath does). */
export function parseFieldPath(path: string): Segment[] {
  if (!path) throw new Error('empty field path');
  const segments: Segment[] = [];
  let at = 0;
  while (at < path.length) {
    if (path[at] === '[') {
      const close = path.indexOf(']', at + 1);
      if (close < 0) throw new Error(`unterminated "[" at position ${at}`);
      const inner = path.slice(at + 1, close);
      if (!inner) throw new Error(`empty "[]" at position ${at}`);
      segments.push(
        inner === '*'
          ? { type: 'wildcard' }
          : /^\d+$/.test(inner)
            ? { type: 'index' }
            : { type: 'field', name: inner.replace(/^['"]|['"]$/g, '') },
      );
      at = close + 1;
    } else {
      const end = path.slice(at).search(/[.[\]]/);
      const name = end < 0 ? path.slice(at) : path.slice(at, at + end);
      if (!name) throw new Error(`empty field name at position ${at}`);
      segments.push(name === '*' ? { type: 'wildcard' } : { type: 'field', name });
      at += name.length;
    }
    if (path[at] === '.') {
      at += 1;
      if (at === path.length) throw new Error('field path ends with "."');
    } else if (at < path.length && path[at] !== '[') {
      throw new Error(`unexpected "${path[at]}" at position ${at}`);
    }
  }
  return segments;
}

const opaque = (s: Schema) => s['x-kubernetes-preserve-unknown-fields'] === true && !s.properties && !s.items;

/** Why `segments` cannot address a field of `root`, or undefined when it can. */
export function missingField(root: Schema, segments: Segment[]): string | undefined {
  let schema = root;
  let where = 'the object root';
  let isResource = true;
  for (const segment of segments) {
    if (opaque(schema)) return undefined;
    if (segment.type !== 'field') {
      if (schema.type === 'array') schema = schema.items ?? ANY;
      else if (segment.type === 'wildcard' && schema.type === 'object')
        schema = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : ANY;
      else
        return (
          `${where} is not a list, so [${segment.type === 'wildcard' ? '*' : 'n'}] ` +
          'cannot index it (function-patch-and-transform would write a list there)'
        );
      where += '[]';
      isResource = false;
      continue;
    }
    if (schema.type === 'array') return `${where} is a list: select an item with [index] before "${segment.name}"`;
    const child =
      (isResource && segment.name === 'metadata' ? META : undefined) ??
      (isResource && (segment.name === 'apiVersion' || segment.name === 'kind') ? {} : undefined) ??
      schema.properties?.[segment.name] ??
      (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined) ??
      (schema.additionalProperties === true || schema['x-kubernetes-preserve-unknown-fields'] ? ANY : undefined);
    if (!child) return `${where} has no field "${segment.name}"${suggestion(segment.name, Object.keys(schema.properties ?? {}))}`;
    schema = child;
    where = where === 'the object root' ? segment.name : `${where}.${segment.name}`;
    isResource = schema['x-kubernetes-embedded-resource'] === true;
  }
  return undefined;
}

function suggestion(name: string, known: string[]): string {
  const lower = name.toLowerCase();
  const close =
    known.find((k) => k.toLowerCase() === lower) ??
    known.find((k) => distance(k.toLowerCase(), lower) <= Math.max(2, Math.floor(name.length / 4)));
  return close ? ` (did you mean "${close}"?)` : '';
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length];
}

/** The XR's schema as Crossplane generates it: the XRD version's schema plus Crossplane's own fields. */
function compositeSchema(xrd: Json, version: string): Schema | undefined {
  const own: Schema | undefined = (xrd.spec?.versions ?? []).find((v: Json) => v.name === version)?.schema?.openAPIV3Schema;
  if (!own) return undefined;
  const extend = (node: Schema | undefined, fields: string[]) => ({
    type: 'object',
    ...node,
    properties: { ...node?.properties, ...Object.fromEntries(fields.map((f) => [f, ANY])) },
  });
  return {
    ...own,
    type: 'object',
    properties: {
      ...own.properties,
      spec: extend(own.properties?.spec, XR_SPEC_FIELDS),
      status: extend(own.properties?.status, XR_STATUS_FIELDS),
    },
  };
}

interface Side {
  readonly schema: Schema;
  readonly label: string;
}

/** Problems with the patch paths of every Pipeline Composition among `documents`. */
export function patchPathProblems(documents: ReadonlyArray<{ file: string; doc: unknown }>, catalog?: CrdCatalog): Problem[] {
  const docs = documents.map((d) => ({ file: d.file, doc: d.doc as Json })).filter((d) => d.doc && typeof d.doc === 'object');
  const xrds = docs
    .map((d) => d.doc)
    .filter((d) => d.kind === 'CompositeResourceDefinition' && String(d.apiVersion).startsWith('apiextensions.crossplane.io/'));
  const problems: Problem[] = [];
  let crds: CrdCatalog | undefined = catalog;
  const schemaOf = (apiVersion: string, kind: string): Side | undefined => {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const xrd = xrds.find((x) => x.spec?.group === group && x.spec?.names?.kind === kind);
    if (xrd) {
      const schema = compositeSchema(xrd, version);
      return schema && { schema, label: `composite ${apiVersion} ${kind}` };
    }
    crds ??= new CrdCatalog();
    const crd = crds.find(group, kind);
    const schema = crd?.spec.versions.find((v) => v.name === version)?.schema?.openAPIV3Schema;
    return schema ? { schema, label: `composed ${apiVersion} ${kind}` } : undefined;
  };
  for (const { file, doc } of docs) {
    if (doc.kind !== 'Composition' || doc.spec?.mode !== 'Pipeline') continue;
    const report = (path: string, message: string) =>
      problems.push({ file, kind: 'Composition', name: String(doc.metadata?.name ?? '?'), path, message, engine: 'project rules' });
    const ref = doc.spec?.compositeTypeRef ?? {};
    const composite = typeof ref.apiVersion === 'string' && typeof ref.kind === 'string' ? schemaOf(ref.apiVersion, ref.kind) : undefined;
    if (typeof ref.apiVersion === 'string' && typeof ref.kind === 'string' && !composite?.label.startsWith('composite ')) {
      report(
        'spec.compositeTypeRef',
        'no CompositeResourceDefinition among the manifests defines the composite ' +
          `${ref.apiVersion} ${ref.kind}: no XR can select this Composition`,
      );
    }
    (doc.spec.pipeline ?? []).forEach((step: Json, stepIndex: number) => {
      const input = step?.input;
      if (!input || !String(input.apiVersion ?? '').startsWith('pt.fn.crossplane.io/')) return;
      const at = `spec.pipeline[${stepIndex}].input`;
      const patchSets = new Map<string, { patches: Json[]; index: number }>(
        (input.patchSets ?? []).map((set: Json, index: number) => [set?.name, { patches: set?.patches ?? [], index }]),
      );
      const check = (side: Side | undefined, value: unknown, path: string, via: string) => {
        if (typeof value !== 'string') return;
        let segments: Segment[];
        try {
          segments = parseFieldPath(value);
        } catch (error) {
          report(path, `invalid field path "${value}": ${(error as Error).message}${via}`);
          return;
        }
        const problem = side && missingField(side.schema, segments);
        if (problem) report(path, `"${value}" is not a field of the ${side.label} schema: ${problem}${via}`);
      };
      const checkPatch = (patch: Json, path: string, composed: Side | undefined, via: string) => {
        const direction = DIRECTIONS[String(patch?.type ?? 'FromCompositeFieldPath')];
        if (!direction) return;
        const side = (name?: 'xr' | 'composed') => (name === 'xr' ? composite : name === 'composed' ? composed : undefined);
        if (direction.combine) {
          (patch.combine?.variables ?? []).forEach((v: Json, i: number) =>
            check(side(direction.from), v?.fromFieldPath, `${path}.combine.variables[${i}].fromFieldPath`, via),
          );
          check(side(direction.to), patch.toFieldPath, `${path}.toFieldPath`, via);
          return;
        }
        check(side(direction.from), patch.fromFieldPath, `${path}.fromFieldPath`, via);
        check(
          side(direction.to),
          patch.toFieldPath ?? patch.fromFieldPath,
          patch.toFieldPath === undefined ? `${path}.fromFieldPath` : `${path}.toFieldPath`,
          patch.toFieldPath === undefined ? ` (as toFieldPath, which defaults to it)${via}` : via,
        );
      };
      (input.resources ?? []).forEach((resource: Json, index: number) => {
        const path = `${at}.resources[${index}]`;
        const base = resource?.base;
        const composed =
          base && typeof base.apiVersion === 'string' && typeof base.kind === 'string' ? schemaOf(base.apiVersion, base.kind) : undefined;
        (resource?.patches ?? []).forEach((patch: Json, patchIndex: number) => {
          const patchPath = `${path}.patches[${patchIndex}]`;
          if (patch?.type !== 'PatchSet') return checkPatch(patch, patchPath, composed, '');
          const set = patchSets.get(patch.patchSetName);
          if (!set) return; // P&T itself refuses an unknown PatchSet when it renders
          set.patches.forEach((member, memberIndex) =>
            checkPatch(
              member,
              `${at}.patchSets[${set.index}].patches[${memberIndex}]`,
              composed,
              ` (patchSet "${patch.patchSetName}" used by resource "${resource.name}")`,
            ),
          );
        });
        (resource?.connectionDetails ?? []).forEach((detail: Json, i: number) => {
          if (detail?.type === 'FromFieldPath' || detail?.fromFieldPath !== undefined)
            check(composed, detail.fromFieldPath, `${path}.connectionDetails[${i}].fromFieldPath`, '');
        });
        (resource?.readinessChecks ?? []).forEach((rc: Json, i: number) =>
          check(composed, rc?.fieldPath, `${path}.readinessChecks[${i}].fieldPath`, ''),
        );
      });
    });
  }
  return problems;
}
