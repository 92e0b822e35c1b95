/**
 * CRDs in the scratch API server, installed once per engine session and reused by later checks:
 * a CRD is keyed by its name and content, so a changed definition (a test's variant XRD) replaces
 * the installed one. XRDs are converted by the real converter (`crossplane xrd convert`), once per
 * XRD content.
 */
import { createHash } from 'node:crypto';
import type { ApiServer } from './apiserver';
import { crdsOfXrd } from './xrd-crds';
import type { Json } from './yaml';

const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

async function mapLimit<T>(items: readonly T[], limit: number, body: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await body(items[next++]);
    }),
  );
}

export class CrdInstaller {
  private readonly converted = new Map<string, Promise<Json[]>>();
  /** CRD name → [content hash, install outcome: undefined = installed, else the refusal]. */
  private readonly installed = new Map<string, { hash: string; outcome: Promise<string | undefined> }>();

  constructor(
    readonly server: Promise<ApiServer>,
    private readonly workDir: string,
  ) {}

  /** The CRDs Crossplane generates from an XRD (throws XrdConvertFailed when it refuses it). */
  crdsOf(xrd: Json): Promise<Json[]> {
    const key = hashOf(xrd);
    let crds = this.converted.get(key);
    if (!crds) {
      crds = crdsOfXrd(xrd, this.workDir);
      this.converted.set(key, crds);
      crds.catch(() => undefined);
    }
    return crds;
  }

  /** Installs each CRD unless the same content is installed already; resolves to the refusals by CRD name. */
  async ensure(crds: readonly Json[]): Promise<Map<string, string>> {
    const server = await this.server;
    const work: Array<{ name: string; crd: Json; hash: string }> = [];
    for (const crd of crds) {
      const name = String(crd.metadata?.name);
      const hash = hashOf(crd.spec);
      const current = this.installed.get(name);
      if (current?.hash === hash) continue;
      work.push({ name, crd, hash });
    }
    const unique = [...new Map(work.map((w) => [w.name, w])).values()].map((item) => {
      const previous = this.installed.get(item.name);
      let settle: (refusal: string | undefined) => void = () => undefined;
      const outcome = new Promise<string | undefined>((resolve) => (settle = resolve));
      this.installed.set(item.name, { hash: item.hash, outcome });
      return { ...item, previous, settle };
    });
    await mapLimit(unique, 8, async (item) => {
      try {
        if (item.previous) {
          await item.previous.outcome;
          await server.deleteCrd(item.name);
        }
        item.settle(await server.installCrd(item.crd));
      } catch (error) {
        item.settle(error instanceof Error ? error.message.split('\n')[0] : String(error));
      }
    });
    const refusals = new Map<string, string>();
    for (const crd of crds) {
      const name = String(crd.metadata?.name);
      const refusal = await this.installed.get(name)?.outcome;
      if (refusal) refusals.set(name, refusal);
    }
    return refusals;
  }
}
