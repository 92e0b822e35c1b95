import type {
  Decision,
  DecisionReason,
  Evidence,
  FenceReading,
  HealthProbe,
  ProbeState,
} from '../../functions/failover-controller/decision';
import { decideFailover } from '../../functions/failover-controller/decision';
import type { Region } from '../../functions/shared/config';

const READY: HealthProbe = { ok: true, ready: true, status: 200, latencyMs: 40, attempts: 1 };
const DOWN: HealthProbe = {
  ok: false,
  ready: false,
  failure: 'timeout',
  detail: 'no answer within 6000 ms',
  latencyMs: 13000,
  attempts: 2,
};
const UNHEALTHY: HealthProbe = {
  ok: false,
  ready: false,
  status: 503,
  failure: 'status',
  detail: 'failing database',
  latencyMs: 300,
  attempts: 2,
};
/** What us-east-1's /health answers as a ready standby (PRIMARY record, not active): out of rotation but ready. */
const READY_STANDBY: HealthProbe = {
  ok: false,
  ready: true,
  status: 503,
  failure: 'status',
  detail: 'failing active_region',
  latencyMs: 50,
  attempts: 1,
};

/** The peer's heartbeat as seen in a minute: fresh (written in the last run), stale (none for 3 minutes), or never written. */
type Beat = 'fresh-ready' | 'fresh-not-ready' | 'stale' | 'none';

/** One run's evidence, in short. */
interface Minute {
  peer: HealthProbe;
  own: HealthProbe;
  lag?: number;
  beat: Beat;
  /** The fence as read (default: the scenario's). */
  fence?: FenceReading;
  /** Seconds after the first run (default: one run a minute). */
  at?: number;
}

interface Scenario {
  name: string;
  region: Region;
  fence: FenceReading;
  enabled: boolean;
  minutes: Minute[];
  failedMinutesBeforePromotion?: number;
  /** Expected act/no-act of every run, in order. */
  acts: boolean[];
  /** Expected reason of the last run. */
  reason: DecisionReason;
  counts?: number[];
  notifies?: boolean[];
}

const PRIMARY_ACTIVE: FenceReading = { state: 'ok', active: { activeRegion: 'us-east-1', epoch: 1 } };
const SECONDARY_ACTIVE: FenceReading = { state: 'ok', active: { activeRegion: 'us-west-2', epoch: 2 } };
const NO_QUORUM: FenceReading = {
  state: 'unreadable',
  error: 'TimeoutError: a request has exceeded the configured 5000 ms requestTimeout',
};
const no = (count: number) => Array<boolean>(count).fill(false);
const zeros = (count: number) => Array<number>(count).fill(0);
const repeat = (count: number, minute: Minute) => Array.from({ length: count }, () => minute);
/** The active region is down: its /health does not answer, its heartbeat has stopped, replication lag unknown. */
const primaryDown = (lag?: number): Minute => ({ peer: DOWN, own: READY, lag, beat: 'stale' });
const allUp: Minute = { peer: READY, own: READY, lag: 120, beat: 'fresh-ready' };

/** A scenario seen from the standby (us-west-2) with the primary active and the controller enabled, the common case. */
const standby = (scenario: Omit<Scenario, 'region' | 'fence' | 'enabled'>): Scenario => ({
  region: 'us-west-2',
  fence: PRIMARY_ACTIVE,
  enabled: true,
  ...scenario,
});

const SCENARIOS: Scenario[] = [
  // --- outages
  standby({
    name: 'primary down 3 minutes (no /health, heartbeat stale, lag unknown), flag on: promotes on the 3rd minute',
    minutes: repeat(3, primaryDown()),
    acts: [false, false, true],
    reason: 'promote',
    counts: [1, 2, 3],
  }),
  standby({
    name: 'primary down 2 minutes (threshold 3): waits',
    minutes: repeat(2, primaryDown()),
    acts: no(2),
    reason: 'counting',
    counts: [1, 2],
  }),
  standby({
    name: 'primary down 5 minutes with FAILED_MINUTES_BEFORE_PROMOTION=5: promotes on the 5th',
    failedMinutesBeforePromotion: 5,
    minutes: repeat(5, primaryDown()),
    acts: [...no(4), true],
    reason: 'promote',
  }),
  standby({
    name: 'primary down, its heartbeat fresh for the first minute (it died since its last beat): counting starts once the beat is stale',
    minutes: [{ ...primaryDown(), beat: 'fresh-ready' }, primaryDown(), primaryDown(), primaryDown()],
    acts: [false, false, false, true],
    reason: 'promote',
    counts: [0, 1, 2, 3],
  }),
  standby({
    name: 'primary reaches the quorum but its database is down (fresh heartbeat, not ready, lag unknown): promotes after 3 minutes',
    minutes: repeat(3, { peer: UNHEALTHY, own: READY, beat: 'fresh-not-ready' }),
    acts: [false, false, true],
    reason: 'promote',
  }),
  standby({
    name: 'primary not ready but replicating within 200 ms (fresh heartbeat): its database is alive, never promotes',
    minutes: repeat(5, { peer: UNHEALTHY, own: READY, lag: 200, beat: 'fresh-not-ready' }),
    acts: no(5),
    reason: 'replication_current',
    counts: zeros(5),
  }),
  standby({
    name: 'replication lag exactly at the threshold (1000 ms) counts as current',
    minutes: repeat(3, { peer: UNHEALTHY, own: READY, lag: 1000, beat: 'fresh-not-ready' }),
    acts: no(3),
    reason: 'replication_current',
  }),
  standby({
    name: 'primary down, lag above the threshold (45 s): promotes after 3 minutes',
    minutes: repeat(3, primaryDown(45_000)),
    acts: [false, false, true],
    reason: 'promote',
  }),
  standby({
    name: 'flapping primary (down, up, down, up, down, down): the count restarts, never promotes',
    minutes: [primaryDown(), allUp, primaryDown(), allUp, primaryDown(), primaryDown()],
    acts: no(6),
    reason: 'counting',
    counts: [1, 0, 1, 0, 1, 2],
  }),
  standby({
    name: 'both regions fail from here for 5 minutes: nothing counted, never promotes',
    minutes: repeat(5, { peer: DOWN, own: UNHEALTHY, beat: 'stale' }),
    acts: no(5),
    reason: 'both_unhealthy',
    counts: zeros(5),
  }),
  standby({
    name: 'own region not ready (peer ready): no promotion',
    minutes: repeat(3, { peer: READY, own: UNHEALTHY, beat: 'fresh-ready' }),
    acts: no(3),
    reason: 'own_unhealthy',
  }),
  standby({
    name: 'own region turns unhealthy in the 3rd minute of a primary outage: the count restarts',
    minutes: [primaryDown(), primaryDown(), { ...primaryDown(), own: UNHEALTHY }, primaryDown()],
    acts: no(4),
    reason: 'counting',
    counts: [1, 2, 0, 1],
  }),
  {
    name: 'flag off, primary down 5 minutes: never promotes, alerts once when the threshold is reached',
    region: 'us-west-2',
    fence: PRIMARY_ACTIVE,
    enabled: false,
    minutes: repeat(5, primaryDown()),
    acts: no(5),
    reason: 'auto_failover_disabled',
    counts: [1, 2, 3, 4, 5],
    notifies: [false, false, true, false, false],
  },
  // --- partitions
  {
    name:
      'PARTITION both regions healthy but cut off from each other (each still reaches ' +
      'the us-east-2 witness): the primary keeps beating ready, never promotes',
    region: 'us-west-2',
    fence: PRIMARY_ACTIVE,
    enabled: true,
    minutes: repeat(6, { peer: DOWN, own: READY, beat: 'fresh-ready' }),
    acts: no(6),
    reason: 'peer_heartbeat_fresh',
    counts: zeros(6),
  },
  standby({
    name: 'PARTITION ... and no lag datapoint arrives either (replication cut too): still never promotes',
    minutes: repeat(6, { peer: DOWN, own: READY, lag: undefined, beat: 'fresh-ready' }),
    acts: no(6),
    reason: 'peer_heartbeat_fresh',
  }),
  {
    name:
      'PARTITION primary isolated from the quorum (alive, replicating within 150 ms, but it ' +
      'cannot read the fence so it refuses payments): heartbeat stale, promotes after 3 minutes',
    region: 'us-west-2',
    fence: PRIMARY_ACTIVE,
    enabled: true,
    minutes: repeat(3, { peer: UNHEALTHY, own: READY, lag: 150, beat: 'stale' }),
    acts: [false, false, true],
    reason: 'promote',
  },
  standby({
    name: 'PARTITION primary isolated from the quorum and from us-west-2 (no /health, no lag): promotes after 3 minutes',
    minutes: repeat(3, { peer: DOWN, own: READY, beat: 'stale' }),
    acts: [false, false, true],
    reason: 'promote',
  }),
  {
    name: 'PARTITION secondary isolated from the quorum: it cannot read the fence, decides nothing, ever',
    region: 'us-west-2',
    fence: NO_QUORUM,
    enabled: true,
    minutes: repeat(5, { peer: DOWN, own: UNHEALTHY, beat: 'stale' }),
    acts: no(5),
    reason: 'no_quorum',
  },
  {
    name: 'PARTITION secondary isolated while the primary is down too: still nothing (it could not record a fence anyway)',
    region: 'us-west-2',
    fence: NO_QUORUM,
    enabled: true,
    minutes: repeat(5, primaryDown()),
    acts: no(5),
    reason: 'no_quorum',
  },
  {
    name:
      "the primary's controller never ran (no heartbeat at all) and its /health " +
      'fails: a partition cannot be excluded, never promotes, alerts once',
    region: 'us-west-2',
    fence: PRIMARY_ACTIVE,
    enabled: true,
    minutes: repeat(4, { peer: DOWN, own: READY, beat: 'none' }),
    acts: no(4),
    reason: 'peer_heartbeat_unknown',
    notifies: [true, false, false, false],
  },
  standby({
    name: "the primary's controller is broken (heartbeat stale) but the primary serves (/health ready): never promotes",
    minutes: repeat(4, { peer: READY, own: READY, beat: 'stale' }),
    acts: no(4),
    reason: 'peer_healthy',
  }),
  // --- roles and schedule
  {
    name: 'already active: us-west-2 recorded active (epoch 2), running in us-west-2',
    region: 'us-west-2',
    fence: SECONDARY_ACTIVE,
    enabled: true,
    minutes: repeat(3, primaryDown()),
    acts: no(3),
    reason: 'region_active',
    counts: zeros(3),
  },
  {
    name: 'running in the primary region while it is active: nothing to decide',
    region: 'us-east-1',
    fence: PRIMARY_ACTIVE,
    enabled: true,
    minutes: repeat(3, primaryDown()),
    acts: no(3),
    reason: 'region_active',
  },
  {
    name:
      'after a failover us-east-1 is a ready standby (its /health 503 ' +
      '"standby" but ready): us-west-2 down 3 minutes promotes us-east-1',
    region: 'us-east-1',
    fence: SECONDARY_ACTIVE,
    enabled: true,
    minutes: repeat(3, { ...primaryDown(), own: READY_STANDBY }),
    acts: [false, false, true],
    reason: 'promote',
  },
  {
    name: 'no fence record: nothing is promoted, alerts once',
    region: 'us-west-2',
    fence: { state: 'missing' },
    enabled: true,
    minutes: repeat(3, primaryDown()),
    acts: no(3),
    reason: 'fence_missing',
    notifies: [true, false, false],
  },
  standby({
    name: 'a duplicate invocation within the same minute does not advance the count',
    minutes: [
      { ...primaryDown(), at: 0 },
      { ...primaryDown(), at: 60 },
      { ...primaryDown(), at: 70 },
      { ...primaryDown(), at: 120 },
    ],
    acts: [false, false, false, true],
    reason: 'promote',
    counts: [1, 2, 2, 3],
  }),
  standby({
    name: 'a gap in the schedule (no run for 4 minutes) restarts the count',
    minutes: [
      { ...primaryDown(), at: 0 },
      { ...primaryDown(), at: 60 },
      { ...primaryDown(), at: 300 },
    ],
    acts: no(3),
    reason: 'counting',
    counts: [1, 2, 1],
  }),
  standby({
    name: 'everything healthy: no action, count 0',
    minutes: repeat(3, allUp),
    acts: no(3),
    reason: 'peer_healthy',
    counts: zeros(3),
  }),
];

const START = Date.parse('2025-06-01T12:00:00Z');

/** Runs the decision once per minute, carrying the stored count from run to run as the controller does. */
function simulate(scenario: Scenario): Decision[] {
  let previous: ProbeState | undefined;
  return scenario.minutes.map((minute, index) => {
    const now = new Date(START + (minute.at ?? index * 60) * 1000);
    const beatAt = minute.beat === 'stale' ? new Date(now.getTime() - 180_000) : new Date(now.getTime() - 20_000);
    const evidence: Evidence = {
      peer: minute.peer,
      own: minute.own,
      replicationLagMs: minute.lag,
      peerHeartbeat: minute.beat === 'none' ? undefined : { beatAt: beatAt.toISOString(), ready: minute.beat === 'fresh-ready' },
    };
    const fence = minute.fence ?? scenario.fence;
    const active = fence.state === 'ok' && fence.active.activeRegion === scenario.region;
    const decision = decideFailover({
      region: scenario.region,
      autoFailoverEnabled: scenario.enabled,
      fence,
      previous,
      now,
      evidence: fence.state !== 'ok' || active ? undefined : evidence,
      thresholds: { failedMinutesBeforePromotion: scenario.failedMinutesBeforePromotion ?? 3, replicationLagThresholdMs: 1000 },
    });
    previous = {
      consecutiveFailedMinutes: decision.consecutiveFailedMinutes,
      lastProbeAt: now.toISOString(),
      lastDecision: decision.reason,
    };
    return decision;
  });
}

describe('failover decision (pure): scenario table with partitions', () => {
  test.each(SCENARIOS.map((scenario) => [scenario.name, scenario] as const))('%s', (_name, scenario) => {
    const decisions = simulate(scenario);

    expect(decisions.map((decision) => decision.act)).toEqual(scenario.acts);
    expect(decisions[decisions.length - 1].reason).toBe(scenario.reason);
    if (scenario.counts) expect(decisions.map((decision) => decision.consecutiveFailedMinutes)).toEqual(scenario.counts);
    if (scenario.notifies) expect(decisions.map((decision) => decision.notify)).toEqual(scenario.notifies);
    for (const decision of decisions) {
      if (decision.act) expect(decision.notify).toBe(true);
      expect(decision.message.length).toBeGreaterThan(10);
    }
  });

  test('the promotion message carries the evidence: peer failure, heartbeat, lag and count', () => {
    const [last] = simulate({
      ...SCENARIOS[0],
      minutes: [primaryDown(45_000)],
      failedMinutesBeforePromotion: 1,
      acts: [true],
      reason: 'promote',
    });
    expect(last.message).toBe(
      "us-east-1 failed /health (timeout: no answer within 6000 ms); us-east-1's heartbeat is stale (last beat 180 s ago): " +
        'it cannot reach the DynamoDB quorum and acknowledges nothing, replication lag ' +
        '45000 ms; us-west-2 ready: 1 of 1 consecutive failed minutes; promoting us-west-2',
    );
  });

  test('a standby region without evidence is a programming error, not a silent no-op', () => {
    expect(() =>
      decideFailover({
        region: 'us-west-2',
        autoFailoverEnabled: true,
        fence: PRIMARY_ACTIVE,
        previous: undefined,
        now: new Date(),
        evidence: undefined,
        thresholds: { failedMinutesBeforePromotion: 3, replicationLagThresholdMs: 1000 },
      }),
    ).toThrow('a standby region decides from evidence');
  });

  test('the decision table, printed for the README (one row per scenario: act per minute and the final reason)', () => {
    const rows = SCENARIOS.map(
      (scenario) =>
        `| ${scenario.name} | ${simulate(scenario)
          .map((decision) => (decision.act ? 'ACT' : '-'))
          .join(' ')} | \`${scenario.reason}\` |`,
    );
    expect(rows).toHaveLength(SCENARIOS.length);
    if (process.env.PRINT_DECISION_TABLE)
      console.log(['| scenario | minute by minute | final decision |', '|---|---|---|', ...rows].join('\n'));
  });
});
