import { ApiObject, JsonPatch } from 'cdk8s';
import type { Construct } from 'constructs';
import { stringify } from 'yaml';
import type { CompositeApi } from '../charts/composite-definitions';
import { HEALTH_SCRIPTS } from './health-scripts';

/** Argo CD's main ConfigMap. */
export const ARGOCD_CM = 'argocd-cm';

/**
 * The labels Argo CD's own install puts on argocd-cm. Argo CD only watches ConfigMaps labelled
 * part-of=argocd, so the project's labels must never replace these.
 */
export const ARGOCD_CM_LABELS = { 'app.kubernetes.io/name': ARGOCD_CM, 'app.kubernetes.io/part-of': 'argocd' } as const;

/**
 * Managed resources of the AWS provider family. Argo CD accepts wildcards only inside the
 * `resource.customizations` key (Kubernetes refuses `*` in ConfigMap keys).
 */
export const MANAGED_RESOURCE_GLOB = '*.aws.upbound.io/*';

/** `resource.customizations.health.<group>_<kind>`: Argo CD's per-kind health check key. */
export const healthKey = (group: string, kind: string) => `resource.customizations.health.${group}_${kind}`;

export interface HealthCustomizationsProps {
  readonly argocdNamespace: string;
  /** The project's composite APIs; each composite and claim kind gets the Crossplane health check. */
  readonly apis: readonly CompositeApi[];
}

/**
 * The argocd-cm keys the project needs, and only those — a merge patch for the operator's
 * argocd-cm (`kubectl patch --type merge`, docs/operations.md), never applied by an Application:
 * - application.resourceTrackingMethod = annotation (Crossplane copies labels from claims to the
 *   resources it composes; label tracking would make Argo CD claim and prune them);
 * - health of the claims and composites, of Provider/Function packages, of child Applications,
 *   and (wildcard) of every *.aws.upbound.io managed resource.
 */
export class HealthCustomizations extends ApiObject {
  constructor(scope: Construct, id: string, props: HealthCustomizationsProps) {
    const crossplaneKinds = props.apis.flatMap((api) =>
      [api.composite, ...(api.claim ? [api.claim] : [])].map((served) => healthKey(api.group, served.kind)),
    );
    super(scope, id, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: ARGOCD_CM, namespace: props.argocdNamespace },
      data: {
        'application.resourceTrackingMethod': 'annotation',
        ...Object.fromEntries(crossplaneKinds.map((key) => [key, HEALTH_SCRIPTS.crossplaneResource])),
        [healthKey('pkg.crossplane.io', 'Provider')]: HEALTH_SCRIPTS.crossplanePackage,
        [healthKey('pkg.crossplane.io', 'Function')]: HEALTH_SCRIPTS.crossplanePackage,
        [healthKey('argoproj.io', 'Application')]: HEALTH_SCRIPTS.argocdApplication,
        'resource.customizations': stringify(
          { [MANAGED_RESOURCE_GLOB]: { 'health.lua': HEALTH_SCRIPTS.crossplaneResource } },
          { lineWidth: 0 },
        ),
      },
    });
    this.addJsonPatch(JsonPatch.replace('/metadata/labels', { ...ARGOCD_CM_LABELS }));
  }
}
