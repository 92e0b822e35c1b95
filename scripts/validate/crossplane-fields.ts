/**
 * Fields Crossplane adds to the CRDs it generates from a CompositeResourceDefinition
 * (crossplane internal/xcrd), written out as schema data. Field sets are the union of
 * Crossplane 1.17+ and 2.x, the versions the platform contract supports.
 */
import { arrayOf, objectOf, STRING, STRING_MAP, type SchemaNode } from './schema';

export type XrdScope = 'LegacyCluster' | 'Cluster' | 'Namespaced';

const nameRef = objectOf({ name: STRING }, ['name']);
const labelSelector = objectOf({ matchLabels: STRING_MAP }, ['matchLabels']);
const typedRefs = (withNamespace: boolean) =>
  arrayOf(
    objectOf({ apiVersion: STRING, kind: STRING, name: STRING, ...(withNamespace ? { namespace: STRING } : {}) }, ['apiVersion', 'kind']),
    { 'x-kubernetes-list-type': 'atomic' },
  );
const enumOf = (values: string[], fallback?: string): SchemaNode => ({
  type: 'string',
  enum: values,
  ...(fallback ? { default: fallback } : {}),
});
const publishConnectionDetailsTo = objectOf(
  {
    name: STRING,
    configRef: { ...objectOf({ name: STRING }), default: { name: 'default' } },
    metadata: objectOf({ labels: STRING_MAP, annotations: STRING_MAP, type: STRING }),
  },
  ['name'],
);
const dateTime: SchemaNode = { type: 'string', format: 'date-time' };

/** The composition selection fields that composites and claims share. */
function compositionFields(updatePolicyDefault?: string): Record<string, SchemaNode> {
  return {
    compositionRef: nameRef,
    compositionSelector: labelSelector,
    compositionRevisionRef: nameRef,
    compositionRevisionSelector: labelSelector,
    compositionUpdatePolicy: enumOf(['Automatic', 'Manual'], updatePolicyDefault),
  };
}

/** spec fields of a composite: directly under spec for LegacyCluster, under spec.crossplane otherwise. */
export function compositeSpecFields(scope: XrdScope, updatePolicyDefault: string): Record<string, SchemaNode> {
  if (scope !== 'LegacyCluster') {
    return {
      crossplane: objectOf({ ...compositionFields(updatePolicyDefault), resourceRefs: typedRefs(scope === 'Cluster') }),
    };
  }
  return {
    ...compositionFields(updatePolicyDefault),
    claimRef: objectOf({ apiVersion: STRING, kind: STRING, namespace: STRING, name: STRING }, ['apiVersion', 'kind', 'namespace', 'name']),
    resourceRefs: typedRefs(true),
    environmentConfigRefs: typedRefs(false),
    writeConnectionSecretToRef: objectOf({ name: STRING, namespace: STRING }, ['name', 'namespace']),
    publishConnectionDetailsTo,
  };
}

export function claimSpecFields(deletePolicyDefault: string): Record<string, SchemaNode> {
  return {
    ...compositionFields(),
    compositeDeletePolicy: enumOf(['Background', 'Foreground'], deletePolicyDefault),
    resourceRef: objectOf({ apiVersion: STRING, kind: STRING, name: STRING }, ['apiVersion', 'kind', 'name']),
    writeConnectionSecretToRef: nameRef,
    publishConnectionDetailsTo,
  };
}

/** status fields of composites and claims (claims get the LegacyCluster set). */
export function statusFields(scope: XrdScope): Record<string, SchemaNode> {
  const conditions = arrayOf(
    objectOf(
      {
        type: STRING,
        status: STRING,
        reason: STRING,
        message: STRING,
        lastTransitionTime: dateTime,
        observedGeneration: { type: 'integer', format: 'int64' },
      },
      ['lastTransitionTime', 'reason', 'status', 'type'],
    ),
    { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
  );
  const connectionDetails = objectOf({ lastPublishedTime: dateTime });
  if (scope !== 'LegacyCluster') return { conditions, crossplane: objectOf({ connectionDetails }) };
  return {
    conditions,
    connectionDetails,
    claimConditionTypes: arrayOf(STRING, { 'x-kubernetes-list-type': 'set' }),
  };
}
