/**
 * Deleting a claim on real Crossplane: the claim goes, its composite goes, the garbage collector
 * deletes the composed resources (owner references), the stand-in provider releases each MR's
 * finalizer as a provider does after deleting the external resource — and Crossplane's Usage
 * webhook refuses to delete a used resource (`of`) while its user (`by`) exists, so deletion
 * runs in the order the Compositions' Usages declare. Checked:
 * - before: every Usage resolved its selectors and labelled its `of` crossplane.io/in-use, and a
 *   server-side dry-run DELETE of a used resource is refused by the webhook with its message;
 * - after: everything composed is gone, and for every Usage the `of` resource was seen deleting
 *   only after the `by` resource was gone.
 */
import type { Kube } from './kube';
import { isTrue } from './kube';
import { E2eError, say, seconds } from './log';
import { waitFor, type Supervisor } from './processes';
import { ResourceIndex } from './resources';
import { StandInProvider } from './stand-in-provider';
import type { Claim } from './claims';

const USAGE_GROUPS = new Set(['apiextensions.crossplane.io', 'protection.crossplane.io']);
const IN_USE = 'crossplane.io/in-use';

export interface UsageOrder {
  readonly usage: string;
  readonly of: string;
  readonly by: string;
  /** ms after the claim's delete: by gone, of first seen deleting. */
  readonly byGone: number;
  readonly ofDeleting: number;
  readonly ofRefusedFirst: boolean;
}

export interface DeletionReport {
  readonly claim: Claim;
  readonly composed: number;
  readonly usages: UsageOrder[];
  /** Used resources outside the deleted claim (another claim's), left in place and released. */
  readonly released: string[];
  readonly webhookMessage: string;
  readonly durationMs: number;
  /** Composed resources in the order they were gone. */
  readonly order: Array<{ resource: string; goneMs: number }>;
}

type Ref = { apiVersion: string; kind: string; name: string };

/** Whether any Usage still names `of` (then its in-use label rightly stays). */
async function otherUsages(kube: Kube, of: Ref): Promise<boolean> {
  for (const path of ['/apis/apiextensions.crossplane.io/v1beta1/usages', '/apis/protection.crossplane.io/v1beta1/clusterusages']) {
    for (const u of await kube.list(path)) if (u.spec?.of?.resourceRef?.name === of.name && u.spec?.of?.kind === of.kind) return true;
  }
  return false;
}

/** A server-side dry-run delete of `of`: admitted (code 0) or refused by a webhook, with its message. */
async function dryRunDelete(kube: Kube, index: ResourceIndex, of: Ref): Promise<{ code: number; message: string }> {
  const type = index.find(of.apiVersion, of.kind)!;
  const res = await kube.kubectl(['delete', `${type.plural}.${type.group}`, of.name, '--dry-run=server']);
  return { code: res.code, message: (res.stderr || res.stdout).trim() };
}

export async function checkDeletion(
  kube: Kube,
  provider: StandInProvider,
  claims: readonly Claim[],
  timeoutMs: number,
  supervisor: Supervisor,
): Promise<DeletionReport> {
  const index = await ResourceIndex.load(kube);
  const withRefs = [];
  for (const claim of claims) {
    const live = await kube.get(index.path(claim.apiVersion, claim.kind, claim.name, claim.namespace));
    const ref = live?.spec?.resourceRef as Ref;
    const xr = await kube.get(index.path(ref.apiVersion, ref.kind, ref.name));
    const refs = (xr?.spec?.resourceRefs ?? []) as Ref[];
    withRefs.push({ claim, xr: ref, refs, usages: refs.filter((r) => USAGE_GROUPS.has(r.apiVersion.split('/')[0]) && r.kind === 'Usage') });
  }
  // The claim whose composite has the most Usages (the global one); else the first.
  const target = [...withRefs].sort((a, b) => b.usages.length - a.usages.length)[0];
  if (!target) throw new E2eError('no claim to delete');
  const { claim, refs } = target;
  const id = `${claim.kind} ${claim.namespace}/${claim.name}`;

  // Every Usage resolved and in force.
  const pairs: Array<{ usage: string; of: Ref; by: Ref }> = [];
  for (const u of target.usages) {
    const usage = await waitFor(
      `Usage ${u.name} to be Ready`,
      timeoutMs,
      async () => {
        const obj = await kube.get(index.path(u.apiVersion, u.kind, u.name));
        return isTrue(obj, 'Ready') && obj?.spec?.of?.resourceRef?.name && obj?.spec?.by?.resourceRef?.name ? obj : undefined;
      },
      supervisor,
      500,
    );
    const of = { apiVersion: usage.spec.of.apiVersion, kind: usage.spec.of.kind, name: usage.spec.of.resourceRef.name };
    const by = { apiVersion: usage.spec.by.apiVersion, kind: usage.spec.by.kind, name: usage.spec.by.resourceRef.name };
    const used = await kube.get(index.path(of.apiVersion, of.kind, of.name));
    if (used?.metadata?.labels?.[IN_USE] !== 'true')
      throw new E2eError(`Usage ${u.name} is Ready but ${of.kind} ${of.name} has no ${IN_USE}=true label`);
    pairs.push({ usage: u.name, of, by });
  }

  // The webhook refuses to delete a used resource (a dry run: nothing is deleted — though
  // Crossplane's webhook still records the refused attempt as an annotation on it).
  const composedKey = new Set(refs.map((r) => `${r.kind}/${r.name}`));
  const inside = pairs.filter((p) => composedKey.has(`${p.of.kind}/${p.of.name}`));
  let webhookMessage = '(no Usages in this claim)';
  if (inside.length) {
    const { of } = inside[0];
    const res = await dryRunDelete(kube, index, of);
    webhookMessage = res.message;
    if (res.code === 0 || !/in-use by/.test(webhookMessage))
      throw new E2eError(`deleting the used ${of.kind} ${of.name} was not refused by Crossplane's Usage webhook: ${webhookMessage}`);
    say(`Usage webhook refuses to delete ${of.kind} ${of.name} (dry run): ${webhookMessage}`);
  }

  say(`deleting ${id} (${refs.length} composed resources, ${pairs.length} Usages)`);
  const start = Date.now();
  await kube.kubectlOk(['delete', claim.kind.toLowerCase(), claim.name, '-n', claim.namespace, '--wait=false']);
  const remaining = async (): Promise<string[]> => {
    const left: string[] = [];
    for (const r of [...refs, target.xr]) if (await kube.get(index.path(r.apiVersion, r.kind, r.name))) left.push(`${r.kind}/${r.name}`);
    if (await kube.get(index.path(claim.apiVersion, claim.kind, claim.name, claim.namespace))) left.push(`${claim.kind}/${claim.name}`);
    return left;
  };
  let left: string[] = [];
  await waitFor(
    `${id} and everything it composed to be deleted`,
    timeoutMs,
    async () => {
      left = await remaining();
      return left.length === 0;
    },
    supervisor,
    500,
  ).catch((error: Error) => {
    throw new E2eError(`${error.message}; still there: ${left.slice(0, 8).join(', ')}${left.length > 8 ? ` (+${left.length - 8})` : ''}`);
  });
  const durationMs = Date.now() - start;

  const usages: UsageOrder[] = [];
  const released: string[] = [];
  const staleLabels: string[] = [];
  const problems: string[] = [];
  for (const { usage, of, by } of pairs) {
    if (!composedKey.has(`${of.kind}/${of.name}`)) {
      // Used resource of another claim (e.g. the region's KMS key): it stays, released.
      const used = await kube.get(index.path(of.apiVersion, of.kind, of.name));
      const key = `${of.kind}/${of.name}`;
      if (!used) problems.push(`${key} (not composed by ${id}) was deleted with it`);
      else if (released.includes(key)) continue;
      else if (used.metadata.labels?.[IN_USE] === 'true' && !(await otherUsages(kube, of))) {
        // Crossplane removes the label only when a deleted Usage finds no other Usage of the resource:
        // several deleted at once can each still see the others, and the label stays. Harmless — the
        // webhook finds no Usage and admits the delete, which is what released means.
        const res = await dryRunDelete(kube, index, of);
        if (res.code !== 0) problems.push(`deleting ${key} is still refused after Usage ${usage} went: ${res.message}`);
        else {
          staleLabels.push(key);
          released.push(key);
        }
      } else released.push(key);
      continue;
    }
    const tOf = provider.timeline(of.kind, of.name);
    const tBy = provider.timeline(by.kind, by.name);
    const order = {
      usage,
      of: `${of.kind}/${of.name}`,
      by: `${by.kind}/${by.name}`,
      byGone: (tBy.gone ?? NaN) - start,
      ofDeleting: (tOf.deleting ?? NaN) - start,
      ofRefusedFirst: tOf.deleteRefused !== undefined,
    };
    usages.push(order);
    if (!(order.ofDeleting >= order.byGone))
      problems.push(
        `${order.of} was deleting at +${seconds(order.ofDeleting)}, before ` +
          `${order.by} was gone (+${seconds(order.byGone)}), despite Usage ${usage}`,
      );
  }
  if (problems.length) throw new E2eError(`deletion did not follow the Usages: ${problems.join('; ')}`);
  const order = refs
    .map((r) => ({
      resource: `${r.kind}/${r.name}`,
      goneMs: (provider.timelines.get(StandInProvider.key(r.kind, r.name))?.gone ?? NaN) - start,
    }))
    .filter((o) => !Number.isNaN(o.goneMs))
    .sort((a, b) => a.goneMs - b.goneMs);
  say(
    `${id} deleted with everything it composed in ${seconds(durationMs)}; ${usages.length} Usages held ` +
      `their order; ${released.length} used resources of other claims released (${released.join(', ')})` +
      (staleLabels.length ? `; ${IN_USE}=true left on ${staleLabels.join(', ')} though no Usage names them (delete admitted)` : ''),
  );
  return { claim, composed: refs.length, usages, released, webhookMessage, durationMs, order };
}
