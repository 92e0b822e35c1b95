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
import { type Managed, reconcileCounts } from './managed';
import { motoLoopOf } from './moto-gaps';
import type { Moto } from './moto';

export interface Offender {
  readonly mr: string;
  readonly service: string;
  readonly region: string;
  readonly action: string;
  /** The request body, for a call nothing explains. */
  readonly body: string;
  /** Why moto makes the provider repeat this call, when it is one of MOTO_LOOPS. */
  readonly motoLoop?: string;
}

export interface Round {
  readonly label: string;
  readonly reconciled: number;
  readonly calls: number;
  readonly offenders: readonly Offender[];
  /** MR id → updates the provider requested in the round (a drift fight even when AWS sees no call). */
  readonly updates: ReadonlyMap<string, number>;
  readonly ms: number;
}

export const unexpected = (offenders: readonly Offender[]): Offender[] => offenders.filter((o) => !o.motoLoop);

/**
 * The MR whose longest identifier the call names; of two that share it (a peering connection's
 * requester and accepter have the same id), the one in the call's region.
 */
export function attribute(call: AwsCall, managed: readonly Managed[]): Managed | undefined {
  let best: { mr: Managed; length: number; sameRegion: boolean } | undefined;
  for (const mr of managed) {
    const length = Math.max(0, ...mr.identifiers.filter((identifier) => call.text.includes(identifier)).map((i) => i.length));
    const sameRegion = mr.region === call.region;
    if (length && (!best || length > best.length || (length === best.length && sameRegion && !best.sameRegion)))
      best = { mr, length, sameRegion };
  }
  return best?.mr;
}

export const offendersOf = (calls: readonly AwsCall[], managed: readonly Managed[]): Offender[] =>
  calls
    .filter((c) => c.mutating)
    .map((c) => {
      const mr = attribute(c, managed);
      return {
        mr: mr?.id ?? '(no MR named)',
        service: c.service,
        region: c.region,
        action: c.action.slice(0, 160),
        body: c.body.slice(0, 300),
        motoLoop: mr && motoLoopOf(mr.type, c),
      };
    });

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
  let updates = new Map<string, number>();
  await waitFor(
    `${label}: every MR to reconcile`,
    ctx.timeoutMs,
    async () => {
      const read = reconcileCounts(ctx.providerLog, ctx.kinds, logStart);
      updates = read.updates;
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
    updates,
    ms: Date.now() - started,
  };
  say(
    `${label}: ${round.reconciled} MRs reconciled in ${seconds(round.ms)}; moto saw ${round.calls} calls, ` +
      `${unexpected(round.offenders).length} mutating unexpectedly, ${round.offenders.length - unexpected(round.offenders).length} in moto loops`,
  );
  return round;
}
