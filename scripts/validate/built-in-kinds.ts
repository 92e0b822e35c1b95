import type { NameRule } from './object-meta';

export interface BuiltInKind {
  namespaced: boolean;
  nameRule: NameRule;
}

const namespaced = (nameRule: NameRule = 'dns1123Subdomain'): BuiltInKind => ({ namespaced: true, nameRule });
const clusterScoped = (nameRule: NameRule = 'dns1123Subdomain'): BuiltInKind => ({ namespaced: false, nameRule });

/**
 * Kubernetes kinds served by the API server itself (no CRD). Only their apiVersion, kind and
 * metadata are checked; the name rules are the ones the API server applies to each kind.
 */
const BUILT_IN_KINDS: Record<string, Record<string, BuiltInKind>> = {
  v1: {
    Namespace: clusterScoped('dns1123Label'),
    ConfigMap: namespaced(),
    Secret: namespaced(),
    ServiceAccount: namespaced(),
    Service: namespaced('dns1035Label'),
    Pod: namespaced(),
    PersistentVolumeClaim: namespaced(),
  },
  'apps/v1': { Deployment: namespaced(), StatefulSet: namespaced(), DaemonSet: namespaced() },
  'batch/v1': { Job: namespaced(), CronJob: namespaced() },
  'networking.k8s.io/v1': { NetworkPolicy: namespaced(), Ingress: namespaced() },
  'policy/v1': { PodDisruptionBudget: namespaced() },
  'rbac.authorization.k8s.io/v1': {
    Role: namespaced('pathSegment'),
    RoleBinding: namespaced('pathSegment'),
    ClusterRole: clusterScoped('pathSegment'),
    ClusterRoleBinding: clusterScoped('pathSegment'),
  },
  'apiextensions.k8s.io/v1': { CustomResourceDefinition: clusterScoped() },
};

export function findBuiltInKind(apiVersion: string, kind: string): BuiltInKind | undefined {
  return BUILT_IN_KINDS[apiVersion]?.[kind];
}
