import { claimSpecFields, compositeSpecFields, statusFields, type XrdScope } from './crossplane-fields';
import type { DefinitionVersion, KindDefinition } from './definitions';
import { isPlainObject, STRING, type SchemaNode } from './schema';

const XRD_GROUP = 'apiextensions.crossplane.io';
const XRD_KIND = 'CompositeResourceDefinition';

interface XrdVersion {
  name: string;
  served?: boolean;
  schema?: { openAPIV3Schema?: SchemaNode };
}

interface Xrd {
  apiVersion: string;
  metadata?: { name?: string };
  spec: {
    group: string;
    names: { kind: string };
    claimNames?: { kind?: string };
    scope?: XrdScope;
    versions?: XrdVersion[];
    defaultCompositionUpdatePolicy?: string;
    defaultCompositeDeletePolicy?: string;
  };
}

export function isXrd(doc: unknown): doc is Record<string, unknown> {
  return isPlainObject(doc) && doc.kind === XRD_KIND && String(doc.apiVersion).startsWith(`${XRD_GROUP}/`);
}

function hasDefinedNames(doc: unknown): doc is Xrd {
  const spec = isXrd(doc) ? doc.spec : undefined;
  return isPlainObject(spec) && typeof spec.group === 'string' && isPlainObject(spec.names) && typeof spec.names.kind === 'string';
}

/** Merges Crossplane's fields into one of the XRD's spec/status schemas (Crossplane's win on a clash). */
function withFields(own: SchemaNode | undefined, fields: Record<string, SchemaNode>): SchemaNode {
  return { ...own, type: 'object', properties: { ...own?.properties, ...fields } };
}

/** The schema of the CRD Crossplane generates for one XRD version. */
function generatedSchema(version: XrdVersion, specFields: Record<string, SchemaNode>, status: Record<string, SchemaNode>): SchemaNode {
  const own = version.schema?.openAPIV3Schema;
  return {
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: STRING,
      kind: STRING,
      metadata: { type: 'object' },
      spec: withFields(own?.properties?.spec, specFields),
      status: withFields(own?.properties?.status, status),
    },
    ...(own?.['x-kubernetes-validations'] ? { 'x-kubernetes-validations': own['x-kubernetes-validations'] } : {}),
  };
}

function versionsOf(xrd: Xrd, specFields: Record<string, SchemaNode>, status: Record<string, SchemaNode>): DefinitionVersion[] {
  return (xrd.spec.versions ?? []).map((version) => ({
    name: version.name,
    served: version.served !== false,
    schema: generatedSchema(version, specFields, status),
  }));
}

/**
 * The composite kind an XRD defines and, with claimNames, its namespaced claim kind; each
 * validated against the XRD version schema plus the fields Crossplane injects. Documents that
 * are not XRDs or lack group/names are ignored (their own validation reports them).
 */
export function definitionsFromXrd(doc: unknown): KindDefinition[] {
  if (!hasDefinedNames(doc)) return [];
  const xrd = doc;
  const apiVersionDefault: XrdScope = xrd.apiVersion.endsWith('/v1') ? 'LegacyCluster' : 'Namespaced';
  const scope = xrd.spec.scope ?? apiVersionDefault;
  const origin = `XRD ${xrd.metadata?.name ?? xrd.spec.names.kind}`;
  const composite: KindDefinition = {
    group: xrd.spec.group,
    kind: xrd.spec.names.kind,
    namespaced: scope === 'Namespaced',
    role: 'composite',
    origin,
    versions: versionsOf(xrd, compositeSpecFields(scope, xrd.spec.defaultCompositionUpdatePolicy ?? 'Automatic'), statusFields(scope)),
  };
  const claimKind = xrd.spec.claimNames?.kind;
  if (!claimKind) return [composite];
  const claim: KindDefinition = {
    group: xrd.spec.group,
    kind: claimKind,
    namespaced: true,
    role: 'claim',
    origin,
    versions: versionsOf(xrd, claimSpecFields(xrd.spec.defaultCompositeDeletePolicy ?? 'Background'), statusFields('LegacyCluster')),
  };
  return [composite, claim];
}
