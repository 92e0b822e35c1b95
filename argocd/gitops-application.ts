import type { Construct } from 'constructs';
import { Application } from '../imports/argoproj.io';
import { SYNC_WAVE_ANNOTATION } from './sync-waves';

/** Per-Application diff options: server-side diff, so defaults the API server adds (CRD and XRD schema defaults) are not drift. */
export const COMPARE_OPTIONS_ANNOTATION = 'argocd.argoproj.io/compare-options';

export interface GitOpsApplicationProps {
  readonly name: string;
  /** AppProject the Application belongs to. */
  readonly project: string;
  readonly argocdNamespace: string;
  readonly repoURL: string;
  readonly targetRevision: string;
  /** Repository folder, e.g. dist/dev/use1. */
  readonly path: string;
  /** A file of that folder the Application must not apply (a glob relative to the folder). */
  readonly exclude?: string;
  readonly destinationServer: string;
  /** Namespace for objects that carry none (every object of the project carries its own). */
  readonly destinationNamespace: string;
  /** Sync wave within the Application that deploys this one. */
  readonly wave: number;
  /** Automated sync off: Argo CD shows drift but syncs only when an operator asks. */
  readonly paused: boolean;
  /** The folder holds kinds whose CRDs appear asynchronously (from a package or an XRD), so dry runs may not know them yet. */
  readonly crdsAppearAsynchronously: boolean;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * An Argo CD Application deploying one folder of this repository:
 * - automated sync with self-heal (git is the truth) and prune, except for protected objects,
 *   which carry `Prune=false,Delete=false` themselves (argocd/sync-policy.ts); `allowEmpty` stays
 *   off, so an emptied folder never prunes everything;
 * - PruneLast: what left git is pruned only after everything else is applied and Healthy (a
 *   replaced function artifact is deleted after the claim points Lambda at the new one);
 * - ServerSideApply: objects are too large for the last-applied annotation (the artifacts), and
 *   fields other managers own (Crossplane's) stay theirs; ServerSideDiff for the comparison;
 * - unlimited retries with backoff up to 5 minutes, since CRDs and claims converge on their own;
 * - no `resources-finalizer`: deleting the Application never deletes what it deployed.
 */
export class GitOpsApplication extends Application {
  constructor(scope: Construct, id: string, props: GitOpsApplicationProps) {
    super(scope, id, {
      metadata: {
        name: props.name,
        namespace: props.argocdNamespace,
        labels: props.labels ? { ...props.labels } : undefined,
        annotations: { [SYNC_WAVE_ANNOTATION]: String(props.wave), [COMPARE_OPTIONS_ANNOTATION]: 'ServerSideDiff=true' },
      },
      spec: {
        project: props.project,
        source: {
          repoUrl: props.repoURL,
          targetRevision: props.targetRevision,
          path: props.path,
          directory: { recurse: false, ...(props.exclude ? { exclude: props.exclude } : {}) },
        },
        destination: { server: props.destinationServer, namespace: props.destinationNamespace },
        syncPolicy: {
          automated: props.paused ? undefined : { prune: true, selfHeal: true, allowEmpty: false },
          syncOptions: [
            'ServerSideApply=true',
            'PruneLast=true',
            ...(props.crdsAppearAsynchronously ? ['SkipDryRunOnMissingResource=true'] : []),
          ],
          retry: { limit: -1, backoff: { duration: '30s', factor: 2, maxDuration: '5m' } },
        },
      },
    });
  }
}
