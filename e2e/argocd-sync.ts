/**
 * Applies dist/ the way Argo CD syncs it, without Argo CD: the root Application's waves in order
 * (platform, then every region, then each environment's global unit), and inside each unit its
 * resources' sync waves in order, each wave applied server-side (ServerSideApply=true, field
 * manager argocd-controller, no forced conflicts) sorted by Argo CD's kind order, then waited for
 * until Healthy by the project's OWN Argo CD health checks (dist/argocd/argocd-cm-health.yaml,
 * run in a Lua VM like Argo CD's) before the next wave. A failed apply is retried like Argo CD's
 * retry policy does (shorter backoff). Provider and Function packages are skipped: no registry.
 */
import { runHealthCheck } from '../engines/argocd-lua';
import type { Json, Kube } from './kube';
import { E2eError, say } from './log';
import { groupOf, waveOf, type Platform, type Unit } from './platform';
import { NeverReadyDetector } from './readiness';
import { ResourceIndex } from './resources';
import { waitFor, type Supervisor } from './processes';

/** gitops-engine's kind order inside one wave (pkg/sync/sync_tasks.go); other kinds after, by name. */
const KIND_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'SecretList',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleList',
  'ClusterRoleBinding',
  'ClusterRoleBindingList',
  'Role',
  'RoleList',
  'RoleBinding',
  'RoleBindingList',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
  'APIService',
];
const kindRank = (kind: string): number => (KIND_ORDER.includes(kind) ? KIND_ORDER.indexOf(kind) : KIND_ORDER.length);

const PACKAGES = new Set(['Provider', 'Function', 'Configuration']);
/** Why Argo CD's sync is not replayed for this object here, if it is not. */
export function skipReason(obj: Json): string | undefined {
  if (groupOf(obj.apiVersion) === 'pkg.crossplane.io' && PACKAGES.has(obj.kind)) return 'a package (needs a registry)';
  return undefined;
}

export interface AppliedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly appliedAt: number;
}

export interface SyncReport {
  readonly applied: AppliedObject[];
  /** Objects that will never be Healthy, with the reason (a defect in the project's manifests). */
  readonly neverHealthy: Map<string, string>;
  /** Root-Application waves Argo CD would never get past (a child Application never Healthy). */
  readonly blocked: string[];
  readonly skipped: Map<string, number>;
  readonly retries: Map<string, number>;
}

const sortForApply = (objs: Json[]): Json[] =>
  [...objs].sort(
    (a, b) =>
      kindRank(a.kind) - kindRank(b.kind) || a.kind.localeCompare(b.kind) || String(a.metadata.name).localeCompare(String(b.metadata.name)),
  );

export class ArgoStyleSync {
  private index?: ResourceIndex;
  readonly report: SyncReport = { applied: [], neverHealthy: new Map(), blocked: [], skipped: new Map(), retries: new Map() };
  private readonly detector: NeverReadyDetector;

  constructor(
    private readonly kube: Kube,
    private readonly platform: Platform,
    private readonly supervisor: Supervisor,
    private readonly timeoutMs: number,
  ) {
    this.detector = new NeverReadyDetector(kube, async () => (this.index ??= await ResourceIndex.load(kube)));
  }

  /** Syncs every unit whose Application wave is in `waves` (all by default). */
  async syncAll(filter: (unit: Unit) => boolean = () => true): Promise<void> {
    const units = this.platform.units.filter(filter);
    const appWaves = [...new Set(units.map((u) => u.wave))].sort((a, b) => a - b);
    for (const wave of appWaves) {
      const inWave = units.filter((u) => u.wave === wave).map((unit) => ({ unit, objs: this.kept(unit.manifests) }));
      // Child Applications of one wave sync at the same time...
      await Promise.all(inWave.map(({ unit, objs }) => this.syncUnit(unit, objs)));
      // ...and the root Application waits for every one of them to be Healthy.
      await Promise.all(inWave.map(({ unit, objs }) => this.waitHealthy(`Application ${unit.application}`, objs)));
      for (const { unit, objs } of inWave) {
        const never = objs.map(objectId).filter((id) => this.report.neverHealthy.has(id));
        if (never.length) {
          const line =
            `Application ${unit.application} is never Healthy (${never.join(', ')}): Argo CD's root ` +
            `Application would wait at wave ${wave} forever; the e2e goes on to check the rest`;
          this.report.blocked.push(line);
          say(line);
        }
      }
    }
  }

  private kept(manifests: readonly Json[]): Json[] {
    return manifests.filter((obj) => {
      const reason = skipReason(obj);
      if (reason) this.report.skipped.set(`${obj.kind} (${reason})`, (this.report.skipped.get(`${obj.kind} (${reason})`) ?? 0) + 1);
      return !reason;
    });
  }

  private async syncUnit(unit: Unit, objs: readonly Json[]): Promise<void> {
    const waves = [...new Set(objs.map(waveOf))].sort((a, b) => a - b);
    for (const wave of waves) {
      const batch = sortForApply(objs.filter((o) => waveOf(o) === wave));
      say(`sync ${unit.application} (${unit.folder}) wave ${wave}: ${summary(batch)}`);
      await this.apply(`${unit.application} wave ${wave}`, batch);
      // Argo CD waits for a wave to be Healthy before the next one; after the last, the sync is done.
      if (wave !== waves[waves.length - 1]) await this.waitHealthy(`${unit.application} wave ${wave}`, batch);
    }
  }

  /** Server-side apply of one wave, retried like Argo CD's retry policy while it fails. */
  async apply(what: string, batch: readonly Json[]): Promise<void> {
    const input = batch.map((o) => JSON.stringify(o)).join('\n');
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 1; ; attempt++) {
      const result = await this.kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'], input);
      if (result.code === 0) {
        const now = Date.now();
        for (const o of batch)
          this.report.applied.push({
            apiVersion: o.apiVersion,
            kind: o.kind,
            name: o.metadata.name,
            namespace: o.metadata.namespace,
            appliedAt: now,
          });
        if (attempt > 1) this.report.retries.set(what, attempt - 1);
        return;
      }
      const error = (result.stderr || result.stdout).trim().split('\n')[0];
      if (Date.now() > deadline) throw new E2eError(`applying ${what} still fails after ${attempt} attempts: ${error}`);
      if (attempt === 1) say(`  apply refused (${error}); retrying as Argo CD's retry policy would`);
      this.supervisor.check();
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  /**
   * Waits until every object with a health check in argocd-cm reports Healthy — except objects
   * found never to become Healthy (a claim whose composite P&T keeps not-ready), which are
   * recorded in report.neverHealthy and no longer waited for.
   */
  async waitHealthy(what: string, objs: readonly Json[]): Promise<void> {
    const checked = objs.map((o) => ({ o, script: this.platform.healthScript(groupOf(o.apiVersion), o.kind) })).filter((c) => c.script);
    if (!checked.length) return;
    let last = '';
    await waitFor(
      `${what} to be Healthy`,
      this.timeoutMs,
      async () => {
        for (const { o, script } of checked) {
          if (this.report.neverHealthy.has(objectId(o))) continue;
          const live = await this.live(o);
          const health = live ? runHealthCheck(script!, live) : { status: 'Missing', message: 'not found' };
          if (health.status === 'Healthy') continue;
          last = `${o.kind} ${o.metadata.name}: ${health.status} ${health.message}`;
          const never =
            live && o.metadata.namespace && groupOf(o.apiVersion) === 'payments-dr.io' ? await this.detector.check(live) : undefined;
          if (!never) return false;
          this.report.neverHealthy.set(objectId(o), never);
          say(`DEFECT ${never}`);
        }
        return true;
      },
      this.supervisor,
      500,
    ).catch((error: Error) => {
      throw new E2eError(`${error.message}; last health: ${last}`);
    });
  }

  private async live(o: Json): Promise<Json | undefined> {
    let type = this.index?.find(o.apiVersion, o.kind);
    if (!type) {
      this.index = await ResourceIndex.load(this.kube);
      type = this.index.find(o.apiVersion, o.kind);
    }
    if (!type) return undefined;
    return this.kube.get(this.index!.path(o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace));
  }
}

export const objectId = (o: Json): string => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;

function summary(objs: readonly Json[]): string {
  const counts = new Map<string, number>();
  for (const o of objs) counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  return [...counts].map(([k, n]) => (n > 1 ? `${n} ${k}` : k)).join(', ');
}
