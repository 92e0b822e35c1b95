import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { performance } from 'node:perf_hooks';
import type { HealthProbe } from '../../../functions/failover-controller/decision';
import type { CloudWatchApi } from '../../../functions/failover-controller/evidence';
import { writeHeartbeat } from '../../../functions/failover-controller/heartbeat';
import type { LocalDynamoDb } from '../../../functions/local/dynamodb';
import { worstCaseCallMs } from '../../../functions/shared/aws-clients';
import type { Region } from '../../../functions/shared/config';
import type { DynamoDbItemApi } from '../../../functions/shared/fencing';
import { ACTIVE_REGION_ID, initialiseActiveRegion, readActiveRegion, readActiveRegionRecord } from '../../../functions/shared/fencing';
import { parseArgs, UsageError } from '../../../cli/dr/args';
import type { DrAws } from '../../../cli/dr/aws';
import { sdkClients } from '../../../cli/dr/aws';
import { runCli } from '../../../cli/dr/cli';
import { explainAwsError } from '../../../cli/dr/errors';
import { drNames } from '../../../cli/dr/names';
import { createDrStateTable, localDynamoDb, recordedMeanwhile, startDrStateDynamoDb } from '../../support/functions/dr-state';
import { awsError, clusterArn, FakeAuroraGlobal } from '../../support/functions/fake-aws';
import type { Moto } from '../../support/functions/moto';
import { startMoto } from '../../support/functions/moto';
import { motoAurora, putReplicationLag } from '../../support/functions/moto-fixtures';

const OPERATOR = 'dr-cli oncall@laptop';
const USW2_ARN = clusterArn('us-west-2', 'aurora-usw2-dev');
const USE1_ARN = clusterArn('us-east-1', 'aurora-use1-dev');
const MUTATING = ['SwitchoverGlobalClusterCommand', 'FailoverGlobalClusterCommand'];

let dynamo: LocalDynamoDb;
let documents: DynamoDBClient;
let moto: Moto;
let tables = 0;
const closers: (() => void)[] = [];

beforeAll(async () => {
  [dynamo, moto] = await Promise.all([startDrStateDynamoDb(), startMoto()]);
  documents = localDynamoDb(dynamo.endpoint);
});

afterAll(async () => {
  closers.forEach((close) => close());
  documents?.destroy();
  await Promise.all([dynamo?.close(), moto?.stop()]);
});

/**
 * One `dr` run: the RDS control plane of both regions is a MOCK (FakeAuroraGlobal: moto has no
 * FailoverGlobalCluster / SwitchoverGlobalCluster, FailoverState or SynchronizationStatus);
 * CloudWatch of each region is moto's (the lag datapoints are put there); the DR state table is on
 * dynalite (one table stands for both replicas of the MRSC table; the fence starts at us-east-1,
 * epoch 1, unless `fence: 'missing'`); /health answers and stdin answers are given.
 */
async function harness(
  options: {
    lagMs?: number;
    engineVersions?: [string, string];
    health?: Partial<Record<Region, HealthProbe>>;
    dynamodb?: (real: DynamoDbItemApi) => DynamoDbItemApi;
    fence?: 'missing';
  } = {},
) {
  await moto.reset();
  const table = `dr-state-use1-cli${(tables += 1)}`;
  await createDrStateTable(dynamo.endpoint, table);
  if (options.fence !== 'missing')
    await initialiseActiveRegion(documents, table, {
      activeRegion: 'us-east-1',
      epoch: 1,
      reason: 'initial',
      decidedBy: 'jest',
      updatedAt: new Date('2025-05-01T00:00:00Z'),
    });
  const aurora = FakeAuroraGlobal.standard('dev', options.engineVersions);
  if (options.lagMs !== undefined)
    await putReplicationLag(moto, 'us-west-2', 'aurora-usw2-dev', options.lagMs, new Date(Date.now() - 30_000));
  const cloudwatchRegions: string[] = [];
  const cloudwatchClients = new Map<string, CloudWatchClient>();
  closers.push(() => cloudwatchClients.forEach((client) => client.destroy()));
  const cloudwatch = (region: Region): CloudWatchApi => {
    if (!cloudwatchClients.has(region)) cloudwatchClients.set(region, new CloudWatchClient(moto.client(region)));
    const client = cloudwatchClients.get(region) as CloudWatchClient;
    return {
      send: (command, sendOptions) => {
        cloudwatchRegions.push(region);
        return client.send(command, sendOptions);
      },
    };
  };
  const dynamodbRegions: string[] = [];
  const replica = options.dynamodb ? options.dynamodb(documents) : documents;
  const aws: DrAws = {
    rds: (region) => aurora.rds(region),
    cloudwatch,
    dynamodb: (region) => {
      dynamodbRegions.push(region);
      if (aurora.unreachable.has(region))
        return {
          send: async () => Promise.reject(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError', code: 'ETIMEDOUT' })),
        };
      return replica as DrAws['dynamodb'] extends (region: Region) => infer T ? T : never;
    },
  };
  const lines: string[] = [];
  const questions: string[] = [];
  let answers: string[] = [];
  const probes: string[] = [];
  const healthy: HealthProbe = { ok: true, ready: true, status: 200, latencyMs: 42, attempts: 1 };
  const run = (...argv: string[]) =>
    runCli(argv, {
      aws,
      io: {
        print: (line = '') => lines.push(line),
        ask: async (question) => {
          questions.push(question);
          return answers.shift() ?? '';
        },
      },
      // the lag datapoints are stamped with the wall clock (moto keeps them as given)
      now: () => new Date(),
      operator: OPERATOR,
      probe: async (url) => {
        probes.push(url);
        const region = url.includes('api-use1-') ? 'us-east-1' : 'us-west-2';
        return options.health?.[region] ?? healthy;
      },
      names: (env) => ({ ...drNames(env), drStateTable: table }),
    });
  return {
    aurora,
    table,
    run,
    output: () => lines.join('\n'),
    questions,
    probes,
    dynamodbRegions,
    cloudwatchRegions,
    answer: (...given: string[]) => {
      answers = given;
    },
    /** Puts the record as it would be after earlier moves (test setup: written directly). */
    record: (activeRegion: Region, epoch: number) =>
      documents.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            id: { S: ACTIVE_REGION_ID },
            activeRegion: { S: activeRegion },
            epoch: { N: String(epoch) },
            updatedAt: { S: '2025-05-01T00:00:00.000Z' },
            reason: { S: 'earlier' },
            decidedBy: { S: 'jest' },
          },
        }),
      ),
    active: () => readActiveRegion(documents, table),
    mutations: () => aurora.calls.filter((call) => MUTATING.includes(call.command)),
    /** No switchover or failover was called and no new epoch recorded. */
    async expectNothingChanged() {
      expect(aurora.calls.filter((call) => MUTATING.includes(call.command))).toEqual([]);
      expect((await readActiveRegion(documents, table)).epoch).toBe(1);
    },
  };
}

describe('dr status (mock RDS control plane; CloudWatch on moto; DR state on dynalite)', () => {
  test(
    "shows both clusters' roles from DescribeGlobalClusters, the lag from CloudWatch " +
      'in us-west-2, /health of both regional hostnames, and the active region + epoch',
    async () => {
      const h = await harness({
        lagMs: 120,
        health: {
          'us-east-1': { ok: false, ready: false, status: 503, failure: 'status', detail: 'failing database', latencyMs: 80, attempts: 1 },
        },
      });
      await writeHeartbeat(documents, h.table, {
        region: 'us-east-1',
        beatAt: new Date(Date.now() - 20_000).toISOString(),
        ready: false,
        activeRegion: 'us-east-1',
        epoch: 1,
      });

      const code = await h.run('status', '--env', 'dev');

      expect(code).toBe(0);
      const output = h.output();
      expect(output).toContain('Database (aurora-global-use1-dev, read in us-west-2): available');
      expect(output).toContain('us-east-1  aurora-use1-dev  WRITER  engine 14.15  available  connected');
      expect(output).toMatch(
        /us-west-2 {2}aurora-usw2-dev {2}reader {2}engine 14\.15 {2}available {2}connected {2}replication lag 120 ms at \d{4}-\d\d-\d\dT/,
      );
      expect(output).toContain('us-east-1  UNHEALTHY  HTTP 503 (failing database)  https://api-use1-dev.dev.payments.example.com/health');
      expect(output).toContain('us-west-2  healthy  HTTP 200 in 42 ms  https://api-usw2-dev.dev.payments.example.com/health');
      expect(output).toContain('us-east-1 at epoch 1, since 2025-05-01T00:00:00.000Z by jest: initial');
      expect(output).toContain('us-east-1  fresh (20 s ago, not ready)');
      expect(output).toContain('us-west-2  none (its controller has not run)');
      expect(h.probes.sort()).toEqual([
        'https://api-use1-dev.dev.payments.example.com/health',
        'https://api-usw2-dev.dev.payments.example.com/health',
      ]);
      expect(h.cloudwatchRegions).toEqual(['us-west-2']);
      expect(h.aurora.calls[0]).toMatchObject({ region: 'us-west-2', command: 'DescribeGlobalClustersCommand' });
      expect(h.mutations()).toEqual([]);
    },
  );

  test('with us-east-1 unreachable it still reports, from us-west-2', async () => {
    const h = await harness({ lagMs: 120 });
    h.aurora.unreachable.add('us-east-1');
    await h.record('us-west-2', 2);

    expect(await h.run('status', '--env', 'dev')).toBe(0);

    expect(h.output()).toContain(
      'us-east-1  aurora-use1-dev  WRITER  unreachable: could not reach AWS in us-east-1 for rds:DescribeDBClusters (ETIMEDOUT)',
    );
    expect(h.output()).toContain('us-west-2 at epoch 2, since 2025-05-01T00:00:00.000Z by jest: earlier');
  });

  test('warns when the active-region record and the Aurora writer disagree', async () => {
    const h = await harness({ lagMs: 120 });
    await h.record('us-west-2', 2);

    await h.run('status', '--env', 'dev');

    expect(h.output()).toContain(
      '! the active-region record says us-west-2 but the Aurora writer is in us-east-1: webhooks in us-east-1 refuse writes',
    );
  });
});

describe("dr status against moto's RDS (the describe calls moto implements)", () => {
  test("roles, engine versions and states come from DescribeGlobalClusters / DescribeDBClusters in each member's region", async () => {
    const h = await harness({ lagMs: 120 });
    const aurora = await motoAurora(moto);
    try {
      const lines: string[] = [];
      const code = await runCli(['status', '--env', 'dev'], {
        aws: {
          rds: (region) => aurora.rds(region),
          cloudwatch: (region) => new CloudWatchClient(moto.client(region)),
          dynamodb: () => documents,
        },
        io: { print: (line = '') => lines.push(line), ask: async () => '' },
        probe: async () => ({ ok: true, ready: true, status: 200, latencyMs: 1, attempts: 1 }),
        names: (env) => ({ ...drNames(env), drStateTable: h.table }),
      });
      const output = lines.join('\n');
      expect(code).toBe(0);
      expect(output).toContain('Database (aurora-global-use1-dev, read in us-west-2): available');
      expect(output).toContain('us-east-1  aurora-use1-dev  WRITER  engine 14.15  available');
      expect(output).toMatch(/us-west-2 {2}aurora-usw2-dev {2}reader {2}engine 14\.15 {2}available {2}replication lag 120 ms/);
    } finally {
      aurora.close();
    }
  });
});

describe('dr status without a fence record', () => {
  test('says so and how to record it (exit 1: the environment accepts nothing)', async () => {
    const h = await harness({ lagMs: 120, fence: 'missing' });
    expect(await h.run('status', '--env', 'dev')).toBe(1);
    expect(h.output()).toContain('Active region (dr-state-use1-cli');
    expect(h.output()).toContain('NO RECORD');
    expect(h.output()).toContain(
      '! the active-region record is missing: every region refuses payments. Record it: npm run dr -- init --env dev',
    );
  });
});

describe('dr switchover (mock RDS control plane; CloudWatch on moto; DR state on dynalite)', () => {
  test('--dry-run prints the checks and the plan and calls nothing that changes state', async () => {
    const h = await harness({ lagMs: 120 });

    const code = await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--dry-run');

    expect(code).toBe(0);
    const output = h.output();
    expect(output).toContain(
      'Switchover of aurora-global-use1-dev to us-west-2: planned, waits for replication to catch up, no data loss (RPO 0)',
    );
    expect(output).toContain('ok    replication lag of aurora-usw2-dev 120 ms (threshold 1000 ms)');
    expect(output).toContain('ok    engine versions match: aurora-use1-dev 14.15, aurora-usw2-dev 14.15');
    // fence first, then the database
    expect(output).toContain('1. record the active region us-west-2 at epoch 2 in dr-state-use1-cli');
    expect(output).toContain(
      '(us-west-2 replica), only if it still holds epoch 1; currently ' +
        'us-east-1 at epoch 1, since 2025-05-01T00:00:00.000Z by jest: initial',
    );
    expect(output).toContain(
      `2. rds:SwitchoverGlobalCluster in us-west-2: GlobalClusterIdentifier=aurora-global-use1-dev TargetDbClusterIdentifier=${USW2_ARN}`,
    );
    expect(output).toContain('dry run: nothing was changed');
    expect(h.questions).toEqual([]);
    await h.expectNothingChanged();
    expect(await h.active()).toMatchObject({ activeRegion: 'us-east-1', epoch: 1 });
  });

  test.each([
    ['replication lag above the threshold', { lagMs: 4000 }, 'replication lag of aurora-usw2-dev 4000 ms (threshold 1000 ms)'],
    [
      'replication lag unknown (no datapoint)',
      {},
      'replication lag of aurora-usw2-dev is unknown (unknown, no datapoint in the last 3 minutes)',
    ],
    [
      'engine versions that differ',
      { lagMs: 120, engineVersions: ['14.15', '14.12'] as [string, string] },
      'engine versions differ: aurora-use1-dev 14.15, aurora-usw2-dev 14.12',
    ],
  ])('refuses with %s (exit 2), even with --yes, and changes nothing', async (_case, options, reason) => {
    const h = await harness(options);

    const code = await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes');

    expect(code).toBe(2);
    expect(h.output()).toContain(`refused: ${reason}`);
    expect(h.output()).toContain('use failover --to us-west-2 --allow-data-loss');
    await h.expectNothingChanged();
  });

  test('refuses while the global cluster is busy with another failover', async () => {
    const h = await harness({ lagMs: 120 });
    h.aurora.failoverState = { Status: 'failing-over', FromDbClusterArn: USE1_ARN, ToDbClusterArn: USW2_ARN, IsDataLossAllowed: false };

    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(2);
    expect(h.output()).toContain('the global cluster is busy (available, failing-over to');
  });

  test.each([['no'], ['']])('asks for confirmation; answering %j aborts and changes nothing', async (answer) => {
    const h = await harness({ lagMs: 120 });
    h.answer(answer);

    const code = await h.run('switchover', '--env', 'dev', '--to', 'us-west-2');

    expect(code).toBe(1);
    expect(h.questions).toEqual(['Proceed in dev? Type "yes" to continue: ']);
    expect(h.output()).toContain('aborted: nothing was changed');
    await h.expectNothingChanged();
  });

  test('--yes records us-west-2 at epoch + 1 FIRST, then calls SwitchoverGlobalCluster in us-west-2 with the cluster ARN', async () => {
    const journal: string[] = [];
    const h = await harness({
      lagMs: 120,
      dynamodb: (real) => ({
        send: async (command, options) => {
          if (command instanceof PutItemCommand && command.input.Item?.id?.S === ACTIVE_REGION_ID)
            journal.push('dynamodb PutItem active-region');
          return real.send(command, options);
        },
      }),
    });
    await h.record('us-east-1', 3);
    h.aurora.journal = journal;

    const code = await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes');

    expect(code).toBe(0);
    expect(journal.filter((entry) => entry.startsWith('dynamodb') || entry.includes('Switchover'))).toEqual([
      'dynamodb PutItem active-region',
      'rds SwitchoverGlobalClusterCommand us-west-2',
    ]);
    expect(h.questions).toEqual([]);
    expect(h.mutations()).toEqual([
      {
        region: 'us-west-2',
        command: 'SwitchoverGlobalClusterCommand',
        input: { GlobalClusterIdentifier: 'aurora-global-use1-dev', TargetDbClusterIdentifier: USW2_ARN },
      },
    ]);
    expect(h.aurora.writer()?.region).toBe('us-west-2');
    expect(await h.active()).toMatchObject({ activeRegion: 'us-west-2', epoch: 4, decidedBy: OPERATOR, reason: 'switchover to us-west-2' });
    expect(h.output()).toContain('recorded: us-west-2 is the active region at epoch 4');
    expect(new Set(h.dynamodbRegions)).toEqual(new Set(['us-west-2']));
  });

  test('typing "yes" at the prompt runs it; failback to us-east-1 afterwards increments the epoch again', async () => {
    const h = await harness({ lagMs: 120 });
    h.answer('yes');
    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2')).toBe(0);
    expect(await h.active()).toMatchObject({ activeRegion: 'us-west-2', epoch: 2 });

    // after the switch the secondary is us-east-1: its lag is published in us-east-1
    await putReplicationLag(moto, 'us-east-1', 'aurora-use1-dev', 80, new Date(Date.now() - 30_000));
    h.answer('yes');
    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-east-1')).toBe(0);

    expect(h.mutations().map((call) => [call.region, call.input.TargetDbClusterIdentifier])).toEqual([
      ['us-west-2', USW2_ARN],
      ['us-east-1', USE1_ARN],
    ]);
    expect(await h.active()).toMatchObject({ activeRegion: 'us-east-1', epoch: 3 });
  });

  test('with the writer already in the target region but the record behind, it only records (no RDS call)', async () => {
    const h = await harness({ lagMs: 120 });
    h.aurora.members.forEach((member) => (member.isWriter = member.region === 'us-west-2'));

    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(0);

    expect(h.mutations()).toEqual([]);
    expect(await h.active()).toMatchObject({
      activeRegion: 'us-west-2',
      epoch: 2,
      reason: 'switchover to us-west-2: the writer was already there',
    });
    // and again: nothing to do
    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(0);
    expect(h.output()).toContain('nothing to do: aurora-usw2-dev is already the writer and us-west-2 the recorded active region (epoch 2)');
  });

  test(
    'with the record already naming the target but the writer elsewhere ' +
      '(a move whose database step failed), it only moves the database',
    async () => {
      const h = await harness({ lagMs: 120 });
      await h.record('us-west-2', 2);

      expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(0);

      expect(h.output()).toContain(
        'us-west-2 is already the recorded active region (epoch 2), but the writer is still elsewhere: only the database is moved.',
      );
      expect(h.mutations()).toHaveLength(1);
      expect(await h.active()).toMatchObject({ activeRegion: 'us-west-2', epoch: 2, reason: 'earlier' });
    },
  );

  test('refuses without a fence record, pointing at dr init', async () => {
    const h = await harness({ lagMs: 120, fence: 'missing' });
    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(2);
    expect(h.output()).toContain('refused: the active-region record is missing from dr-state-use1-cli');
    expect(h.output()).toContain('npm run dr -- init --env dev');
    expect(h.mutations()).toEqual([]);
  });
});

describe('dr failover (mock RDS control plane; CloudWatch on moto; DR state on dynalite)', () => {
  test(
    '--allow-data-loss with us-east-1 unreachable: touches only us-west-2, calls ' +
      'FailoverGlobalCluster(AllowDataLoss) with the usw2 ARN, records epoch + 1',
    async () => {
      const h = await harness();
      h.aurora.unreachable.add('us-east-1');

      const code = await h.run('failover', '--env', 'dev', '--to', 'us-west-2', '--allow-data-loss', '--yes');

      expect(code).toBe(0);
      expect(h.output()).toContain('ALLOWING DATA LOSS');
      expect(h.output()).toContain('replication lag of aurora-usw2-dev: unknown, no datapoint in the last 3 minutes');
      expect(h.mutations()).toEqual([
        {
          region: 'us-west-2',
          command: 'FailoverGlobalClusterCommand',
          input: { GlobalClusterIdentifier: 'aurora-global-use1-dev', TargetDbClusterIdentifier: USW2_ARN, AllowDataLoss: true },
        },
      ]);
      expect(h.aurora.calls.every((call) => call.region === 'us-west-2')).toBe(true);
      expect(h.cloudwatchRegions.every((region) => region === 'us-west-2')).toBe(true);
      expect(new Set(h.dynamodbRegions)).toEqual(new Set(['us-west-2']));
      expect(await h.active()).toMatchObject({
        activeRegion: 'us-west-2',
        epoch: 2,
        reason: 'failover-allow-data-loss to us-west-2 allowing data loss',
        decidedBy: OPERATOR,
      });
    },
  );

  test('--allow-data-loss refuses a target that is resynchronizing (pending-resync), even with --yes, and changes nothing', async () => {
    const h = await harness();
    h.aurora.unreachable.add('us-east-1');
    const target = h.aurora.members.find((member) => member.region === 'us-west-2');
    if (target) target.synchronizationStatus = 'pending-resync';

    expect(await h.run('failover', '--env', 'dev', '--to', 'us-west-2', '--allow-data-loss', '--yes')).toBe(2);

    expect(h.output()).toContain("FAIL  aurora-usw2-dev is resynchronizing (pending-resync): it does not hold the writer's data yet");
    await h.expectNothingChanged();
  });

  test(
    'without --allow-data-loss it uses the no-data-loss variant ' + '(FailoverGlobalCluster Switchover=true) after the switchover checks',
    async () => {
      const h = await harness({ lagMs: 300 });

      expect(await h.run('failover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(0);

      expect(h.mutations()).toEqual([
        {
          region: 'us-west-2',
          command: 'FailoverGlobalClusterCommand',
          input: { GlobalClusterIdentifier: 'aurora-global-use1-dev', TargetDbClusterIdentifier: USW2_ARN, Switchover: true },
        },
      ]);
      expect(h.output()).toContain('engine versions match');
    },
  );

  test('without --allow-data-loss and us-east-1 unreachable it refuses and points at --allow-data-loss', async () => {
    const h = await harness({ lagMs: 300 });
    h.aurora.unreachable.add('us-east-1');

    expect(await h.run('failover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(2);

    expect(h.output()).toContain('refused: cannot read aurora-use1-dev: could not reach AWS in us-east-1');
    expect(h.output()).toContain('use failover --to us-west-2 --allow-data-loss');
    expect(h.mutations()).toEqual([]);
  });

  test('--dry-run with --allow-data-loss prints the plan and changes nothing', async () => {
    const h = await harness();

    expect(await h.run('failover', '--env', 'dev', '--to', 'us-west-2', '--allow-data-loss', '--dry-run')).toBe(0);

    expect(h.output()).toContain(
      `2. rds:FailoverGlobalCluster in us-west-2: GlobalClusterIdentifier=aurora-global-use1-dev ` +
        `TargetDbClusterIdentifier=${USW2_ARN} AllowDataLoss=true`,
    );
    await h.expectNothingChanged();
  });
});

describe('dr: AWS errors in plain words (mock RDS control plane)', () => {
  test('a busy global cluster after the fence moved: says the database did not move and how to finish; the re-run moves it', async () => {
    const h = await harness({ lagMs: 120 });
    h.aurora.failNext.set(
      'SwitchoverGlobalClusterCommand',
      awsError('InvalidGlobalClusterStateFault', 'Global cluster is in modifying state.'),
    );

    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(1);

    expect(h.output()).toContain(
      'error: the global cluster is busy (another switchover/failover?); run status and retry when it is available',
    );
    expect(h.output()).toContain('the database was NOT moved, but us-west-2 is the recorded active region');
    expect(await h.active()).toMatchObject({ activeRegion: 'us-west-2', epoch: 2 });

    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(0);
    expect(h.aurora.writer()?.region).toBe('us-west-2');
    expect((await h.active()).epoch).toBe(2);
  });

  test('access denied names the permission, the resource and the region', async () => {
    const h = await harness();
    h.aurora.failNext.set(
      'FailoverGlobalClusterCommand',
      awsError(
        'AccessDenied',
        'User: arn:aws:sts::111122223333:assumed-role/ops/me is not authorized to perform: rds:FailoverGlobalCluster',
      ),
    );

    expect(await h.run('failover', '--env', 'dev', '--to', 'us-west-2', '--allow-data-loss', '--yes')).toBe(1);

    expect(h.output()).toContain(
      'error: access denied: your credentials may not call rds:FailoverGlobalCluster on aurora-global-use1-dev in us-west-2',
    );
  });

  test('throttling while reading the global cluster', async () => {
    const h = await harness();
    h.aurora.failNext.set('DescribeGlobalClustersCommand', awsError('Throttling', 'Rate exceeded'));

    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(1);

    expect(h.output()).toContain('error: AWS is throttling rds:DescribeGlobalClusters in us-west-2; wait a minute and retry');
  });

  test('a record that moved on meanwhile (someone else decided) is reported, not overwritten', async () => {
    const h = await harness({
      lagMs: 120,
      dynamodb: (real) =>
        recordedMeanwhile(real, { activeRegion: 'us-west-2', epoch: 2, reason: 'controller', decidedBy: 'failover-controller@us-west-2' }),
    });

    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(1);

    expect(h.output()).toContain(
      'not recorded: the active-region record no longer holds epoch 1 (someone else decided meanwhile, or it is missing); run status',
    );
    expect(h.output()).toContain('the database was not moved');
    expect(h.mutations()).toEqual([]);
    expect(await h.active()).toMatchObject({ decidedBy: 'failover-controller@us-west-2' });
  });

  test('a record that could not be written says what to do', async () => {
    const h = await harness({
      lagMs: 120,
      dynamodb: (real) => ({
        send: async (command, options) => {
          if (command instanceof PutItemCommand) throw awsError('ProvisionedThroughputExceededException', 'slow down');
          return real.send(command, options);
        },
      }),
    });

    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(1);

    // fence first: a record that fails moves nothing
    expect(h.aurora.writer()?.region).toBe('us-east-1');
    expect(h.mutations()).toEqual([]);
    expect(h.output()).toContain("the active region was NOT recorded (nothing changed in us-west-2's role)");
    expect(h.output()).toContain('error: AWS is throttling dynamodb:PutItem in us-west-2');
  });

  test.each([
    ['GlobalClusterNotFoundFault', 'global cluster aurora-global-use1-dev was not found in us-west-2: check --env'],
    ['DBClusterNotFoundFault', 'cluster aurora-global-use1-dev was not found in us-west-2'],
    ['InvalidDBClusterStateFault', 'a member cluster is not in a state that allows this'],
    ['ExpiredTokenException', 'no valid AWS credentials (ExpiredTokenException): sign in again'],
    ['ResourceNotFoundException', 'was not found in us-west-2: the DR state global table must exist'],
    ['SomethingNew', 'rds:SwitchoverGlobalCluster on aurora-global-use1-dev in us-west-2 failed: SomethingNew: details'],
  ])('%s is explained', (name, expected) => {
    expect(
      explainAwsError(awsError(name, 'details'), {
        action: 'rds:SwitchoverGlobalCluster',
        resource: 'aurora-global-use1-dev',
        region: 'us-west-2',
      }),
    ).toContain(expected);
  });
});

describe('dr: arguments and names', () => {
  test('names follow the project convention and the environment config', () => {
    expect(drNames('dev')).toEqual({
      environmentSuffix: 'dev',
      accountId: '111122223333',
      globalClusterId: 'aurora-global-use1-dev',
      clusterIds: { 'us-east-1': 'aurora-use1-dev', 'us-west-2': 'aurora-usw2-dev' },
      drStateTable: 'dr-state-use1-dev',
      idempotencyTable: 'idempotency-use1-dev',
      healthUrls: {
        'us-east-1': 'https://api-use1-dev.dev.payments.example.com/health',
        'us-west-2': 'https://api-usw2-dev.dev.payments.example.com/health',
      },
      replicationLagThresholdMs: 1000,
      auroraInstancesPerRegion: 1,
    });
  });

  test.each([
    [[], 'a command is required'],
    [['promote', '--env', 'dev'], 'unknown command "promote"'],
    [['status'], '--env is required'],
    [['switchover', '--env', 'dev'], 'switchover needs --to <us-east-1|us-west-2>'],
    [['failover', '--env', 'dev', '--to', 'eu-west-1'], '--to must be one of us-east-1, us-west-2 (got "eu-west-1")'],
    [
      ['switchover', '--env', 'dev', '--to', 'us-west-2', '--allow-data-loss'],
      'a switchover never loses data: use failover --allow-data-loss',
    ],
    [['status', '--env', 'dev', '--force'], 'unknown option "--force"'],
    [['status', '--env'], '--env needs a value'],
    [['status', 'extra', '--env', 'dev'], 'unexpected argument "extra"'],
    [['reconcile', '--env', 'dev'], 'reconcile needs --since <ISO time> (e.g. a few minutes before the failover)'],
    [
      ['reconcile', '--env', 'dev', '--since', 'yesterday'],
      '--since must be an ISO 8601 time such as 2025-06-01T12:00:00Z (got "yesterday")',
    ],
    [['reconcile', '--env', 'dev', '--since', '2025-06-01T12:00:00Z', '--until', '2025-06-01T11:00:00Z'], '--until must be after --since'],
    [['init', '--env', 'dev', '--region', 'eu-west-1'], '--region must be one of us-east-1, us-west-2 (got "eu-west-1")'],
    [['status', '--env', 'dev', '--region', 'us-east-1'], '--region is for init and reconcile'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new UsageError(message));
  });

  /** runCli with AWS clients that answer nothing: for what the CLI decides before it calls AWS. */
  async function runOffline(argv: string[]): Promise<{ code: number; lines: string[] }> {
    const lines: string[] = [];
    const aws = {
      rds: () => ({ send: async () => ({}) }),
      cloudwatch: () => ({ send: async () => ({ $metadata: {} }) }),
      dynamodb: () => ({ send: async () => ({}) }),
    } as DrAws;
    const code = await runCli(argv, { aws, io: { print: (line = '') => lines.push(line), ask: async () => '' } });
    return { code, lines };
  }

  test('--help prints the usage and exits 0, whatever else is given', async () => {
    for (const argv of [['--help'], ['status', '--help'], ['failover', '--env', 'dev', '--help']]) {
      const { code, lines } = await runOffline(argv);
      expect(code).toBe(0);
      expect(lines.join('\n')).toContain('usage: npm run dr -- <command> --env <env> [options]');
    }
  });

  test('--key=value works too; usage errors and unknown environments exit 64', async () => {
    expect(parseArgs(['failover', '--env=dev', '--to=us-west-2', '--allow-data-loss', '--dry-run'])).toEqual({
      command: 'failover',
      env: 'dev',
      to: 'us-west-2',
      allowDataLoss: true,
      dryRun: true,
      yes: false,
    });
    const h = await harness();
    expect(await h.run('status')).toBe(64);
    expect(h.output()).toContain('usage: npm run dr -- <command> --env <env> [options]');
    const { code, lines } = await runOffline(['status', '--env', 'prod']);
    expect(code).toBe(64);
    expect(lines[0]).toContain('unknown environment "prod"; charts/config/environments.ts declares: dev');
  });
});

describe('dr init (DR state on dynalite)', () => {
  test(
    'a new environment: the plan, then us-east-1 recorded active at epoch ' +
      '1 only where there is no record; a second run has nothing to do',
    async () => {
      const h = await harness({ fence: 'missing' });

      expect(await h.run('init', '--env', 'dev', '--dry-run')).toBe(0);
      expect(h.output()).toContain('no epoch was seen before: a new environment');
      expect(h.output()).toContain('1. record us-east-1 active at epoch 1, only if there is still no record');
      expect(await readActiveRegionRecord(documents, h.table)).toBeUndefined();

      expect(await h.run('init', '--env', 'dev', '--yes')).toBe(0);
      expect(await h.active()).toMatchObject({
        activeRegion: 'us-east-1',
        epoch: 1,
        decidedBy: OPERATOR,
        reason: 'initial record (dr init)',
      });

      expect(await h.run('init', '--env', 'dev', '--yes')).toBe(0);
      expect(h.output()).toContain('nothing to do: the record exists: us-east-1 at epoch 1');
    },
  );

  test(
    'after the record was lost: it starts above the highest epoch ' + 'the heartbeats saw, so readers that saw it do not refuse it',
    async () => {
      const h = await harness({ fence: 'missing' });
      await writeHeartbeat(documents, h.table, {
        region: 'us-west-2',
        beatAt: new Date().toISOString(),
        ready: true,
        activeRegion: 'us-west-2',
        epoch: 5,
      });
      await writeHeartbeat(documents, h.table, {
        region: 'us-east-1',
        beatAt: new Date().toISOString(),
        ready: true,
        activeRegion: 'us-west-2',
        epoch: 4,
      });

      expect(await h.run('init', '--env', 'dev', '--region', 'us-west-2', '--yes')).toBe(0);

      expect(h.output()).toContain('epochs up to 5 were seen before');
      expect(await h.active()).toMatchObject({ activeRegion: 'us-west-2', epoch: 6 });
    },
  );
});

describe(
  'dr reconcile after a failover with data loss (dynalite + embedded PostgreSQL ' +
    '14, idempotency records written by the real webhook; Secrets Manager on moto)',
  () => {
    // loaded lazily: this block needs the whole local stack
    let stack: import('../../../functions/local/stack').LocalStack;
    let webhook: import('../../../functions/shared/lambda').HttpFunction;
    let secrets: { destroy(): void };
    let client: import('pg').Client;

    beforeAll(async () => {
      const [{ startLocalStack }, { createWebhook }, { stackConfig }, { motoSecrets }, { Client }] = await Promise.all([
        import('../../../functions/local/stack'),
        import('../../../functions/webhook/create-webhook'),
        import('../../support/functions/engines'),
        import('../../support/functions/moto-fixtures'),
        import('pg'),
      ]);
      stack = await startLocalStack();
      await moto.reset();
      const secretsManager = await motoSecrets(moto, stack.secrets);
      secrets = secretsManager;
      webhook = createWebhook({ ...stackConfig(stack), logLevel: 'SILENT' }, { secretsManager });
      client = new Client({
        host: stack.postgres.host,
        port: stack.postgres.port,
        user: stack.postgres.user,
        password: stack.postgres.password,
        database: stack.env.DB_NAME,
      });
      await client.connect();
    });

    afterAll(async () => {
      await client?.end();
      await webhook?.close();
      secrets?.destroy();
      await stack?.stop();
    });

    test(
      'finds the records whose payment_events row was lost, --dry-run lists ' +
        'them, --yes removes them, and the redeliveries are applied again, once',
      async () => {
        const { samplePaymentEvent } = await import('../../../functions/local/sample-event');
        const { signedWebhookRequest, invocation } = await import('../../support/functions/requests');
        const deliver = (event: ReturnType<typeof samplePaymentEvent>) =>
          webhook.handle(signedWebhookRequest(JSON.stringify(event), stack.signingSecrets), invocation());
        const since = new Date(Date.now() - 60_000);
        const events = Array.from({ length: 12 }, () => samplePaymentEvent());
        for (const event of events) expect((await deliver(event)).statusCode).toBe(200);
        // the lag window: the last 4 rows did not reach the promoted writer
        const lost = events.slice(-4);
        await client.query('DELETE FROM payment_events WHERE event_id = ANY($1::text[])', [lost.map((event) => event.id)]);

        const lines: string[] = [];
        const dynamodb = localDynamoDb(stack.dynamodb.endpoint);
        const aws: DrAws = {
          rds: () => FakeAuroraGlobal.standard().rds('us-east-1'),
          cloudwatch: () => ({ send: async () => ({ $metadata: {} }) }),
          dynamodb: () => dynamodb,
        };
        const reconcile = (...flags: string[]) =>
          runCli(['reconcile', '--env', 'dev', '--since', since.toISOString(), ...flags], {
            aws,
            io: { print: (line = '') => lines.push(line), ask: async () => '' },
            operator: OPERATOR,
            names: (env) => ({ ...drNames(env), drStateTable: stack.env.DR_STATE_TABLE, idempotencyTable: stack.env.IDEMPOTENCY_TABLE }),
            database: async () => {
              const { Client } = await import('pg');
              const connection = new Client({
                host: stack.postgres.host,
                port: stack.postgres.port,
                user: stack.postgres.user,
                password: stack.postgres.password,
                database: stack.env.DB_NAME,
              });
              await connection.connect();
              return connection as never;
            },
          });
        try {
          expect(await reconcile('--dry-run')).toBe(0);
          const dry = lines.join('\n');
          expect(dry).toContain('12 completed idempotency records in the window; 8 have their payment_events row');
          expect(dry).toContain('4 records have NO row (lost with the replication lag window):');
          for (const event of lost) expect(dry).toContain(event.id);
          expect(dry).toContain('dry run: nothing was changed');
          // a redelivery now would be answered from the record and never stored: that is what reconcile repairs
          expect(JSON.parse((await deliver(lost[0])).body)).toMatchObject({ duplicate: true });
          expect((await client.query('SELECT 1 FROM payment_events WHERE event_id = $1', [lost[0].id])).rowCount).toBe(0);

          lines.length = 0;
          expect(await reconcile('--yes')).toBe(0);
          expect(lines.join('\n')).toContain('removed 4 records.');

          for (const event of lost) expect(JSON.parse((await deliver(event)).body)).toMatchObject({ received: true, duplicate: false });
          expect(JSON.parse((await deliver(events[0])).body)).toMatchObject({ duplicate: true });
          const rows = await client.query<{ event_id: string; n: number }>(
            'SELECT event_id, count(*)::int AS n FROM payment_events WHERE event_id = ANY($1::text[]) GROUP BY event_id',
            [events.map((event) => event.id)],
          );
          expect(rows.rows.filter((row) => row.n === 1)).toHaveLength(12);

          lines.length = 0;
          expect(await reconcile('--yes')).toBe(0);
          expect(lines.join('\n')).toContain('nothing to do: every acknowledged event of the window is in payment_events');
        } finally {
          dynamodb.destroy();
        }
      },
    );
  },
);

describe('dr: nothing hangs', () => {
  test('a SIGSTOPped DynamoDB (port open, no answer): status ends within the client bounds, saying the fence is unreadable', async () => {
    const h = await harness({ lagMs: 120 });
    const timeouts = { connectionTimeoutMs: 300, requestTimeoutMs: 600, maxAttempts: 2 };
    const clients = sdkClients({ endpoint: dynamo.endpoint, timeouts });
    const lines: string[] = [];
    await dynamo.pause();
    try {
      const started = performance.now();
      const code = await runCli(['status', '--env', 'dev'], {
        aws: {
          rds: (region) => h.aurora.rds(region),
          cloudwatch: (region) => new CloudWatchClient(moto.client(region)),
          dynamodb: clients.dynamodb,
        },
        io: { print: (line = '') => lines.push(line), ask: async () => '' },
        probe: async () => ({ ok: true, ready: true, status: 200, latencyMs: 1, attempts: 1 }),
        names: (env) => ({ ...drNames(env), drStateTable: h.table }),
      });
      const elapsed = performance.now() - started;
      expect(code).toBe(1);
      expect(lines.join('\n')).toContain(`Active region (${h.table}): unreadable`);
      // two regions read one after the other, each call bounded
      expect(elapsed).toBeLessThan(2 * worstCaseCallMs(timeouts) + 1000);
    } finally {
      await dynamo.resume();
      clients.destroy();
    }
  });
});
