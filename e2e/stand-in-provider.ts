/**
 * THE STAND-IN PROVIDER. No provider-aws runs here (its packages need a registry, and AWS is not
 * reachable), so this loop plays its part towards Crossplane, for every managed resource (MR) of
 * the kinds the platform uses, like a provider's managed reconciler would:
 * - first sight: adds the managed-resource finalizer and, when missing, the external-name
 *   annotation (the sample id, else the object's name);
 * - then reports what a provider observes: status.atProvider with realistic sample values from
 *   observedSamples() (engines/observed-samples.ts: ids, ARNs, endpoints shaped like AWS's;
 *   `id` = the external name for kinds without a sample) and Synced=True/ReconcileSuccess,
 *   Ready=True/Available — so Crossplane's two-phase patches (composed status → XR status →
 *   other composed resources) run on real Crossplane;
 * - on deletion: "deletes the external resource" and removes the finalizer, so the object goes.
 * It does NOT resolve references/selectors, call AWS, or report errors: what depends on a real
 * provider stays unproven here. It records when each MR was first seen, became Ready, was seen
 * deleting, and was gone, for the deletion-order checks.
 */
import { observedSamples } from '../engines/observed-samples';
import { Informer } from './informer';
import type { Json, Kube } from './kube';
import { condition } from './kube';
import { resourcePath, type ResourceType } from './resources';

export const MANAGED_FINALIZER = 'finalizer.managedresource.crossplane.io';
const EXTERNAL_NAME = 'crossplane.io/external-name';
/** Set by Crossplane's Usage webhook on a resource whose DELETE it refused (protection.AnnotationKeyDeletionAttempt). */
export const DELETION_ATTEMPT = 'usage.crossplane.io/deletion-attempt-with-policy';

export interface Timeline {
  firstSeen?: number;
  /** First seen with Crossplane's deletion-attempt annotation: a delete the Usage webhook refused. */
  deleteRefused?: number;
  ready?: number;
  deleting?: number;
  gone?: number;
}

export class StandInProvider {
  readonly timelines = new Map<string, Timeline>();
  private readonly informers: Informer[] = [];
  private readonly queue = new Map<string, { type: ResourceType; name: string }>();
  private readonly busy = new Set<string>();
  private wake?: () => void;
  private stopped = false;
  private worker?: Promise<void>;
  reconciles = 0;
  errors = 0;
  lastError = '';

  constructor(
    private readonly kube: Kube,
    private readonly types: readonly ResourceType[],
  ) {}

  static key(kind: string, name: string): string {
    return `${kind}/${name}`;
  }

  start(): void {
    for (const type of this.types) {
      const informer = new Informer(this.kube, resourcePath(type), (obj, deleted) => this.observe(type, obj, deleted));
      this.informers.push(informer);
      informer.start();
    }
    this.worker = this.work();
  }

  /** Every managed resource the stand-in provider currently sees. */
  all(): Json[] {
    return this.informers.flatMap((i) => [...i.cache.values()]);
  }

  get synced(): boolean {
    return this.informers.every((i) => i.hasSynced);
  }

  timeline(kind: string, name: string): Timeline {
    const key = StandInProvider.key(kind, name);
    const existing = this.timelines.get(key);
    if (existing) return existing;
    const created: Timeline = {};
    this.timelines.set(key, created);
    return created;
  }

  private observe(type: ResourceType, obj: Json, deleted: boolean): void {
    const t = this.timeline(type.kind, obj.metadata.name);
    const now = Date.now();
    t.firstSeen ??= now;
    if (deleted) {
      t.gone ??= now;
      return;
    }
    if (obj.metadata.deletionTimestamp) t.deleting ??= now;
    if (obj.metadata.annotations?.[DELETION_ATTEMPT]) t.deleteRefused ??= now;
    if (condition(obj, 'Ready')?.status === 'True') t.ready ??= now;
    this.queue.set(`${type.group}|${type.kind}|${obj.metadata.name}`, { type, name: obj.metadata.name });
    this.wake?.();
  }

  private informerOf(type: ResourceType): Informer {
    return this.informers[this.types.indexOf(type)];
  }

  private async work(): Promise<void> {
    while (!this.stopped) {
      const next = [...this.queue.entries()].find(([key]) => !this.busy.has(key));
      if (!next) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 1000);
        });
        continue;
      }
      const [key, { type, name }] = next;
      this.queue.delete(key);
      const obj = this.informerOf(type).cache.get(name);
      if (!obj) continue;
      this.busy.add(key);
      try {
        this.reconciles++;
        if (!(await this.reconcile(type, obj))) this.requeueLater(key, type, name);
      } catch (error) {
        this.errors++;
        this.lastError = (error as Error).message;
        this.requeueLater(key, type, name);
      } finally {
        this.busy.delete(key);
      }
    }
  }

  private requeueLater(key: string, type: ResourceType, name: string): void {
    setTimeout(() => {
      if (this.stopped) return;
      this.queue.set(key, { type, name });
      this.wake?.();
    }, 500);
  }

  /** One reconcile; false when it should run again (a conflict). */
  private async reconcile(type: ResourceType, obj: Json): Promise<boolean> {
    const path = resourcePath(type, obj.metadata.name);
    const finalizers: string[] = obj.metadata.finalizers ?? [];
    if (obj.metadata.deletionTimestamp) {
      if (!finalizers.includes(MANAGED_FINALIZER)) return true;
      // The external resource is "deleted": release the object.
      const res = await this.kube.mergePatch(path, {
        metadata: { resourceVersion: obj.metadata.resourceVersion, finalizers: finalizers.filter((f) => f !== MANAGED_FINALIZER) },
      });
      return res.status !== 409;
    }
    const sample = observedSamples([obj])[0]?.status?.atProvider as Json | undefined;
    const annotations = obj.metadata.annotations ?? {};
    if (!finalizers.includes(MANAGED_FINALIZER) || !annotations[EXTERNAL_NAME]) {
      const externalName = annotations[EXTERNAL_NAME] || (typeof sample?.id === 'string' ? sample.id : obj.metadata.name);
      const res = await this.kube.mergePatch(path, {
        metadata: {
          resourceVersion: obj.metadata.resourceVersion,
          finalizers: [...finalizers.filter((f) => f !== MANAGED_FINALIZER), MANAGED_FINALIZER],
          annotations: { [EXTERNAL_NAME]: externalName },
        },
      });
      return res.status !== 409; // the next reconcile comes with the watch event of this patch
    }
    const atProvider = sample ?? { id: annotations[EXTERNAL_NAME] };
    const synced = condition(obj, 'Synced');
    const ready = condition(obj, 'Ready');
    if (synced?.status === 'True' && ready?.status === 'True' && covers(obj.status?.atProvider, atProvider)) return true;
    const now = new Date().toISOString();
    const conditions = [
      {
        type: 'Synced',
        status: 'True',
        reason: 'ReconcileSuccess',
        lastTransitionTime: synced?.status === 'True' ? synced.lastTransitionTime : now,
      },
      { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: ready?.status === 'True' ? ready.lastTransitionTime : now },
    ];
    await this.kube.mergePatch(`${path}/status`, { status: { atProvider, conditions } });
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.worker;
  }
}

/** True when every field of `want` is already in `have` (the API server may add nothing, prune unknown ones). */
function covers(have: unknown, want: unknown): boolean {
  if (want === null || typeof want !== 'object') return JSON.stringify(have) === JSON.stringify(want);
  if (Array.isArray(want)) return Array.isArray(have) && want.length === have.length && want.every((w, i) => covers(have[i], w));
  if (!have || typeof have !== 'object') return false;
  return Object.entries(want as Json).every(([k, v]) => covers((have as Json)[k], v));
}
