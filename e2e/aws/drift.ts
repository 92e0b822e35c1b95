/**
 * The drift-free proof: once everything converged, every MR is made to reconcile N times — by
 * restarting the provider, which then reconciles every MR it watches once (as after a provider
 * upgrade or a pod move; annotation or label changes do not start a reconcile: upjet's controllers
 * filter them out, measured) — and every AWS call moto records meanwhile is read. A converged platform makes none that mutate; each one that does is
 * printed with the MR it names (by external name, id or ARN) and its AWS action.
 */
import * as fs from 'node:fs';
import type { Kube } from '../kube';
import { E2eError, say, seconds } from '../log';
import { type Supervisor, waitFor } from '../processes';
import type { ResourceType } from '../resources';
import type { AwsCall } from './aws-calls';
import { type Managed, upToDateCounts } from './managed';
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
  readonly kube: Kube;
  readonly moto: Moto;
  readonly supervisor: Supervisor;
  readonly providerLog: string;
  readonly kinds: ReadonlyMap<string, ResourceType>;
  readonly timeoutMs: number;
  /** Stops the provider and starts it again; resolves once it is ready. */
  readonly restartProvider: () => Promise<void>;
}

/** Waits until moto has answered nothing new for `quietMs` (the provider's reconciles have settled). */
async function quiesce(ctx: DriftContext, quietMs: number): Promise<void> {
  const size = (): number => (fs.existsSync(ctx.moto.recording) ? fs.statSync(ctx.moto.recording).size : 0);
  let last = size();
  let since = Date.now();
  await waitFor(
    `moto to go quiet for ${quietMs / 1000} s`,
    ctx.timeoutMs,
    async () => {
      const now = size();
      if (now !== last) [last, since] = [now, Date.now()];
      return Date.now() - since >= quietMs;
    },
    ctx.supervisor,
    500,
  );
}

/** One forced reconcile of every MR in `managed`; the calls moto records from the start to quiet. */
export async function forceRound(ctx: DriftContext, label: string, managed: readonly Managed[]): Promise<Round> {
  const started = Date.now();
  const logStart = fs.statSync(ctx.providerLog).size;
  ctx.moto.takeCalls();
  await ctx.restartProvider();
  let pending: Managed[] = [...managed];
  await waitFor(
    `${label}: every MR to reconcile`,
    ctx.timeoutMs,
    async () => {
      const { counts } = upToDateCounts(ctx.providerLog, ctx.kinds, logStart);
      pending = managed.filter((mr) => !counts.has(mr.id));
      return pending.length === 0;
    },
    ctx.supervisor,
    1000,
  ).catch((error: Error) => {
    throw new E2eError(`${error.message}; not reconciled: ${pending.map((m) => m.id).join(', ')}`);
  });
  await quiesce(ctx, 5000);
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
