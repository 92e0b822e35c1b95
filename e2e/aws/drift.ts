/**
 * The drift-free proof: once everything converged, every MR reconciles N more times — the
 * provider's own drift check, its poll, runs every minute here (`--poll=1m`; annotation changes do
 * not start a reconcile, upjet's controllers filter them out; a provider restart was tried and its
 * informers time out while the conversion webhook is not yet serving: both measured) — and every
 * AWS call moto records meanwhile is read. A converged platform makes none that mutate; each one that does is
 * printed with the MR it names (by external name, id or ARN) and its AWS action.
 */
import * as fs from 'node:fs';
import { E2eError, say, seconds } from '../log';
import { type Supervisor, waitFor } from '../processes';
import type { ResourceType } from '../resources';
import type { AwsCall } from './aws-calls';
import { type Managed, type ProviderDiff, readProviderLog } from './managed';
import { motoDiffOf } from './moto-gaps';
import type { Moto } from './moto';

export interface Offender {
  readonly mr: string;
  readonly service: string;
  readonly region: string;
  readonly action: string;
  readonly body: string;
}

export interface Diff extends ProviderDiff {
  /** Why moto makes the provider find this diff, when it is one of MOTO_DIFFS. */
  readonly motoGap?: string;
}

export interface Round {
  readonly label: string;
  readonly reconciled: number;
  readonly calls: number;
  readonly offenders: readonly Offender[];
  /** Every diff the provider's plan found in the round: with Update allowed, each would mutate. */
  readonly diffs: readonly Diff[];
  readonly ms: number;
}

export const driftDiffs = (diffs: readonly Diff[]): Diff[] => diffs.filter((d) => !d.motoGap);

/**
 * The MR whose longest identifier the call names, looked for in the URL first (a REST call names
 * its resource there; its body may name others: a function's log group), then in the body; of
 * two MRs that share the identifier (a peering connection's requester and accepter), the one in
 * the call's region.
 */
export function attribute(call: AwsCall, managed: readonly Managed[]): Managed | undefined {
  for (const text of [call.url, call.text]) {
    let best: { mr: Managed; length: number; sameRegion: boolean } | undefined;
    for (const mr of managed) {
      const length = Math.max(0, ...mr.identifiers.filter((identifier) => text.includes(identifier)).map((i) => i.length));
      const sameRegion = mr.region === call.region;
      if (length && (!best || length > best.length || (length === best.length && sameRegion && !best.sameRegion)))
        best = { mr, length, sameRegion };
    }
    if (best) return best.mr;
  }
  return undefined;
}

export const offendersOf = (calls: readonly AwsCall[], managed: readonly Managed[]): Offender[] =>
  calls
    .filter((c) => c.mutating)
    .map((c) => ({
      mr: attribute(c, managed)?.id ?? '(no MR named)',
      service: c.service,
      region: c.region,
      action: c.action.slice(0, 160),
      body: c.body.slice(0, 300),
    }));

/** The diffs of `managed`, each marked when moto explains it. */
export function classifyDiffs(diffs: readonly ProviderDiff[], managed: readonly Managed[]): Diff[] {
  const types = new Map(managed.map((m) => [m.id, m.type]));
  return diffs.filter((d) => types.has(d.id)).map((d) => ({ ...d, motoGap: motoDiffOf(types.get(d.id) as ResourceType, d.attributes) }));
}

export interface DriftContext {
  readonly moto: Moto;
  readonly supervisor: Supervisor;
  readonly providerLog: string;
  readonly kinds: ReadonlyMap<string, ResourceType>;
  readonly timeoutMs: number;
}

/**
 * One more reconcile of every MR in `managed`: the calls moto records from the round's start until
 * the provider has logged an up-to-date reconcile of each (rounds follow each other without a gap).
 */
export async function pollRound(ctx: DriftContext, label: string, managed: readonly Managed[]): Promise<Round> {
  const started = Date.now();
  const logStart = fs.statSync(ctx.providerLog).size;
  ctx.moto.takeCalls();
  let pending: Managed[] = [...managed];
  let diffs: ProviderDiff[] = [];
  await waitFor(
    `${label}: every MR to reconcile`,
    ctx.timeoutMs,
    async () => {
      const read = readProviderLog(ctx.providerLog, ctx.kinds, logStart);
      diffs = read.diffs;
      pending = managed.filter((mr) => !read.counts.has(mr.id));
      return pending.length === 0;
    },
    ctx.supervisor,
    1000,
  ).catch((error: Error) => {
    throw new E2eError(`${error.message}; not reconciled: ${pending.map((m) => m.id).join(', ')}`);
  });
  const calls = ctx.moto.takeCalls();
  const round = {
    label,
    reconciled: managed.length,
    calls: calls.length,
    offenders: offendersOf(calls, managed),
    diffs: classifyDiffs(diffs, managed),
    ms: Date.now() - started,
  };
  say(
    `${label}: ${round.reconciled} MRs reconciled in ${seconds(round.ms)}; moto saw ${round.calls} calls, ` +
      `${round.offenders.length} mutating; the provider found ${driftDiffs(round.diffs).length} diffs ` +
      `(and ${round.diffs.length - driftDiffs(round.diffs).length} of moto's)`,
  );
  return round;
}
