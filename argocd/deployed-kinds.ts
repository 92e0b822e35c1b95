import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';
import { type GroupKind, groupKindKey } from './sync-waves';

/** The API group of an apiVersion in Argo CD's notation ("" for the core group). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** Every API object under the scopes. */
export function apiObjectsIn(scopes: readonly IConstruct[]): ApiObject[] {
  return scopes.flatMap((scope) => scope.node.findAll()).filter((construct): construct is ApiObject => ApiObject.isApiObject(construct));
}

/** The kinds a set of objects uses, split by scope, and the namespaces the namespaced ones live in. */
export interface DeployedKinds {
  readonly clusterScoped: readonly GroupKind[];
  readonly namespaced: readonly GroupKind[];
  readonly namespaces: readonly string[];
}

const byKey = (a: GroupKind, b: GroupKind) => groupKindKey(a).localeCompare(groupKindKey(b));

/**
 * The kinds the objects under `scopes` use. An object with metadata.namespace is namespaced, one
 * without is cluster-scoped: the synth's validator refuses any object whose namespace does not
 * match its kind's scope, so the split is the API server's.
 */
export function deployedKinds(scopes: readonly IConstruct[]): DeployedKinds {
  const clusterScoped = new Map<string, GroupKind>();
  const namespaced = new Map<string, GroupKind>();
  const namespaces = new Set<string>();
  for (const object of apiObjectsIn(scopes)) {
    const kind = { group: groupOf(object.apiVersion), kind: object.kind };
    const namespace = object.metadata.namespace;
    if (namespace) {
      namespaced.set(groupKindKey(kind), kind);
      namespaces.add(namespace);
    } else clusterScoped.set(groupKindKey(kind), kind);
  }
  return {
    clusterScoped: [...clusterScoped.values()].sort(byKey),
    namespaced: [...namespaced.values()].sort(byKey),
    namespaces: [...namespaces].sort(),
  };
}
