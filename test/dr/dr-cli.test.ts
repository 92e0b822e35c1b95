import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { HealthProbe } from '../../functions/failover-controller/decision';
import type { LocalDynamoDb } from '../../functions/local/dynamodb';
import type { Region } from '../../functions/shared/config';
import type { DynamoDbItemApi } from '../../functions/shared/fencing';
import { ACTIVE_REGION_ID, readActiveRegion, recordActiveRegion } from '../../functions/shared/fencing';
import { parseArgs, UsageError } from '../../scripts/dr/args';
import type { DrAws } from '../../scripts/dr/aws';
import { runCli } from '../../scripts/dr/cli';
import { explainAwsError } from '../../scripts/dr/errors';
import { drNames } from '../../scripts/dr/names';
import { createDrStateTable, localDynamoDb, startDrStateDynamoDb } from '../functions/support/dr-state';
import { awsError, clusterArn, FakeAuroraGlobal, FakeCloudWatch } from '../functions/support/fake-aws';

const NOW = new Date('2025-06-01T12:00:00Z');
const OPERATOR = 'dr-cli oncall@laptop';
const USW2_ARN = clusterArn('us-west-2', 'aurora-usw2-dev');
const USE1_ARN = clusterArn('us-east-1', 'aurora-use1-dev');
const MUTATING = ['SwitchoverGlobalClusterCommand', 'FailoverGlobalClusterCommand'];

let dynamo: LocalDynamoDb;
let documents: DynamoDBClient;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDrStateDynamoDb();
  documents = localDynamoDb(dynamo.endpoint);
});

afterAll(async () => {
  documents?.destroy();
  await dynamo?.close();
});

/**
 * One `dr` run against fakes: the RDS control plane and CloudWatch of both regions (no local engine:
 * FakeAuroraGlobal / FakeCloudWatch), the DR state table on dynalite (one table stands for both
 * replicas), /health answers, and stdin answers.
 */
async function harness(options: { lagMs?: number; engineVersions?: [string, string]; health?: Partial<Record<Region, HealthProbe>>; dynamodb?: (real: DynamoDbItemApi) => DynamoDbItemApi } = {}) {
  const table = `dr-state-use1-cli${(tables += 1)}`;
  await createDrStateTable(dynamo.endpoint, table);
  const aurora = FakeAuroraGlobal.standard('dev', options.engineVersions);
  const cloudwatch = new FakeCloudWatch();
  if (options.lagMs !== undefined) cloudwatch.setLag('us-west-2', 'aurora-usw2-dev', options.lagMs, new Date(NOW.getTime() - 30_000));
  const dynamodbRegions: string[] = [];
  const replica = options.dynamodb ? options.dynamodb(documents) : documents;
  const aws: DrAws = {
    rds: (region) => aurora.rds(region),
    cloudwatch: (region) => cloudwatch.cloudwatch(region),
    dynamodb: (region) => {
      dynamodbRegions.push(region);
      if (aurora.unreachable.has(region)) return { send: async () => Promise.reject(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError', code: 'ETIMEDOUT' })) };
      return replica;
    },
  };
  const lines: string[] = [];
  const questions: string[] = [];
  let answers: string[] = [];
  const probes: string[] = [];
  const healthy: HealthProbe = { ok: true, status: 200, latencyMs: 42, attempts: 1 };
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
      now: () => NOW,
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
    cloudwatch,
    table,
    run,
    output: () => lines.join('\n'),
    questions,
    probes,
    dynamodbRegions,
    answer: (...given: string[]) => {
      answers = given;
    },
    record: (activeRegion: Region, epoch: number) => recordActiveRegion(documents, table, { activeRegion, epoch, reason: 'earlier', decidedBy: 'jest', updatedAt: new Date('2025-05-01T00:00:00Z') }),
    active: () => readActiveRegion(documents, table),
    mutations: () => aurora.calls.filter((call) => MUTATING.includes(call.command)),
    /** No switchover or failover was called and no new epoch recorded. */
    async expectNothingChanged() {
      expect(aurora.calls.filter((call) => MUTATING.includes(call.command))).toEqual([]);
      expect((await readActiveRegion(documents, table)).epoch).toBe(0);
    },
  };
}

describe('dr status (mock RDS control plane, mock CloudWatch; DR state on dynalite)', () => {
  test('shows both clusters\' roles from DescribeGlobalClusters, the lag from CloudWatch in us-west-2, /health of both regional hostnames, and the active region + epoch', async () => {
    const h = await harness({ lagMs: 120, health: { 'us-east-1': { ok: false, status: 503, failure: 'status', detail: 'failing database', latencyMs: 80, attempts: 1 } } });

    const code = await h.run('status', '--env', 'dev');

    expect(code).toBe(0);
    const output = h.output();
    expect(output).toContain('Database (aurora-global-use1-dev, read in us-west-2): available');
    expect(output).toContain('us-east-1  aurora-use1-dev  WRITER  engine 14.15  available  connected');
    expect(output).toContain('us-west-2  aurora-usw2-dev  reader  engine 14.15  available  connected  replication lag 120 ms at 2025-06-01T11:59:30.000Z');
    expect(output).toContain('us-east-1  UNHEALTHY  HTTP 503 (failing database)  https://api-use1-dev.dev.payments.example.com/health');
    expect(output).toContain('us-west-2  healthy  HTTP 200 in 42 ms  https://api-usw2-dev.dev.payments.example.com/health');
    expect(output).toContain('us-east-1 at epoch 0 (no failover recorded)');
    expect(h.probes.sort()).toEqual(['https://api-use1-dev.dev.payments.example.com/health', 'https://api-usw2-dev.dev.payments.example.com/health']);
    expect(h.cloudwatch.calls.map((call) => call.region)).toEqual(['us-west-2']);
    expect(h.aurora.calls[0]).toMatchObject({ region: 'us-west-2', command: 'DescribeGlobalClustersCommand' });
    expect(h.mutations()).toEqual([]);
  });

  test('with us-east-1 unreachable it still reports, from us-west-2', async () => {
    const h = await harness({ lagMs: 120 });
    h.aurora.unreachable.add('us-east-1');
    await h.record('us-west-2', 2);

    expect(await h.run('status', '--env', 'dev')).toBe(0);

    expect(h.output()).toContain('us-east-1  aurora-use1-dev  WRITER  unreachable: could not reach AWS in us-east-1 for rds:DescribeDBClusters (ETIMEDOUT)');
    expect(h.output()).toContain('us-west-2 at epoch 2, since 2025-05-01T00:00:00.000Z by jest: earlier');
  });

  test('warns when the active-region record and the Aurora writer disagree', async () => {
    const h = await harness({ lagMs: 120 });
    await h.record('us-west-2', 1);

    await h.run('status', '--env', 'dev');

    expect(h.output()).toContain('! the active-region record says us-west-2 but the Aurora writer is in us-east-1: webhooks in us-east-1 refuse writes');
  });
});

describe('dr switchover (mock RDS control plane, mock CloudWatch; DR state on dynalite)', () => {
  test('--dry-run prints the checks and the plan and calls nothing that changes state', async () => {
    const h = await harness({ lagMs: 120 });

    const code = await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--dry-run');

    expect(code).toBe(0);
    const output = h.output();
    expect(output).toContain('Switchover of aurora-global-use1-dev to us-west-2: planned, waits for replication to catch up, no data loss (RPO 0)');
    expect(output).toContain('ok    replication lag of aurora-usw2-dev 120 ms (threshold 1000 ms)');
    expect(output).toContain('ok    engine versions match: aurora-use1-dev 14.15, aurora-usw2-dev 14.15');
    expect(output).toContain(`1. rds:SwitchoverGlobalCluster in us-west-2: GlobalClusterIdentifier=aurora-global-use1-dev TargetDbClusterIdentifier=${USW2_ARN}`);
    expect(output).toContain('2. record the active region us-west-2 at epoch 1 in dr-state-use1-cli');
    expect(output).toContain('(us-west-2 replica), only if its epoch is still below 1; currently us-east-1 at epoch 0 (no failover recorded)');
    expect(output).toContain('dry run: nothing was changed');
    expect(h.questions).toEqual([]);
    await h.expectNothingChanged();
    expect(await h.active()).toEqual({ activeRegion: 'us-east-1', epoch: 0 });
  });

  test.each([
    ['replication lag above the threshold', { lagMs: 4000 }, 'replication lag of aurora-usw2-dev 4000 ms (threshold 1000 ms)'],
    ['replication lag unknown (no datapoint)', {}, 'replication lag of aurora-usw2-dev is unknown (unknown, no datapoint in the last 3 minutes)'],
    ['engine versions that differ', { lagMs: 120, engineVersions: ['14.15', '14.12'] as [string, string] }, 'engine versions differ: aurora-use1-dev 14.15, aurora-usw2-dev 14.12'],
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

  test('--yes calls SwitchoverGlobalCluster in us-west-2 with the cluster ARN, then records us-west-2 at epoch + 1', async () => {
    const h = await harness({ lagMs: 120 });
    await h.record('us-east-1', 3);

    const code = await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes');

    expect(code).toBe(0);
    expect(h.questions).toEqual([]);
    expect(h.mutations()).toEqual([{ region: 'us-west-2', command: 'SwitchoverGlobalClusterCommand', input: { GlobalClusterIdentifier: 'aurora-global-use1-dev', TargetDbClusterIdentifier: USW2_ARN } }]);
    expect(h.aurora.writer()?.region).toBe('us-west-2');
    expect(await h.active()).toMatchObject({ activeRegion: 'us-west-2', epoch: 4, decidedBy: OPERATOR, reason: 'switchover to us-west-2' });
    expect(h.output()).toContain('recorded: us-west-2 is the active region at epoch 4');
    expect(new Set(h.dynamodbRegions)).toEqual(new Set(['us-west-2']));
  });

  test('typing "yes" at the prompt runs it; failback to us-east-1 afterwards increments the epoch again', async () => {
    const h = await harness({ lagMs: 120 });
    h.answer('yes');
    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2')).toBe(0);
    expect(await h.active()).toMatchObject({ activeRegion: 'us-west-2', epoch: 1 });

    // after the switch the secondary is us-east-1: its lag is published in us-east-1
    h.cloudwatch.setLag('us-east-1', 'aurora-use1-dev', 80, new Date(NOW.getTime() - 30_000));
    h.answer('yes');
    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-east-1')).toBe(0);

    expect(h.mutations().map((call) => [call.region, call.input.TargetDbClusterIdentifier])).toEqual([
      ['us-west-2', USW2_ARN],
      ['us-east-1', USE1_ARN],
    ]);
    expect(await h.active()).toMatchObject({ activeRegion: 'us-east-1', epoch: 2 });
  });

  test('with the writer already in the target region but the record behind, it only records (no RDS call)', async () => {
    const h = await harness({ lagMs: 120 });
    h.aurora.members.forEach((member) => (member.isWriter = member.region === 'us-west-2'));

    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(0);

    expect(h.mutations()).toEqual([]);
    expect(await h.active()).toMatchObject({ activeRegion: 'us-west-2', epoch: 1, reason: 'switchover to us-west-2: the writer was already there' });
    // and again: nothing to do
    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(0);
    expect(h.output()).toContain('nothing to do: aurora-usw2-dev is already the writer and us-west-2 the recorded active region (epoch 1)');
  });
});

describe('dr failover (mock RDS control plane, mock CloudWatch; DR state on dynalite)', () => {
  test('--allow-data-loss with us-east-1 unreachable: touches only us-west-2, calls FailoverGlobalCluster(AllowDataLoss) with the usw2 ARN, records epoch + 1', async () => {
    const h = await harness();
    h.aurora.unreachable.add('us-east-1');

    const code = await h.run('failover', '--env', 'dev', '--to', 'us-west-2', '--allow-data-loss', '--yes');

    expect(code).toBe(0);
    expect(h.output()).toContain('ALLOWING DATA LOSS');
    expect(h.output()).toContain('replication lag of aurora-usw2-dev: unknown, no datapoint in the last 3 minutes');
    expect(h.mutations()).toEqual([{ region: 'us-west-2', command: 'FailoverGlobalClusterCommand', input: { GlobalClusterIdentifier: 'aurora-global-use1-dev', TargetDbClusterIdentifier: USW2_ARN, AllowDataLoss: true } }]);
    expect(h.aurora.calls.every((call) => call.region === 'us-west-2')).toBe(true);
    expect(h.cloudwatch.calls.every((call) => call.region === 'us-west-2')).toBe(true);
    expect(new Set(h.dynamodbRegions)).toEqual(new Set(['us-west-2']));
    expect(await h.active()).toMatchObject({ activeRegion: 'us-west-2', epoch: 1, reason: 'failover-allow-data-loss to us-west-2 allowing data loss', decidedBy: OPERATOR });
  });

  test('without --allow-data-loss it uses the no-data-loss variant (FailoverGlobalCluster Switchover=true) after the switchover checks', async () => {
    const h = await harness({ lagMs: 300 });

    expect(await h.run('failover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(0);

    expect(h.mutations()).toEqual([{ region: 'us-west-2', command: 'FailoverGlobalClusterCommand', input: { GlobalClusterIdentifier: 'aurora-global-use1-dev', TargetDbClusterIdentifier: USW2_ARN, Switchover: true } }]);
    expect(h.output()).toContain('engine versions match');
  });

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

    expect(h.output()).toContain(`1. rds:FailoverGlobalCluster in us-west-2: GlobalClusterIdentifier=aurora-global-use1-dev TargetDbClusterIdentifier=${USW2_ARN} AllowDataLoss=true`);
    await h.expectNothingChanged();
  });
});

describe('dr: AWS errors in plain words (mock RDS control plane)', () => {
  test('a busy global cluster (InvalidGlobalClusterStateFault): the next step, nothing recorded', async () => {
    const h = await harness({ lagMs: 120 });
    h.aurora.failNext.set('SwitchoverGlobalClusterCommand', awsError('InvalidGlobalClusterStateFault', 'Global cluster is in modifying state.'));

    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(1);

    expect(h.output()).toContain('error: the global cluster is busy (another switchover/failover?); run status and retry when it is available');
    expect(h.output()).toContain('nothing was recorded: the database was not moved');
    expect((await h.active()).epoch).toBe(0);
  });

  test('access denied names the permission, the resource and the region', async () => {
    const h = await harness();
    h.aurora.failNext.set('FailoverGlobalClusterCommand', awsError('AccessDenied', 'User: arn:aws:sts::111122223333:assumed-role/ops/me is not authorized to perform: rds:FailoverGlobalCluster'));

    expect(await h.run('failover', '--env', 'dev', '--to', 'us-west-2', '--allow-data-loss', '--yes')).toBe(1);

    expect(h.output()).toContain('error: access denied: your credentials may not call rds:FailoverGlobalCluster on aurora-global-use1-dev in us-west-2');
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
      dynamodb: (real) => ({
        send: async (command, options) => {
          if (command instanceof PutItemCommand && command.input.Item?.id?.S === ACTIVE_REGION_ID) {
            await recordActiveRegion(real, command.input.TableName as string, { activeRegion: 'us-west-2', epoch: 1, reason: 'controller', decidedBy: 'failover-controller@us-west-2', updatedAt: new Date() });
          }
          return real.send(command, options);
        },
      }),
    });

    expect(await h.run('switchover', '--env', 'dev', '--to', 'us-west-2', '--yes')).toBe(1);

    expect(h.output()).toContain('not recorded: the active-region record already holds epoch 1 or later (someone else decided meanwhile); run status');
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

    expect(h.aurora.writer()?.region).toBe('us-west-2');
    expect(h.output()).toContain('the active region was NOT recorded: webhooks in us-west-2 refuse writes until it is. Re-run this command');
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
    expect(explainAwsError(awsError(name, 'details'), { action: 'rds:SwitchoverGlobalCluster', resource: 'aurora-global-use1-dev', region: 'us-west-2' })).toContain(expected);
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
      healthUrls: { 'us-east-1': 'https://api-use1-dev.dev.payments.example.com/health', 'us-west-2': 'https://api-usw2-dev.dev.payments.example.com/health' },
      replicationLagThresholdMs: 1000,
    });
  });

  test.each([
    [[], 'a command is required'],
    [['promote', '--env', 'dev'], 'unknown command "promote"'],
    [['status'], '--env is required'],
    [['switchover', '--env', 'dev'], 'switchover needs --to <us-east-1|us-west-2>'],
    [['failover', '--env', 'dev', '--to', 'eu-west-1'], '--to must be one of us-east-1, us-west-2 (got "eu-west-1")'],
    [['switchover', '--env', 'dev', '--to', 'us-west-2', '--allow-data-loss'], 'a switchover never loses data: use failover --allow-data-loss'],
    [['status', '--env', 'dev', '--force'], 'unknown option "--force"'],
  ])('%j is a usage error: %s', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(new UsageError(message));
  });

  test('--key=value works too; usage errors and unknown environments exit 64', async () => {
    expect(parseArgs(['failover', '--env=dev', '--to=us-west-2', '--allow-data-loss', '--dry-run'])).toEqual({ command: 'failover', env: 'dev', to: 'us-west-2', allowDataLoss: true, dryRun: true, yes: false });
    const h = await harness();
    expect(await h.run('status')).toBe(64);
    expect(h.output()).toContain('usage: npx tsx scripts/dr.ts');
    const lines: string[] = [];
    const aws = { rds: () => ({ send: async () => ({}) }), cloudwatch: () => ({ send: async () => ({ $metadata: {} }) }), dynamodb: () => ({ send: async () => ({}) }) } as DrAws;
    expect(await runCli(['status', '--env', 'prod'], { aws, io: { print: (line = '') => lines.push(line), ask: async () => '' } })).toBe(64);
    expect(lines[0]).toContain('unknown environment "prod"; charts/config/environments.ts declares: dev');
  });
});
