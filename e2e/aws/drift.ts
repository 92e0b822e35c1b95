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
import type { Moto } from './moto';

export interface Offender {
  readonly mr: string;
  readonly service: string;
  readonly region: string;
  readonly action: string;
}

export interface Round {
  readonly label: string;
  readonly reconciled: number;
  readonly calls: number;
  readonly offenders: readonly Offender[];
  readonly ms: number;
}

/** The MR whose longest identifier the call names, or "(no MR named)". */
export function attribute(call: AwsCall, managed: readonly Managed[]): string {
  let best: { id: string; length: number } | undefined;
  for (const mr of managed)
    for (const identifier of mr.identifiers)
      if (identifier.length > (best?.length ?? 0) && call.text.includes(identifier)) best = { id: mr.id, length: identifier.length };
  return best?.id ?? '(no MR named)';
}

export const offendersOf = (calls: readonly AwsCall[], managed: readonly Managed[]): Offender[] =>
  calls
    .filter((c) => c.mutating)
    .map((c) => ({ mr: attribute(c, managed), service: c.service, region: c.region, action: c.action.slice(0, 160) }));

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
  await waitFor(
    `${label}: every MR to reconcile`,
    ctx.timeoutMs,
    async () => {
      const { counts } = reconcileCounts(ctx.providerLog, ctx.kinds, logStart);
      pending = managed.filter((mr) => !counts.has(mr.id));
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
    ms: Date.now() - started,
  };
  say(
    `${label}: ${round.reconciled} MRs reconciled in ${seconds(round.ms)}; moto saw ${round.calls} calls, ` +
      `${round.offenders.length} mutating`,
  );
  return round;
}
