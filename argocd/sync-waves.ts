import type { UnitRole } from '../charts/units';

/** Argo CD applies lower waves first and waits for a wave's resources to be Healthy before the next. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** A kind in Argo CD's notation: the core group is "". */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** `group/kind` key of a kind ("/Namespace" for the core group). */
export const groupKindKey = ({ group, kind }: GroupKind): string => `${group}/${kind}`;

/**
 * Waves of the root Application (app-of-apps), one per unit role: the platform (packages, APIs)
 * first, then every region's PaymentRegion claim, then each environment's PaymentGlobal claim,
 * which peers the regions' VPCs and places the database clusters in their subnets. The root waits
 * for each unit Application to be Healthy (see the argoproj.io_Application health check).
 */
export const UNIT_WAVES: Readonly<Record<UnitRole, number>> = { platform: 0, region: 1, global: 2 };

/** The AppProjects and the root Application itself come before any unit Application. */
export const BOOTSTRAP_WAVE = -1;

/** Packages and what they need: Argo CD waits until every Provider and Function reports Installed and Healthy. */
export const PACKAGES_WAVE = 0;
/** The APIs, and objects whose CRDs the packages install (ProviderConfig): applied once the packages are healthy. */
export const APIS_WAVE = 1;

/**
 * Wave of every kind the platform unit holds. A kind missing here stops the synth, so nothing new
 * lands in an arbitrary wave.
 */
export const PLATFORM_WAVES: ReadonlyMap<string, number> = new Map(
  (
    [
      ['', 'Namespace', PACKAGES_WAVE],
      ['pkg.crossplane.io', 'DeploymentRuntimeConfig', PACKAGES_WAVE],
      ['pkg.crossplane.io', 'Provider', PACKAGES_WAVE],
      ['pkg.crossplane.io', 'Function', PACKAGES_WAVE],
      ['apiextensions.crossplane.io', 'CompositeResourceDefinition', APIS_WAVE],
      ['apiextensions.crossplane.io', 'Composition', APIS_WAVE],
      ['aws.upbound.io', 'ProviderConfig', APIS_WAVE],
      ['rbac.authorization.k8s.io', 'ClusterRole', APIS_WAVE],
      ['rbac.authorization.k8s.io', 'ClusterRoleBinding', APIS_WAVE],
    ] as const
  ).map(([group, kind, wave]) => [groupKindKey({ group, kind }), wave]),
);
