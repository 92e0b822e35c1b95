import type { Region } from '../shared/config';
import type { ActiveRegion } from '../shared/fencing';
import { HEARTBEAT_STALE_MS } from './heartbeat';

/**
 * The failover decision, as a pure function of one run's evidence (one run a minute).
 *
 * The fence lives in an MRSC table, so split brain is already impossible: a region acknowledges
 * only after reading the fence strongly, which needs a quorum. What the controller must not do is
 * promote on a partition — fail the database over, with data loss, away from a primary that is
 * alive and serving. So, seen from the standby, a minute counts as FAILED only when:
 *
 *   - this region is READY (its own /health body says ready) — never promote a region that cannot serve;
 *   - the active region's /health is not ready (or does not answer);
 *   - and the active region's HEARTBEAT says it is not serving:
 *       stale (no beat for HEARTBEAT_STALE_MS: it cannot reach the MRSC quorum, so it acknowledges
 *       nothing — promotion is safe whatever the replication lag), or
 *       fresh but reporting itself not ready, with replication not current (lag unknown or above the
 *       threshold: its database is not replicating, so it is not its Aurora that is fine).
 *
 * A fresh heartbeat that says ready means the active region reaches the quorum and serves: our
 * probes fail because the two regions are cut off from each other — no promotion. A heartbeat that
 * was never written means the other controller never ran: the partition case cannot be excluded —
 * no promotion. A standby that cannot read the fence (no quorum itself) decides nothing. Promotion
 * needs N consecutive failed minutes and the flag; with the flag off the controller observes and alerts once.
 */

/** One probe of a region's `/health` (possibly several attempts within the run). */
export interface HealthProbe {
  /** HTTP 2xx: the region is in rotation. */
  ok: boolean;
  /** The region's own readiness: `ready: true` in the body (a ready standby of the PRIMARY record answers 503 but is ready), or any 2xx. */
  ready: boolean;
  /** HTTP status of the last attempt, when one was answered. */
  status?: number;
  /** `timeout`, `error` (no answer) or `status` (answered with a non-2xx). */
  failure?: 'timeout' | 'error' | 'status';
  latencyMs: number;
  attempts: number;
  /** The checks /health named as failing, or the error message. */
  detail?: string;
}

export interface PeerHeartbeat {
  beatAt: string;
  /** The peer's own /health said ready when it beat. */
  ready: boolean;
}

export interface Evidence {
  peer: HealthProbe;
  own: HealthProbe;
  /** AuroraGlobalDBReplicationLag of this region's cluster, ms; undefined when CloudWatch has no recent datapoint. */
  replicationLagMs: number | undefined;
  /** The active region's last heartbeat; undefined when it never beat. */
  peerHeartbeat: PeerHeartbeat | undefined;
}

export interface ProbeState {
  consecutiveFailedMinutes: number;
  lastProbeAt?: string;
  lastDecision?: string;
}

export interface Thresholds {
  failedMinutesBeforePromotion: number;
  replicationLagThresholdMs: number;
}

/** The fence as this run read it: the record, no record at all, or no answer (this region has no quorum). */
export type FenceReading = { state: 'ok'; active: ActiveRegion } | { state: 'missing' } | { state: 'unreadable'; error: string };

export interface DecisionInput {
  /** The region this controller runs in. */
  region: Region;
  autoFailoverEnabled: boolean;
  fence: FenceReading;
  /** This region's probe state from the previous run (undefined on the first run, or when unreadable). */
  previous: ProbeState | undefined;
  now: Date;
  /** Undefined when this region is the active one (the peer is not probed then) or the fence was not read. */
  evidence: Evidence | undefined;
  thresholds: Thresholds;
}

export type DecisionReason =
  | 'no_quorum'
  | 'fence_missing'
  | 'region_active'
  | 'own_unhealthy'
  | 'both_unhealthy'
  | 'peer_healthy'
  | 'peer_heartbeat_unknown'
  | 'peer_heartbeat_fresh'
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
  /** Alert the operators (the first minute the threshold is reached with the flag off; a missing fence or heartbeat, once). */
  notify: boolean;
}

/** A run this soon after the previous one (a duplicate or retried invocation) does not advance the count. */
export const MIN_MINUTE_SPACING_MS = 45_000;
/** A count older than this (the schedule stopped, or runs failed) is stale: counting starts again. */
export const MAX_MINUTE_GAP_MS = 150_000;

export function decideFailover(input: DecisionInput): Decision {
  const { region, fence, evidence, thresholds, now } = input;
  const needed = thresholds.failedMinutesBeforePromotion;
  const none = (reason: DecisionReason, message: string, consecutiveFailedMinutes = 0, notify = false): Decision => ({
    act: false,
    reason,
    message,
    consecutiveFailedMinutes,
    notify,
  });
  const firstTime = (reason: DecisionReason) => input.previous?.lastDecision !== reason;

  if (fence.state === 'unreadable') {
    return none(
      'no_quorum',
      `${region} cannot read the fence (${fence.error}): it is cut off from its DynamoDB quorum, ` +
        'so it can neither decide nor record anything; its own webhooks refuse payments meanwhile',
    );
  }
  if (fence.state === 'missing') {
    return none(
      'fence_missing',
      'the active-region record is missing: every region refuses payments until it is recorded (npm run dr -- init); nothing is promoted',
      0,
      firstTime('fence_missing'),
    );
  }
  const { active } = fence;
  if (active.activeRegion === region)
    return none('region_active', `${region} is the active region (epoch ${active.epoch}): nothing to decide here`);
  if (!evidence) throw new Error('a standby region decides from evidence');
  const peer = active.activeRegion;

  if (!evidence.own.ready) {
    return evidence.peer.ready
      ? none(
          'own_unhealthy',
          `${region} is itself not ready (${describe(evidence.own)}): no promotion to a region that cannot serve writes`,
        )
      : none('both_unhealthy', `both ${peer} and ${region} fail from here: this vantage point is suspect, nothing is counted`);
  }
  if (evidence.peer.ready) return none('peer_healthy', `${peer} answers /health ready`);

  const lag = evidence.replicationLagMs;
  const lagText = lag === undefined ? 'replication lag unknown' : `replication lag ${lag} ms`;
  const beat = evidence.peerHeartbeat;
  if (!beat) {
    return none(
      'peer_heartbeat_unknown',
      `${peer} fails /health (${describe(evidence.peer)}) but has never written a heartbeat: its controller is not ` +
        'running, so a partition cannot be told from an outage; no promotion (promote by hand if the outage is real)',
      0,
      firstTime('peer_heartbeat_unknown'),
    );
  }
  const ageMs = now.getTime() - Date.parse(beat.beatAt);
  const ageText = `${Math.round(ageMs / 1000)} s ago`;
  let why: string;
  if (ageMs <= HEARTBEAT_STALE_MS) {
    if (beat.ready) {
      return none(
        'peer_heartbeat_fresh',
        `${peer} fails /health from here (${describe(evidence.peer)}) but beat ${ageText} reporting itself ` +
          'ready: it reaches the DynamoDB quorum and serves; the regions are cut off from each other, no promotion',
      );
    }
    if (lag !== undefined && lag <= thresholds.replicationLagThresholdMs) {
      return none(
        'replication_current',
        `${peer} reports itself not ready (beat ${ageText}) but replicates within ${lag} ms (≤ ` +
          `${thresholds.replicationLagThresholdMs} ms): its database is alive, promoting would only lose data`,
      );
    }
    why = `${peer} reaches the quorum but reports itself not ready (beat ${ageText}), ${lagText}`;
  } else {
    why = `${peer}'s heartbeat is stale (last beat ${ageText}): it cannot reach the DynamoDB quorum and acknowledges nothing, ${lagText}`;
  }

  const failedMinutes = nextCount(input.previous, now);
  const observed =
    `${peer} failed /health (${describe(evidence.peer)}); ${why}; ${region} ` +
    `ready: ${failedMinutes} of ${needed} consecutive failed minutes`;
  if (failedMinutes < needed) return none('counting', observed, failedMinutes);
  if (!input.autoFailoverEnabled) {
    return none(
      'auto_failover_disabled',
      `${observed}; automatic failover is disabled: promote by hand (runbook 2a)`,
      failedMinutes,
      failedMinutes === needed,
    );
  }
  return {
    act: true,
    reason: 'promote',
    message: `${observed}; promoting ${region}`,
    consecutiveFailedMinutes: failedMinutes,
    notify: true,
  };
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
  const what = probe.failure === 'status' ? `HTTP ${probe.status}` : (probe.failure ?? (probe.ok ? 'ok' : 'not ready'));
  return probe.detail ? `${what}: ${probe.detail}` : what;
}
