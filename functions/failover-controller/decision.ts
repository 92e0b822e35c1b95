import type { Region } from '../shared/config';
import type { ActiveRegion } from '../shared/fencing';

/**
 * The failover decision, as a pure function of the evidence of one run (one run a minute).
 *
 * A minute counts as FAILED when, seen from this (standby) region while it is itself healthy, the
 * active region's `/health` fails AND replication from it is not current (lag unknown or above the
 * threshold). Any other minute resets the count: a healthy peer, an unhealthy own region (nothing
 * can be judged from a vantage point that is itself failing), or current replication (the active
 * region's database is alive, and this region's writes already reach it through the global writer
 * endpoint: promoting would only lose data). Promotion needs N consecutive failed minutes, a healthy
 * own region, and the flag; with the flag off the controller only observes and alerts once.
 */

/** One probe of a region's `/health` (possibly several attempts within the run). */
export interface HealthProbe {
  ok: boolean;
  /** HTTP status of the last attempt, when one was answered. */
  status?: number;
  /** `timeout`, `error` (no answer) or `status` (answered with a non-2xx). */
  failure?: 'timeout' | 'error' | 'status';
  latencyMs: number;
  attempts: number;
  /** The checks /health named as failing, or the error message. */
  detail?: string;
}

export interface Evidence {
  peer: HealthProbe;
  own: HealthProbe;
  /** AuroraGlobalDBReplicationLag of this region's cluster, ms; undefined when CloudWatch has no recent datapoint. */
  replicationLagMs: number | undefined;
}

export interface ProbeState {
  consecutiveFailedMinutes: number;
  lastProbeAt?: string;
}

export interface Thresholds {
  failedMinutesBeforePromotion: number;
  replicationLagThresholdMs: number;
}

export interface DecisionInput {
  /** The region this controller runs in. */
  region: Region;
  autoFailoverEnabled: boolean;
  active: ActiveRegion;
  /** This region's probe state from the previous run (undefined on the first run). */
  previous: ProbeState | undefined;
  now: Date;
  /** Undefined when this region is the active one (nothing is probed there). */
  evidence: Evidence | undefined;
  thresholds: Thresholds;
}

export type DecisionReason =
  | 'region_active'
  | 'peer_healthy'
  | 'own_unhealthy'
  | 'both_unhealthy'
  | 'replication_current'
  | 'counting'
  | 'auto_failover_disabled'
  | 'promote';

export interface Decision {
  act: boolean;
  reason: DecisionReason;
  /** The decision in words, for the log and the alert. */
  message: string;
  /** The count to store for the next run. */
  consecutiveFailedMinutes: number;
  /** Alert the operators (the first minute the threshold is reached with the flag off). */
  notify: boolean;
}

/** A run this soon after the previous one (a duplicate or retried invocation) does not advance the count. */
export const MIN_MINUTE_SPACING_MS = 45_000;
/** A count older than this (the schedule stopped, or runs failed) is stale: counting starts again. */
export const MAX_MINUTE_GAP_MS = 150_000;

export function decideFailover(input: DecisionInput): Decision {
  const { region, active, evidence, thresholds } = input;
  const needed = thresholds.failedMinutesBeforePromotion;
  const none = (reason: DecisionReason, message: string, consecutiveFailedMinutes = 0, notify = false): Decision => ({
    act: false,
    reason,
    message,
    consecutiveFailedMinutes,
    notify,
  });

  if (active.activeRegion === region) return none('region_active', `${region} is the active region (epoch ${active.epoch}): nothing to decide here`);
  if (!evidence) throw new Error('a standby region decides from evidence');
  const peer = active.activeRegion;

  if (!evidence.own.ok) {
    return evidence.peer.ok
      ? none('own_unhealthy', `${region} is itself unhealthy (${describe(evidence.own)}): no promotion to a region that cannot serve writes`)
      : none('both_unhealthy', `both ${peer} and ${region} fail from here: this vantage point is suspect, nothing is counted`);
  }
  if (evidence.peer.ok) return none('peer_healthy', `${peer} answers /health`);
  const lag = evidence.replicationLagMs;
  if (lag !== undefined && lag <= thresholds.replicationLagThresholdMs) {
    return none(
      'replication_current',
      `${peer} fails /health (${describe(evidence.peer)}) but replicates within ${lag} ms (≤ ${thresholds.replicationLagThresholdMs} ms): its database is alive and writes reach it through the global writer endpoint`,
    );
  }

  const failedMinutes = nextCount(input.previous, input.now);
  const lagText = lag === undefined ? 'replication lag unknown' : `replication lag ${lag} ms`;
  const observed = `${peer} failed /health (${describe(evidence.peer)}), ${lagText}, ${region} healthy: ${failedMinutes} of ${needed} consecutive failed minutes`;
  if (failedMinutes < needed) return none('counting', observed, failedMinutes);
  if (!input.autoFailoverEnabled) {
    return none('auto_failover_disabled', `${observed}; automatic failover is disabled: promote by hand (runbook 2a)`, failedMinutes, failedMinutes === needed);
  }
  return { act: true, reason: 'promote', message: `${observed}; promoting ${region}`, consecutiveFailedMinutes: failedMinutes, notify: true };
}

/** This minute's count: one more than the last run's, unless that run was a moment ago (same minute) or too long ago (stale). */
function nextCount(previous: ProbeState | undefined, now: Date): number {
  const last = previous?.lastProbeAt ? Date.parse(previous.lastProbeAt) : NaN;
  const count = previous?.consecutiveFailedMinutes ?? 0;
  if (Number.isNaN(last) || count <= 0) return 1;
  const gap = now.getTime() - last;
  if (gap > MAX_MINUTE_GAP_MS) return 1;
  if (gap < MIN_MINUTE_SPACING_MS) return count;
  return count + 1;
}

function describe(probe: HealthProbe): string {
  const what = probe.failure === 'status' ? `HTTP ${probe.status}` : (probe.failure ?? 'ok');
  return probe.detail ? `${what}: ${probe.detail}` : what;
}
