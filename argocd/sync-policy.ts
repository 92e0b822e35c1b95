import { API_GROUP } from '../facts/labels';
import type { BaseChart } from '../charts/base-chart';
import { apiObjectsIn, groupOf } from './deployed-kinds';
import { type GroupKind, PLATFORM_WAVES, SYNC_WAVE_ANNOTATION, groupKindKey } from './sync-waves';

/** Per-object Argo CD sync options; they override the Application's. */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/**
 * Never pruned (the object left git) and never deleted when its Application is deleted with
 * cascade: removing one of these is an operator's decision, made with kubectl (docs/runbooks.md).
 */
export const NEVER_DELETE = 'Prune=false,Delete=false';

/**
 * Kinds whose deletion deletes or strands AWS resources, and why. Every object of the project's
 * own API group (the PaymentRegion and PaymentGlobal claims: VPCs, the Aurora global database,
 * the DynamoDB global tables) is protected as well.
 */
export const PROTECTED_KINDS: ReadonlyArray<GroupKind & { readonly reason: string }> = [
  { group: '', kind: 'Namespace', reason: 'deleting the claim namespace deletes every claim in it' },
  {
    group: 'apiextensions.crossplane.io',
    kind: 'CompositeResourceDefinition',
    reason: 'deleting an XRD deletes every composite and claim of its kinds',
  },
  {
    group: 'pkg.crossplane.io',
    kind: 'Provider',
    reason: 'without its provider, no managed resource of the family is reconciled or deleted cleanly',
  },
  { group: 'aws.upbound.io', kind: 'ProviderConfig', reason: 'every managed resource authenticates through it' },
];

const PROTECTED = new Set(PROTECTED_KINDS.map(groupKindKey));

/** Whether Argo CD must never prune or cascade-delete objects of this kind. */
export function isProtected(kind: GroupKind): boolean {
  return kind.group === API_GROUP || PROTECTED.has(groupKindKey(kind));
}

/**
 * Annotates the objects of the deployed units for Argo CD: each platform object gets its sync wave
 * (PLATFORM_WAVES; a kind without one stops the synth) and every protected object NEVER_DELETE.
 */
export function applySyncPolicy(deployedCharts: readonly BaseChart[]): void {
  for (const chart of deployedCharts) {
    const inPlatform = chart.outputPath.startsWith('platform/');
    for (const object of apiObjectsIn([chart])) {
      const kind = { group: groupOf(object.apiVersion), kind: object.kind };
      if (inPlatform) {
        const wave = PLATFORM_WAVES.get(groupKindKey(kind));
        if (wave === undefined) {
          throw new Error(
            `${chart.outputPath}: ${object.apiVersion} ${object.kind} "${object.name}" has no sync wave: ` +
              'add its kind to PLATFORM_WAVES (argocd/sync-waves.ts)',
          );
        }
        object.metadata.addAnnotation(SYNC_WAVE_ANNOTATION, String(wave));
      }
      if (isProtected(kind)) object.metadata.addAnnotation(SYNC_OPTIONS_ANNOTATION, NEVER_DELETE);
    }
  }
}
