import type { Decision, DecisionReason, Evidence, HealthProbe, ProbeState } from '../../functions/failover-controller/decision';
import { decideFailover } from '../../functions/failover-controller/decision';
import type { Region } from '../../functions/shared/config';
import type { ActiveRegion } from '../../functions/shared/fencing';

const UP: HealthProbe = { ok: true, status: 200, latencyMs: 40, attempts: 1 };
const DOWN: HealthProbe = { ok: false, failure: 'timeout', detail: 'no answer within 6000 ms', latencyMs: 13000, attempts: 2 };
const UNHEALTHY: HealthProbe = { ok: false, status: 503, failure: 'status', detail: 'failing database', latencyMs: 300, attempts: 2 };

/** One run's evidence, in short: the peer's and this region's /health, and the lag (undefined: unknown). */
interface Minute {
  peer: HealthProbe;
  own: HealthProbe;
  lag?: number;
  /** Seconds after the first run (default: one run a minute). */
  at?: number;
}
const peerDown = (lag?: number): Minute => ({ peer: DOWN, own: UP, lag });
const allUp: Minute = { peer: UP, own: UP, lag: 120 };

interface Scenario {
  name: string;
  region: Region;
  active: ActiveRegion;
  enabled: boolean;
  minutes: Minute[];
  failedMinutesBeforePromotion?: number;
  /** Expected act/no-act of every run, in order. */
  acts: boolean[];
  /** Expected reason of the last run. */
  reason: DecisionReason;
  /** Expected count after every run (checked when given). */
  counts?: number[];
  /** Expected notify of every run (checked when given). */
  notifies?: boolean[];
}

const PRIMARY_ACTIVE: ActiveRegion = { activeRegion: 'us-east-1', epoch: 0 };
const SECONDARY_ACTIVE: ActiveRegion = { activeRegion: 'us-west-2', epoch: 1 };
const no = (count: number) => Array<boolean>(count).fill(false);
const repeat = (count: number, minute: Minute) => Array.from({ length: count }, () => minute);

const SCENARIOS: Scenario[] = [
  { name: 'primary down 3 minutes, lag unknown, flag on: promotes on the 3rd minute', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: repeat(3, peerDown()), acts: [false, false, true], reason: 'promote', counts: [1, 2, 3] },
  { name: 'primary down 2 minutes (threshold 3): waits', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: repeat(2, peerDown()), acts: no(2), reason: 'counting', counts: [1, 2] },
  { name: 'primary down 5 minutes with FAILED_MINUTES_BEFORE_PROMOTION=5: promotes on the 5th', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, failedMinutesBeforePromotion: 5, minutes: repeat(5, peerDown()), acts: [...no(4), true], reason: 'promote' },
  { name: 'primary down, lag above the threshold (45 s): promotes after 3 minutes', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: repeat(3, peerDown(45_000)), acts: [false, false, true], reason: 'promote' },
  { name: 'flapping primary (down, up, down, up, down, down): the count restarts, never promotes', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: [peerDown(), allUp, peerDown(), allUp, peerDown(), peerDown()], acts: no(6), reason: 'counting', counts: [1, 0, 1, 0, 1, 2] },
  { name: 'both regions down from here for 5 minutes: nothing counted, never promotes', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: repeat(5, { peer: DOWN, own: UNHEALTHY }), acts: no(5), reason: 'both_unhealthy', counts: no(5).map(() => 0) },
  { name: 'own region unhealthy (peer healthy): no promotion', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: repeat(3, { peer: UP, own: UNHEALTHY }), acts: no(3), reason: 'own_unhealthy' },
  { name: 'own region turns unhealthy in the 3rd minute of a primary outage: the count restarts', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: [peerDown(), peerDown(), { peer: DOWN, own: UNHEALTHY }, peerDown()], acts: no(4), reason: 'counting', counts: [1, 2, 0, 1] },
  { name: 'primary /health down but replication current (200 ms): its database is alive, never promotes', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: repeat(5, peerDown(200)), acts: no(5), reason: 'replication_current', counts: no(5).map(() => 0) },
  { name: 'replication lag exactly at the threshold (1000 ms) counts as current', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: repeat(3, peerDown(1000)), acts: no(3), reason: 'replication_current' },
  { name: 'flag off, primary down 5 minutes: never promotes, alerts once when the threshold is reached', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: false, minutes: repeat(5, peerDown()), acts: no(5), reason: 'auto_failover_disabled', counts: [1, 2, 3, 4, 5], notifies: [false, false, true, false, false] },
  { name: 'already active: us-west-2 recorded active (epoch 1), running in us-west-2', region: 'us-west-2', active: SECONDARY_ACTIVE, enabled: true, minutes: repeat(3, peerDown()), acts: no(3), reason: 'region_active', counts: [0, 0, 0] },
  { name: 'running in the primary region while it is active: nothing to decide', region: 'us-east-1', active: PRIMARY_ACTIVE, enabled: true, minutes: repeat(3, peerDown()), acts: no(3), reason: 'region_active' },
  { name: 'after a failover us-east-1 is the standby: us-west-2 down 3 minutes promotes us-east-1', region: 'us-east-1', active: SECONDARY_ACTIVE, enabled: true, minutes: repeat(3, peerDown()), acts: [false, false, true], reason: 'promote' },
  { name: 'a duplicate invocation within the same minute does not advance the count', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: [{ ...peerDown(), at: 0 }, { ...peerDown(), at: 60 }, { ...peerDown(), at: 70 }, { ...peerDown(), at: 120 }], acts: [false, false, false, true], reason: 'promote', counts: [1, 2, 2, 3] },
  { name: 'a gap in the schedule (no run for 4 minutes) restarts the count', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: [{ ...peerDown(), at: 0 }, { ...peerDown(), at: 60 }, { ...peerDown(), at: 300 }], acts: no(3), reason: 'counting', counts: [1, 2, 1] },
  { name: 'everything healthy: no action, count 0', region: 'us-west-2', active: PRIMARY_ACTIVE, enabled: true, minutes: repeat(3, allUp), acts: no(3), reason: 'peer_healthy', counts: [0, 0, 0] },
];

/** Runs the decision once per minute, carrying the stored count from run to run as the controller does. */
function simulate(scenario: Scenario): Decision[] {
  const start = Date.parse('2025-06-01T12:00:00Z');
  let previous: ProbeState | undefined;
  return scenario.minutes.map((minute, index) => {
    const now = new Date(start + (minute.at ?? index * 60) * 1000);
    const evidence: Evidence = { peer: minute.peer, own: minute.own, replicationLagMs: minute.lag };
    const decision = decideFailover({
      region: scenario.region,
      autoFailoverEnabled: scenario.enabled,
      active: scenario.active,
      previous,
      now,
      evidence: scenario.active.activeRegion === scenario.region ? undefined : evidence,
      thresholds: { failedMinutesBeforePromotion: scenario.failedMinutesBeforePromotion ?? 3, replicationLagThresholdMs: 1000 },
    });
    previous = { consecutiveFailedMinutes: decision.consecutiveFailedMinutes, lastProbeAt: now.toISOString() };
    return decision;
  });
}

describe('failover decision (pure): scenario table', () => {
  test.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s', (_name, scenario) => {
    const decisions = simulate(scenario);

    expect(decisions.map((decision) => decision.act)).toEqual(scenario.acts);
    expect(decisions[decisions.length - 1].reason).toBe(scenario.reason);
    if (scenario.counts) expect(decisions.map((decision) => decision.consecutiveFailedMinutes)).toEqual(scenario.counts);
    if (scenario.notifies) expect(decisions.map((decision) => decision.notify)).toEqual(scenario.notifies);
    // a promotion always alerts; every decision explains itself
    for (const decision of decisions) {
      if (decision.act) expect(decision.notify).toBe(true);
      expect(decision.message.length).toBeGreaterThan(10);
    }
  });

  test('the promotion message carries the evidence: peer failure, lag and count', () => {
    const [last] = simulate({ ...SCENARIOS[0], minutes: [peerDown(45_000)], failedMinutesBeforePromotion: 1, acts: [true], reason: 'promote' });
    expect(last.message).toBe('us-east-1 failed /health (timeout: no answer within 6000 ms), replication lag 45000 ms, us-west-2 healthy: 1 of 1 consecutive failed minutes; promoting us-west-2');
  });

  test('a standby region without evidence is a programming error, not a silent no-op', () => {
    expect(() =>
      decideFailover({ region: 'us-west-2', autoFailoverEnabled: true, active: PRIMARY_ACTIVE, previous: undefined, now: new Date(), evidence: undefined, thresholds: { failedMinutesBeforePromotion: 3, replicationLagThresholdMs: 1000 } }),
    ).toThrow('a standby region decides from evidence');
  });
});
