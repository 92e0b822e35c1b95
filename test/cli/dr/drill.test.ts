import { DescribeAlarmHistoryCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DRILL_TAGS } from '../../../compositions/payment-region/drills';
import type { Region } from '../../../functions/shared/config';
import type { EnvironmentReport } from '../../../conformance/dr-report';
import { parseArgs, UsageError } from '../../../cli/dr/args';
import type { DrAws } from '../../../cli/dr/aws';
import { runCli } from '../../../cli/dr/cli';
import type { DrillCloudWatch } from '../../../cli/dr/drill-observations';
import type { DrillReport } from '../../../cli/dr/drill-report';
import type { ExperimentState, ExperimentView, FisApi } from '../../../cli/dr/fis';
import { drNames } from '../../../cli/dr/names';

/**
 * `dr drill` against a mocked FIS (no local FIS engine exists: moto does not implement it) and a
 * mocked CloudWatch (moto records no alarm state history and runs no Metrics Insights queries,
 * which the drill reads). The mocks answer the exact API shapes the command reads.
 */
const T0 = new Date('2026-03-02T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const EXPECTED: EnvironmentReport = {
  environment: 'dev',
  rows: [],
  clientSwitchSeconds: 150,
  detectionSeconds: 90,
  pagedSeconds: 150,
  replicationLagThresholdMs: 1000,
};
const NOT_USED: DrAws = {
  rds: () => {
    throw new Error('drill must not call RDS');
  },
  cloudwatch: () => {
    throw new Error('drill reads CloudWatch through its own clients');
  },
  dynamodb: () => {
    throw new Error('drill must not call DynamoDB');
  },
};

const template = (scenario: string, id: string, env = 'dev') => ({
  id,
  description: `template ${scenario}`,
  tags: { [DRILL_TAGS.scenario]: scenario, [DRILL_TAGS.environment]: env, [DRILL_TAGS.region]: 'use1' },
});
const TEMPLATES = [
  template('network-disruption', 'EXT1net'),
  template('aurora-writer-failover', 'EXT2rds'),
  template('network-disruption', 'EXT9prod', 'prod'),
];

/** A mocked FIS: the templates above, and an experiment that goes through `states` one GetExperiment at a time. */
function mockedFis(states: ExperimentState[], reason?: string) {
  const calls: string[] = [];
  let polled = 0;
  const experiment = (state: ExperimentState, end?: Date): ExperimentView => ({
    id: 'EXPdrill1',
    state,
    startTime: T0,
    ...(end ? { endTime: end } : {}),
    ...(state === 'stopped' || state === 'failed' ? { reason } : {}),
  });
  const fis: FisApi = {
    listExperimentTemplates: async () => {
      calls.push('ListExperimentTemplates');
      return TEMPLATES;
    },
    startExperiment: async (templateId) => {
      calls.push(`StartExperiment ${templateId}`);
      return experiment('initiating');
    },
    getExperiment: async () => {
      calls.push('GetExperiment');
      const state = states[Math.min(polled++, states.length - 1)];
      return experiment(state, ['completed', 'stopped', 'failed'].includes(state) ? at(600) : undefined);
    },
  };
  return { fis, calls };
}

const history = (alarm: string, seconds: number, newState = 'ALARM') => ({
  AlarmName: alarm,
  Timestamp: at(seconds),
  HistoryItemType: 'StateUpdate',
  HistoryData: JSON.stringify({ newState: { stateValue: newState } }),
});
const series = (id: string, points: Array<[number, number]>) => ({
  Id: id,
  Timestamps: points.map(([s]) => at(s)),
  Values: points.map(([, v]) => v),
});

/** What CloudWatch recorded in each region during a drill of us-east-1 whose standby was promoted at +300 s. */
const RECORDED: Record<Region, { alarms: object[]; metrics: object[] }> = {
  'us-east-1': {
    alarms: [
      history('alarm-healthcheck-use1-prod', 30),
      history('alarm-api-5xx-use1-dev', 10, 'OK'),
      history('alarm-healthcheck-use1-dev', 120),
      history('alarm-api-5xx-use1-dev', 200),
    ],
    metrics: [
      series('epoch', [
        [0, 4],
        [240, 4],
      ]),
    ],
  },
  'us-west-2': {
    alarms: [history('alarm-aurora-rpo-lag-usw2-dev', 150)],
    metrics: [
      series('epoch', [
        [0, 4],
        [300, 5],
      ]),
      series('active', [
        [0, 0],
        [60, 0],
        [300, 1],
        [360, 1],
      ]),
      series('rpo', [
        [0, 200],
        [60, 850],
        [120, 300],
      ]),
    ],
  },
};

function mockedCloudWatch() {
  const calls: string[] = [];
  const client = (region: Region) =>
    ({
      send: async (command: unknown) => {
        calls.push(`${region} ${(command as object).constructor.name}`);
        if (command instanceof DescribeAlarmHistoryCommand) return { AlarmHistoryItems: RECORDED[region].alarms };
        if (command instanceof GetMetricDataCommand) {
          const ids = new Set(command.input.MetricDataQueries?.map((q) => q.Id));
          return { MetricDataResults: RECORDED[region].metrics.filter((m) => ids.has((m as { Id: string }).Id)) };
        }
        throw new Error(`unexpected CloudWatch call ${(command as object).constructor.name}`);
      },
    }) as unknown as DrillCloudWatch;
  return { client, calls };
}

async function runDrill(argv: string[], fis: FisApi, options: { instancesPerRegion?: number; answer?: string } = {}) {
  const printed: string[] = [];
  const files = new Map<string, string>();
  const cloudwatch = mockedCloudWatch();
  let clock = T0.getTime();
  const code = await runCli(argv, {
    aws: NOT_USED,
    io: { print: (line = '') => printed.push(line), ask: async () => options.answer ?? '' },
    now: () => new Date(clock),
    operator: 'dr-cli oncall@laptop',
    names: (env) => ({ ...drNames(env), auroraInstancesPerRegion: options.instancesPerRegion ?? 1 }),
    drillAws: { fis: () => fis, cloudwatch: cloudwatch.client },
    expectedFigures: () => EXPECTED,
    sleep: async (ms) => {
      clock += ms;
    },
    writeFile: (file, content) => files.set(file, content),
  });
  return { code, output: printed.join('\n'), files, cloudwatchCalls: cloudwatch.calls };
}

const NETWORK = ['drill', '--env', 'dev', '--scenario', 'network-disruption'];

describe('dr drill (mocked FIS, mocked CloudWatch)', () => {
  test('mocked FIS: --dry-run resolves the template by its tags, prints the plan and never calls StartExperiment', async () => {
    const { fis, calls } = mockedFis(['completed']);
    const run = await runDrill([...NETWORK, '--dry-run'], fis);
    expect(run.code).toBe(0);
    expect(calls).toEqual(['ListExperimentTemplates']);
    expect(run.output).toContain('template   EXT1net');
    expect(run.output).toContain('aws:network:disrupt-connectivity duration=PT10M scope=all');
    expect(run.output).toContain(
      'stops when alarm-healthcheck-usw2-dev, alarm-ddb-replication-sessions-use1-dev, ' +
        'alarm-ddb-replication-idempotency-use1-dev goes to ALARM',
    );
    expect(run.output).toContain('Dry run: nothing started.');
    expect(run.cloudwatchCalls).toEqual([]);
  });

  test.each([
    ['', 1, ['ListExperimentTemplates']],
    ['no', 1, ['ListExperimentTemplates']],
    ['yes', 0, ['ListExperimentTemplates', 'StartExperiment EXT1net', 'GetExperiment']],
  ])('mocked FIS: without --yes, the answer %j decides whether StartExperiment is called', async (answer, code, expectedCalls) => {
    const { fis, calls } = mockedFis(['completed']);
    const run = await runDrill(NETWORK, fis, { answer });
    expect(run.code).toBe(code);
    expect(calls).toEqual(expectedCalls);
  });

  test('mocked FIS: a completed experiment yields the measured figures and compares them with dr-report', async () => {
    const { fis, calls } = mockedFis(['running', 'running', 'completed']);
    const run = await runDrill([...NETWORK, '--yes', '--report', 'drills/2026-q1.json'], fis);
    expect(run.code).toBe(0);
    expect(calls).toEqual(['ListExperimentTemplates', 'StartExperiment EXT1net', 'GetExperiment', 'GetExperiment', 'GetExperiment']);
    const report = JSON.parse(run.files.get('drills/2026-q1.json')!) as DrillReport;
    expect(report).toMatchObject({
      environment: 'dev',
      scenario: 'network-disruption',
      templateId: 'EXT1net',
      experimentId: 'EXPdrill1',
      outcome: 'completed',
      startedAt: T0.toISOString(),
      endedAt: at(600).toISOString(),
    });
    expect(report.measurements).toEqual({
      detectionSeconds: 120,
      firstAlarm: 'alarm-healthcheck-use1-dev',
      trafficShiftSeconds: 120,
      promotionSeconds: 300,
      fenceEpochBefore: 4,
      fenceEpochAfter: 5,
      observedRpoMs: 850,
    });
    expect(report.comparisons.map((c) => [c.figure, c.measured, c.expected, c.withinExpected])).toEqual([
      ['detection (first alarm)', 120, 150, true],
      ['traffic shift (target health-check alarm)', 120, 150, true],
      ['observed RPO (max AuroraGlobalDBRPOLag)', 850, 1000, true],
    ]);
    expect(report.alarms.map((a) => a.alarm)).toEqual([
      'alarm-healthcheck-use1-dev',
      'alarm-aurora-rpo-lag-usw2-dev',
      'alarm-api-5xx-use1-dev',
    ]);
    expect(run.files.get('drills/2026-q1.md')).toContain('| promotion (standby ActiveRegion 0 → 1) | 300 s |');
    expect(run.files.get('drills/2026-q1.md')).toContain('| fence epoch before → after | 4 → 5 |');
  });

  test('mocked FIS: an experiment stopped by a stop condition exits 1 and still reports, with the reason', async () => {
    const reason = 'Experiment stopped by stop condition arn:aws:cloudwatch:us-east-1:111122223333:alarm:alarm-healthcheck-usw2-dev';
    const { fis } = mockedFis(['running', 'stopping', 'stopped'], reason);
    const run = await runDrill([...NETWORK, '--yes', '--report', 'stopped'], fis);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.files.get('stopped.json')!) as DrillReport;
    expect(report.outcome).toBe('stopped');
    expect(report.reason).toBe(reason);
    expect(run.output).toContain(`The experiment ended stopped: ${reason}`);
  });

  test('mocked FIS: an experiment that never ends times out after its duration plus 10 minutes, saying how to stop it', async () => {
    const { fis, calls } = mockedFis(['running']);
    const run = await runDrill([...NETWORK, '--yes'], fis);
    expect(run.code).toBe(1);
    expect(run.output).toContain('error: experiment EXPdrill1 is still running after 20 minutes');
    expect(run.output).toContain('aws fis stop-experiment --region us-east-1 --id EXPdrill1');
    expect(calls.filter((c) => c === 'GetExperiment')).toHaveLength(80);
    expect(run.cloudwatchCalls).toEqual([]);
  });

  test('mocked FIS: the Aurora failover drill is refused (exit 2) where the cluster has no reader, and runs where it has one', async () => {
    const refused = mockedFis(['completed']);
    const one = await runDrill(['drill', '--env', 'dev', '--scenario', 'aurora-writer-failover', '--yes'], refused.fis, {
      instancesPerRegion: 1,
    });
    expect(one.code).toBe(2);
    expect(one.output).toContain('database.instancesPerRegion 1: raise it to 2 or more');
    expect(refused.calls).not.toContain('StartExperiment EXT2rds');
    const allowed = mockedFis(['completed']);
    const two = await runDrill(['drill', '--env', 'dev', '--scenario', 'aurora-writer-failover', '--yes'], allowed.fis, {
      instancesPerRegion: 2,
    });
    expect(two.code).toBe(0);
    expect(allowed.calls).toContain('StartExperiment EXT2rds');
  });

  test('mocked FIS: no template for the environment is a plain error naming the tags and the kubectl check', async () => {
    const { fis } = mockedFis(['completed']);
    const run = await runDrill(['drill', '--env', 'dev', '--scenario', 'network-disruption', '--dry-run'], {
      ...fis,
      listExperimentTemplates: async () => [],
    });
    expect(run.code).toBe(1);
    expect(run.output).toContain(`no FIS experiment template tagged ${DRILL_TAGS.scenario}=network-disruption`);
    expect(run.output).toContain('kubectl get experimenttemplates.fis.aws.upbound.io');
  });
});

describe('dr drill: bad flags (exit 64, the flag named)', () => {
  test.each([
    [['drill', '--env', 'dev'], 'drill needs --scenario <network-disruption|aurora-writer-failover>'],
    [
      ['drill', '--env', 'dev', '--scenario', 'flood'],
      '--scenario must be one of network-disruption, aurora-writer-failover (got "flood")',
    ],
    [
      ['drill', '--env', 'dev', '--scenario', 'network-disruption', '--to', 'us-west-2'],
      'drill takes only --env, --scenario, --report, --dry-run and --yes',
    ],
    [['drill', '--env', 'dev', '--scenario', 'network-disruption', '--report'], '--report needs a value'],
    [['drill', '--env', 'dev', '--scenario', 'network-disruption', '--report', ' '], '--report needs a file path'],
    [['status', '--env', 'dev', '--scenario', 'network-disruption'], '--scenario and --report are for drill'],
    [['drill', '--scenario', 'network-disruption'], '--env is required'],
  ])('%j', async (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
    const { fis, calls } = mockedFis(['completed']);
    const run = await runDrill(argv, fis);
    expect(run.code).toBe(64);
    expect(run.output).toContain(`error: ${message}`);
    expect(calls).toEqual([]);
  });
});
