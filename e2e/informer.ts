/**
 * List + watch of one resource type with a local cache, the way controllers watch the API:
 * a full list, then a watch from the list's resourceVersion, relisting whenever the watch ends.
 * `onChange` gets every added/modified object and every deleted one (with `deleted` true).
 */
import type { Json, Kube } from './kube';

export type Handler = (obj: Json, deleted: boolean) => void;

export class Informer {
  readonly cache = new Map<string, Json>();
  private readonly abort = new AbortController();
  private synced = false;
  private loop?: Promise<void>;

  constructor(
    private readonly kube: Kube,
    readonly path: string,
    private readonly onChange: Handler,
  ) {}

  start(): void {
    this.loop = this.run();
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  private async run(): Promise<void> {
    while (!this.abort.signal.aborted) {
      try {
        const res = await this.kube.request('GET', this.path);
        if (res.status !== 200) throw new Error(`list ${this.path}: HTTP ${res.status}`);
        const seen = new Set<string>();
        for (const obj of (res.body.items ?? []) as Json[]) {
          seen.add(obj.metadata.name);
          this.cache.set(obj.metadata.name, obj);
          this.onChange(obj, false);
        }
        for (const [name, obj] of this.cache) {
          if (!seen.has(name)) {
            this.cache.delete(name);
            this.onChange(obj, true);
          }
        }
        this.synced = true;
        await this.kube.watch(this.path, res.body.metadata.resourceVersion, (type, obj) => this.event(type, obj), this.abort.signal);
      } catch {
        // The API server went away (restart) or the watch expired: relist after a pause.
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  private event(type: string, obj: Json): void {
    // ERROR (e.g. 410 Gone: resourceVersion too old) is followed by the end of the stream: relist.
    if (type === 'BOOKMARK' || type === 'ERROR') return;
    if (type === 'DELETED') {
      this.cache.delete(obj.metadata.name);
      this.onChange(obj, true);
      return;
    }
    this.cache.set(obj.metadata.name, obj);
    this.onChange(obj, false);
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }
}
