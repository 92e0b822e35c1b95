import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { ControllerConfig } from '../../functions/failover-controller/config';
import { loadControllerConfig } from '../../functions/failover-controller/config';
import type { Controller } from '../../functions/failover-controller/create-controller';
import { createController } from '../../functions/failover-controller/create-controller';
import { probeHealth, replicationLag } from '../../functions/failover-controller/evidence';
import { probeStateId } from '../../functions/failover-controller/probe-state';
import type { LocalDynamoDb } from '../../functions/local/dynamodb';
import type { Environment } from '../../functions/shared/config';
import type { DynamoDbItemApi } from '../../functions/shared/fencing';
import { ACTIVE_REGION_ID, readActiveRegion, recordActiveRegion } from '../../functions/shared/fencing';
import { captureOutput } from './support/captured-output';
import { CONTROLLER_ENVIRONMENT } from './support/controller-environment';
import { createDrStateTable, localDynamoDb, startDrStateDynamoDb } from './support/dr-state';
import { awsError, clusterArn, FakeAuroraGlobal, FakeCloudWatch, FakeSns } from './support/fake-aws';
import type { HealthServer } from './support/health-server';
import { closedPortUrl, startHealthServer } from './support/health-server';

const START = Date.parse('2025-06-01T12:00:00Z');
/** Fast probes for tests: the production bounds are 6 s per attempt, 2 attempts, 1 s apart. */
const FAST_PROBE = { timeoutMs: 300, attempts: 2, pauseMs: 10 };

describe('failover controller on dynalite (mock RDS control plane, mock CloudWatch, mock SNS; /health over real HTTP)', () => {
  let dynamo: LocalDynamoDb;
  let documents: DynamoDBClient;
  let peer: HealthServer;
  let own: HealthServer;
  let output: ReturnType<typeof captureOutput>;
  let tables = 0;
  const opened: Controller[] = [];

  /** A us-west-2 controller with its own DR state table and fakes; `run()` advances the clock a minute per call. */
  async function standby(env: Environment = {}, options: { dynamodb?: (real: DynamoDbItemApi) => DynamoDbItemApi } = {}) {
    const table = `dr-state-use1-controller${(tables += 1)}`;
    await createDrStateTable(dynamo.endpoint, table);
    const config: ControllerConfig = loadControllerConfig({
      ...CONTROLLER_ENVIRONMENT,
      DR_STATE_TABLE: table,
      PEER_HEALTH_URL: peer.url,
      OWN_HEALTH_URL: own.url,
      AUTO_FAILOVER_ENABLED: 'true',
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      ...env,
    });
    const aurora = FakeAuroraGlobal.standard();
    const cloudwatch = new FakeCloudWatch();
    const sns = new FakeSns();
    let minute = 0;
    let now = new Date(START);
    const dynamodb = options.dynamodb?.(documents);
    const controller = createController(config, {
      rds: aurora.rds(config.region),
      cloudwatch: cloudwatch.cloudwatch(config.region),
      sns,
      probe: (url) => probeHealth(url, FAST_PROBE),
      now: () => now,
      ...(dynamodb && { dynamodb }),
    });
    opened.push(controller);
    const run = () => {
      now = new Date(START + 60_000 * minute++);
      return controller.run();
    };
    return { config, table, aurora, cloudwatch, sns, run, now: () => now };
  }

  const decisionLines = () => output.lines().filter((line) => line.message === 'failover decision');

  beforeAll(async () => {
    dynamo = await startDrStateDynamoDb();
    documents = localDynamoDb(dynamo.endpoint);
    [peer, own] = await Promise.all([startHealthServer('us-east-1'), startHealthServer('us-west-2')]);
    output = captureOutput();
  });

  beforeEach(() => {
    peer.answer(200);
    own.answer(200);
  });

  afterAll(async () => {
    output?.restore();
    opened.forEach((controller) => controller.close());
    documents?.destroy();
    await Promise.all([peer?.close(), own?.close()]);
    await dynamo?.close();
  });

  test('primary down 3 minutes: promotes aurora-usw2-dev (FailoverGlobalCluster, AllowDataLoss), records us-west-2 at epoch 1, alerts, and then stands down', async () => {
    const { aurora, sns, run, table } = await standby();
    peer.answer(503);

    const runs = [await run(), await run(), await run()];

    expect(runs.map((r) => [r.decision.reason, r.decision.consecutiveFailedMinutes])).toEqual([
      ['counting', 1],
      ['counting', 2],
      ['promote', 3],
    ]);
    // nothing touched RDS before the decision; then only this region's endpoint, with the local cluster's ARN
    const targetArn = clusterArn('us-west-2', 'aurora-usw2-dev');
    expect(aurora.calls.map((call) => `${call.region} ${call.command}`)).toEqual([
      'us-west-2 DescribeDBClustersCommand',
      'us-west-2 DescribeGlobalClustersCommand',
      'us-west-2 FailoverGlobalClusterCommand',
    ]);
    expect(aurora.callsOf('FailoverGlobalClusterCommand')[0].input).toEqual({ GlobalClusterIdentifier: 'aurora-global-use1-dev', TargetDbClusterIdentifier: targetArn, AllowDataLoss: true });
    expect(runs[2].promotion).toEqual({ outcome: 'promoted', epoch: 1, targetArn, failover: 'requested' });
    expect(await readActiveRegion(documents, table)).toMatchObject({ activeRegion: 'us-west-2', epoch: 1, decidedBy: 'failover-controller@us-west-2' });
    expect((await readActiveRegion(documents, table)).reason).toContain('automatic failover: us-east-1 failed /health (HTTP 503: failing database), replication lag unknown, us-west-2 healthy: 3 of 3');
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]).toMatchObject({ TopicArn: 'arn:aws:sns:us-west-2:111122223333:alerts-usw2-dev', Subject: '[payments-dr dev] us-west-2 promoted (epoch 1)' });
    expect(sns.published[0].Message).toContain('"peer":{"ok":false,"status":503');

    // the next minute this region is the active one: no probes, no RDS calls
    const requestsBefore = peer.requests + own.requests;
    const after = await run();
    expect(after.decision).toMatchObject({ act: false, reason: 'region_active' });
    expect(peer.requests + own.requests).toBe(requestsBefore);
    expect(aurora.calls).toHaveLength(3);
  });

  test('every decision is logged with its evidence, and the probe state item holds the count and the last evidence', async () => {
    const { cloudwatch, run, table, now } = await standby();
    peer.answer(503);
    await run();
    cloudwatch.setLag('us-west-2', 'aurora-usw2-dev', 4200, new Date(now().getTime() + 30_000));
    await run();

    const lines = decisionLines().slice(-2);
    expect(lines[0]).toMatchObject({ level: 'INFO', region: 'us-west-2', environment: 'dev', act: false, reason: 'counting', consecutiveFailedMinutes: 1, activeRegion: 'us-east-1', epoch: 0 });
    expect(lines[0].evidence).toMatchObject({ peer: { ok: false, status: 503, failure: 'status', attempts: 2 }, own: { ok: true, status: 200, attempts: 1 } });
    expect((lines[0].evidence as { replicationLagMs?: number }).replicationLagMs).toBeUndefined();
    expect(lines[1].evidence).toMatchObject({ replicationLagMs: 4200 });
    expect(lines[1].decision).toContain('replication lag 4200 ms');

    const item = (await documents.send(new GetItemCommand({ TableName: table, Key: { id: { S: probeStateId('us-west-2') } }, ConsistentRead: true }))).Item;
    expect(item?.consecutiveFailedMinutes).toEqual({ N: '2' });
    expect(item?.lastProbeAt).toEqual({ S: now().toISOString() });
    expect(JSON.parse(item?.lastEvidence?.S ?? '{}')).toMatchObject({ peer: { ok: false }, replicationLagMs: 4200 });
  });

  test('the lag comes from CloudWatch in this region: AuroraGlobalDBReplicationLag of the local cluster, per-minute Maximum; current replication blocks promotion', async () => {
    const { cloudwatch, run, aurora, now } = await standby();
    peer.answer('hang');

    for (let minute = 0; minute < 4; minute++) {
      const at = new Date(START + 60_000 * minute - 20_000);
      cloudwatch.setLag('us-west-2', 'aurora-usw2-dev', 150, at);
      const result = await run();
      expect(result.decision).toMatchObject({ act: false, reason: 'replication_current', consecutiveFailedMinutes: 0 });
      expect(result.evidence?.peer).toMatchObject({ ok: false, failure: 'timeout' });
    }

    expect(aurora.calls).toEqual([]);
    const call = cloudwatch.calls[cloudwatch.calls.length - 1];
    expect(call.region).toBe('us-west-2');
    expect(call.input.EndTime).toEqual(now());
    expect(call.input.MetricDataQueries).toEqual([
      expect.objectContaining({
        MetricStat: {
          Metric: { Namespace: 'AWS/RDS', MetricName: 'AuroraGlobalDBReplicationLag', Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'aurora-usw2-dev' }] },
          Period: 60,
          Stat: 'Maximum',
        },
      }),
    ]);
  });

  test('with AUTO_FAILOVER_ENABLED unset (default false) it observes, alerts once at the threshold and never calls RDS', async () => {
    const { aurora, sns, run, table, config } = await standby({ AUTO_FAILOVER_ENABLED: undefined });
    expect(config.autoFailoverEnabled).toBe(false);
    peer.answer(503);

    const reasons = [];
    for (let minute = 0; minute < 5; minute++) reasons.push((await run()).decision.reason);

    expect(reasons).toEqual(['counting', 'counting', 'auto_failover_disabled', 'auto_failover_disabled', 'auto_failover_disabled']);
    expect(aurora.calls).toEqual([]);
    expect(sns.published.map((message) => message.Subject)).toEqual(['[payments-dr dev] us-east-1 down 3 min, automatic failover disabled']);
    expect(sns.published[0].Message).toContain('promote by hand');
    expect(await readActiveRegion(documents, table)).toEqual({ activeRegion: 'us-east-1', epoch: 0 });
  });

  test('own region unhealthy: the peer outage is not counted and nothing is promoted', async () => {
    const { aurora, run } = await standby();
    peer.answer(503);
    own.answer(503);

    const results = [await run(), await run(), await run(), await run()];

    expect(results.map((r) => r.decision.reason)).toEqual(Array(4).fill('both_unhealthy'));
    expect(aurora.calls).toEqual([]);
  });

  test('an unreachable peer (connection refused) counts as down', async () => {
    const { run } = await standby({ PEER_HEALTH_URL: await closedPortUrl(), FAILED_MINUTES_BEFORE_PROMOTION: '1' });

    const result = await run();

    expect(result.evidence?.peer).toMatchObject({ ok: false, failure: 'error', detail: 'ECONNREFUSED' });
    expect(result.promotion).toMatchObject({ outcome: 'promoted', epoch: 1 });
  });

  test('(mock RDS control plane) a refused FailoverGlobalCluster records nothing and alerts; the next minute tries again and succeeds', async () => {
    const { aurora, sns, run, table } = await standby({ FAILED_MINUTES_BEFORE_PROMOTION: '2' });
    peer.answer(503);
    aurora.failNext.set('FailoverGlobalClusterCommand', awsError('InvalidGlobalClusterStateFault', 'Global cluster aurora-global-use1-dev is in modifying state.'));

    await run();
    const failed = await run();

    expect(failed.promotion).toEqual({ outcome: 'failed', step: 'failover', error: 'InvalidGlobalClusterStateFault: Global cluster aurora-global-use1-dev is in modifying state.' });
    expect(await readActiveRegion(documents, table)).toEqual({ activeRegion: 'us-east-1', epoch: 0 });
    expect(sns.published[0].Subject).toBe('[payments-dr dev] promotion of us-west-2 FAILED at failover');
    expect(output.lines().some((line) => line.message === 'promotion failed' && line.level === 'ERROR')).toBe(true);

    const retried = await run();
    expect(retried.promotion).toMatchObject({ outcome: 'promoted', epoch: 1, failover: 'requested' });
    expect(aurora.callsOf('FailoverGlobalClusterCommand')).toHaveLength(2);
  });

  test('(mock RDS control plane) a promotion whose record failed is completed the next minute without a second FailoverGlobalCluster', async () => {
    let failRecord = true;
    const flaky = (real: DynamoDbItemApi): DynamoDbItemApi => ({
      send: async (command, options) => {
        if (failRecord && command instanceof PutItemCommand && command.input.Item?.id?.S === ACTIVE_REGION_ID) {
          failRecord = false;
          throw awsError('InternalServerError', 'DynamoDB had a problem');
        }
        return real.send(command, options);
      },
    });
    const { aurora, run, table } = await standby({ FAILED_MINUTES_BEFORE_PROMOTION: '1' }, { dynamodb: flaky });
    peer.answer(503);

    const first = await run();
    expect(first.promotion).toEqual({ outcome: 'failed', step: 'record', error: 'InternalServerError: DynamoDB had a problem' });
    expect(aurora.writer()?.region).toBe('us-west-2');

    const second = await run();
    expect(second.promotion).toMatchObject({ outcome: 'promoted', epoch: 1, failover: 'already_writer' });
    expect(aurora.callsOf('FailoverGlobalClusterCommand')).toHaveLength(1);
    expect((await readActiveRegion(documents, table)).activeRegion).toBe('us-west-2');
  });

  test('(mock RDS control plane) an epoch recorded by someone else first (the CLI) is not overwritten', async () => {
    const { run, table } = await standby({ FAILED_MINUTES_BEFORE_PROMOTION: '1' }, {
      // between this run's read (epoch 0) and its record, an operator records epoch 1
      dynamodb: (real) => ({
        send: async (command, options) => {
          if (command instanceof PutItemCommand && command.input.Item?.id?.S === ACTIVE_REGION_ID) {
            await recordActiveRegion(real, command.input.TableName as string, { activeRegion: 'us-west-2', epoch: 1, reason: 'operator', decidedBy: 'dr-cli', updatedAt: new Date() });
          }
          return real.send(command, options);
        },
      }),
    });
    peer.answer(503);

    const result = await run();

    expect(result.promotion).toMatchObject({ outcome: 'superseded', epoch: 1 });
    expect(await readActiveRegion(documents, table)).toMatchObject({ epoch: 1, decidedBy: 'dr-cli' });
  });

  test('two overlapping invocations of the same minute: one counts it, the other stands down', async () => {
    const setup = await standby();
    peer.answer(503);
    const twin = createController(setup.config, { rds: setup.aurora.rds('us-west-2'), cloudwatch: setup.cloudwatch.cloudwatch('us-west-2'), sns: setup.sns, probe: (url) => probeHealth(url, FAST_PROBE), now: setup.now });
    opened.push(twin);

    const [first, second] = await Promise.all([setup.run(), twin.run()]);

    expect([first.skipped, second.skipped].sort()).toEqual(['concurrent_run', undefined]);
    const item = (await documents.send(new GetItemCommand({ TableName: setup.table, Key: { id: { S: probeStateId('us-west-2') } }, ConsistentRead: true }))).Item;
    expect(item?.consecutiveFailedMinutes).toEqual({ N: '1' });
  });

  test('an SNS failure is logged and does not undo the promotion', async () => {
    const { sns, run, table } = await standby({ FAILED_MINUTES_BEFORE_PROMOTION: '1' });
    peer.answer(503);
    sns.failNext = awsError('AuthorizationErrorException', 'not authorized to perform SNS:Publish');

    const result = await run();

    expect(result.promotion).toMatchObject({ outcome: 'promoted' });
    expect((await readActiveRegion(documents, table)).activeRegion).toBe('us-west-2');
    expect(output.lines().some((line) => line.message === 'alert could not be published')).toBe(true);
  });
});

describe('failover controller without its state table', () => {
  test('a run that cannot read the DR state fails the invocation and logs why (mock RDS control plane)', async () => {
    const output = captureOutput();
    const controller = createController(loadControllerConfig({ ...CONTROLLER_ENVIRONMENT, DYNAMODB_ENDPOINT: await closedPortUrl() }), {
      rds: FakeAuroraGlobal.standard().rds('us-west-2'),
      cloudwatch: new FakeCloudWatch().cloudwatch('us-west-2'),
      sns: new FakeSns(),
    });
    try {
      await expect(controller.run()).rejects.toThrow();
      expect(output.lines().find((line) => line.message === 'failover controller run failed')).toMatchObject({ level: 'ERROR', region: 'us-west-2' });
    } finally {
      output.restore();
      controller.close();
    }
  });
});

describe('failover controller evidence', () => {
  let server: HealthServer;

  beforeAll(async () => {
    server = await startHealthServer('us-east-1');
  });

  afterAll(() => server?.close());

  test('a /health probe succeeds on the first 2xx, retries a failure once, and names the failing checks', async () => {
    server.answer(200);
    expect(await probeHealth(server.url, FAST_PROBE)).toMatchObject({ ok: true, status: 200, attempts: 1 });
    server.answer(503, 200);
    expect(await probeHealth(server.url, FAST_PROBE)).toMatchObject({ ok: true, status: 200, attempts: 2 });
    server.answer(503);
    expect(await probeHealth(server.url, FAST_PROBE)).toMatchObject({ ok: false, status: 503, failure: 'status', detail: 'failing database', attempts: 2 });
  });

  test('a region that never answers fails within the bounded timeout', async () => {
    server.answer('hang');
    const started = Date.now();
    expect(await probeHealth(server.url, FAST_PROBE)).toMatchObject({ ok: false, failure: 'timeout', attempts: 2 });
    expect(Date.now() - started).toBeLessThan(2 * FAST_PROBE.timeoutMs + FAST_PROBE.pauseMs + 500);
  });

  test('(mock CloudWatch) replication lag: newest datapoint; older than 3 minutes or missing is unknown; a CloudWatch error is unknown with the error', async () => {
    const cloudwatch = new FakeCloudWatch();
    const api = cloudwatch.cloudwatch('us-west-2');
    const now = new Date(START);

    expect(await replicationLag(api, 'aurora-usw2-dev', now)).toEqual({ lagMs: undefined });
    cloudwatch.setLag('us-west-2', 'aurora-usw2-dev', 800, new Date(START - 200_000));
    expect((await replicationLag(api, 'aurora-usw2-dev', now)).lagMs).toBeUndefined();
    cloudwatch.setLag('us-west-2', 'aurora-usw2-dev', 800, new Date(START - 60_000));
    expect(await replicationLag(api, 'aurora-usw2-dev', now)).toEqual({ lagMs: 800, at: new Date(START - 60_000).toISOString() });
    cloudwatch.failNext = awsError('ThrottlingException', 'Rate exceeded');
    expect(await replicationLag(api, 'aurora-usw2-dev', now)).toEqual({ lagMs: undefined, error: 'ThrottlingException: Rate exceeded' });
  });
});
