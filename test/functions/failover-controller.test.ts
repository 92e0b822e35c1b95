import { performance } from 'node:perf_hooks';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import type { ControllerConfig } from '../../functions/failover-controller/config';
import { loadControllerConfig } from '../../functions/failover-controller/config';
import type { Controller } from '../../functions/failover-controller/create-controller';
import { CONTROLLER_TIMEOUTS, createController } from '../../functions/failover-controller/create-controller';
import { probeHealth, replicationLag } from '../../functions/failover-controller/evidence';
import { heartbeatId, writeHeartbeat } from '../../functions/failover-controller/heartbeat';
import { probeStateId } from '../../functions/failover-controller/probe-state';
import type { LocalDynamoDb } from '../../functions/local/dynamodb';
import { worstCaseCallMs } from '../../functions/shared/aws-clients';
import type { Environment } from '../../functions/shared/config';
import type { DynamoDbItemApi } from '../../functions/shared/fencing';
import { ACTIVE_REGION_ID, initialiseActiveRegion, readActiveRegion } from '../../functions/shared/fencing';
import { captureOutput } from '../support/functions/captured-output';
import { CONTROLLER_ENVIRONMENT } from '../support/functions/controller-environment';
import { createDrStateTable, localDynamoDb, recordedMeanwhile, startDrStateDynamoDb } from '../support/functions/dr-state';
import { awsError, clusterArn, FakeAuroraGlobal } from '../support/functions/fake-aws';
import type { HealthServer } from '../support/functions/health-server';
import { closedPortUrl, startHealthServer } from '../support/functions/health-server';
import type { Moto } from '../support/functions/moto';
import { ACCOUNT_ID, startMoto } from '../support/functions/moto';
import { motoTopic, putReplicationLag } from '../support/functions/moto-fixtures';

const START = Date.parse('2025-06-01T12:00:00Z');
/** Fast probes for tests: the production bounds are 6 s per attempt, 2 attempts, 1 s apart. */
const FAST_PROBE = { timeoutMs: 300, attempts: 2, pauseMs: 10 };

describe(
  'failover controller on dynalite, CloudWatch and SNS on moto (mock RDS failover ' +
    'control plane: moto has no FailoverGlobalCluster); /health over real HTTP',
  () => {
    let dynamo: LocalDynamoDb;
    let documents: DynamoDBClient;
    let moto: Moto;
    let peer: HealthServer;
    let own: HealthServer;
    let output: ReturnType<typeof captureOutput>;
    let tables = 0;
    const opened: Controller[] = [];
    const closers: (() => void)[] = [];

    /**
     * A us-west-2 controller with its own DR state table (fence: us-east-1 at epoch 1), its own alert
     * topic in moto and a mock of the RDS failover control plane. `run()` advances the clock a minute
     * per call; `peerBeats` says what us-east-1's heartbeat is before each run.
     */
    async function standby(
      env: Environment = {},
      options: {
        dynamodb?: (real: DynamoDbItemApi) => DynamoDbItemApi;
        peerBeats?: 'stale' | 'fresh-ready' | 'fresh-not-ready' | 'none';
      } = {},
    ) {
      const table = `dr-state-use1-controller${(tables += 1)}`;
      // Each standby lives in its own hour: moto's Metrics Insights ignores the query's WHERE clause
      // and sums every datapoint of a period, so lag datapoints of different tests must not share one.
      const start = START + tables * 3_600_000;
      await createDrStateTable(dynamo.endpoint, table);
      await initialiseActiveRegion(documents, table, {
        activeRegion: 'us-east-1',
        epoch: 1,
        reason: 'initial',
        decidedBy: 'jest',
        updatedAt: new Date(start - 86_400_000),
      });
      const topic = await motoTopic(moto, 'us-west-2', `alerts-usw2-dev-${tables}`);
      const config: ControllerConfig = loadControllerConfig({
        ...CONTROLLER_ENVIRONMENT,
        DR_STATE_TABLE: table,
        ALERT_TOPIC_ARN: topic.arn,
        PEER_HEALTH_URL: peer.url,
        OWN_HEALTH_URL: own.url,
        AUTO_FAILOVER_ENABLED: 'true',
        DYNAMODB_ENDPOINT: dynamo.endpoint,
        ...env,
      });
      const aurora = FakeAuroraGlobal.standard();
      const cloudwatch = new CloudWatchClient(moto.client('us-west-2'));
      const sns = new SNSClient(moto.client('us-west-2'));
      closers.push(
        () => cloudwatch.destroy(),
        () => sns.destroy(),
        () => topic.close(),
      );
      let minute = 0;
      let now = new Date(start);
      const dynamodb = options.dynamodb?.(documents);
      const controller = createController(config, {
        rds: aurora.rds(config.region),
        cloudwatch,
        sns,
        probe: (url) => probeHealth(url, FAST_PROBE),
        now: () => now,
        ...(dynamodb && { dynamodb }),
      });
      opened.push(controller);
      const peerBeats = options.peerBeats ?? 'stale';
      const run = async () => {
        now = new Date(start + 60_000 * minute++);
        if (peerBeats !== 'none') {
          const beatAt = peerBeats === 'stale' ? new Date(start - 600_000) : new Date(now.getTime() - 20_000);
          await writeHeartbeat(documents, table, {
            region: 'us-east-1',
            beatAt: beatAt.toISOString(),
            ready: peerBeats === 'fresh-ready',
            activeRegion: 'us-east-1',
            epoch: 1,
          });
        }
        return controller.run();
      };
      return { config, table, aurora, topic, run, start, now: () => now };
    }

    const decisionLines = () => output.lines().filter((line) => line.message === 'failover decision');

    beforeAll(async () => {
      [dynamo, moto] = await Promise.all([startDrStateDynamoDb(), startMoto()]);
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
      closers.forEach((close) => close());
      documents?.destroy();
      await Promise.all([peer?.close(), own?.close()]);
      await Promise.all([dynamo?.close(), moto?.stop()]);
    });

    test(
      'primary down 3 minutes (no /health, heartbeat stale): records us-west-2 at epoch 2 ' +
        'FIRST, then FailoverGlobalCluster (AllowDataLoss), alerts on SNS, then stands down',
      async () => {
        const journal: string[] = [];
        const { aurora, topic, run, table } = await standby(
          {},
          {
            dynamodb: (real) => ({
              send: async (command, options) => {
                if (command instanceof PutItemCommand && command.input.Item?.id?.S === ACTIVE_REGION_ID)
                  journal.push('dynamodb PutItem active-region');
                return real.send(command, options);
              },
            }),
          },
        );
        aurora.journal = journal;
        peer.answer(503);

        const runs = [await run(), await run(), await run()];

        expect(runs.map((r) => [r.decision.reason, r.decision.consecutiveFailedMinutes])).toEqual([
          ['counting', 1],
          ['counting', 2],
          ['promote', 3],
        ]);
        const targetArn = clusterArn('us-west-2', 'aurora-usw2-dev');
        // fence first: from the record on, the old region acknowledges nothing; only then the writer moves
        expect(journal).toEqual([
          'rds DescribeDBClustersCommand us-west-2',
          'rds DescribeGlobalClustersCommand us-west-2',
          'dynamodb PutItem active-region',
          'rds DescribeGlobalClustersCommand us-west-2',
          'rds FailoverGlobalClusterCommand us-west-2',
        ]);
        expect(aurora.callsOf('FailoverGlobalClusterCommand')[0].input).toEqual({
          GlobalClusterIdentifier: 'aurora-global-use1-dev',
          TargetDbClusterIdentifier: targetArn,
          AllowDataLoss: true,
        });
        expect(runs[2].promotion).toEqual({ outcome: 'promoted', epoch: 2, targetArn, failover: 'requested' });
        const fence = await readActiveRegion(documents, table);
        expect(fence).toMatchObject({ activeRegion: 'us-west-2', epoch: 2, decidedBy: 'failover-controller@us-west-2' });
        expect(fence.reason).toContain('heartbeat is stale');
        const published = await topic.messages();
        expect(published).toHaveLength(1);
        expect(published[0]).toMatchObject({ Subject: '[payments-dr dev] us-west-2 promoted (epoch 2)' });
        expect(published[0].Message).toContain('"peer":{"ok":false,"ready":false,"status":503');

        // the next minute this region is the active one: no peer probe, the writer is here, nothing more to do
        const peerRequests = peer.requests;
        const after = await run();
        expect(after.decision).toMatchObject({ act: false, reason: 'region_active' });
        expect(after.completion).toMatchObject({ outcome: 'promoted', failover: 'already_writer' });
        expect(peer.requests).toBe(peerRequests);
        expect(aurora.callsOf('FailoverGlobalClusterCommand')).toHaveLength(1);
      },
    );

    test(
      "every run writes this region's heartbeat (both roles) with its own " +
        'readiness; the probe state holds the count and the last evidence',
      async () => {
        const { run, table, now } = await standby();
        peer.answer(503);
        await run();
        own.answer(503);
        await run();

        const beat = (
          await documents.send(new GetItemCommand({ TableName: table, Key: { id: { S: heartbeatId('us-west-2') } }, ConsistentRead: true }))
        ).Item;
        expect(beat).toMatchObject({
          region: { S: 'us-west-2' },
          beatAt: { S: now().toISOString() },
          ready: { BOOL: false },
          activeRegion: { S: 'us-east-1' },
          epoch: { N: '1' },
        });
        const lines = decisionLines().slice(-2);
        expect(lines[0]).toMatchObject({
          level: 'INFO',
          region: 'us-west-2',
          environment: 'dev',
          act: false,
          reason: 'counting',
          consecutiveFailedMinutes: 1,
          activeRegion: 'us-east-1',
          epoch: 1,
        });
        expect(lines[1]).toMatchObject({ reason: 'both_unhealthy' });
        const item = (
          await documents.send(
            new GetItemCommand({ TableName: table, Key: { id: { S: probeStateId('us-west-2') } }, ConsistentRead: true }),
          )
        ).Item;
        expect(item?.consecutiveFailedMinutes).toEqual({ N: '0' });
        expect(JSON.parse(item?.lastEvidence?.S ?? '{}')).toMatchObject({ peer: { ok: false }, own: { ready: false } });
      },
    );

    test(
      'PARTITION: us-east-1 unreachable from us-west-2 but beating ready (it reaches ' +
        'the quorum through the witness): 5 minutes, never promotes, RDS never called',
      async () => {
        const { aurora, run, table } = await standby({ PEER_HEALTH_URL: await closedPortUrl() }, { peerBeats: 'fresh-ready' });

        const reasons = [];
        for (let minute = 0; minute < 5; minute++) reasons.push((await run()).decision.reason);

        expect(reasons).toEqual(Array(5).fill('peer_heartbeat_fresh'));
        expect(aurora.calls).toEqual([]);
        expect(await readActiveRegion(documents, table)).toMatchObject({ activeRegion: 'us-east-1', epoch: 1 });
      },
    );

    test(
      'PARTITION: us-east-1 alive and replicating (lag 150 ms on moto CloudWatch) but ' +
        'cut off from the quorum (heartbeat stale): promotes, the loss window is the lag',
      async () => {
        const { run, now, start } = await standby({ FAILED_MINUTES_BEFORE_PROMOTION: '2' }, { peerBeats: 'stale' });
        peer.answer(503);
        const results = [];
        for (let minute = 0; minute < 2; minute++) {
          await putReplicationLag(moto, 'us-west-2', 'aurora-usw2-dev', 150, new Date(start + 60_000 * minute - 20_000));
          results.push(await run());
        }
        expect(results.map((r) => r.decision.reason)).toEqual(['counting', 'promote']);
        expect(results[1].evidence?.replicationLagMs).toBe(150);
        expect(results[1].promotion).toMatchObject({ outcome: 'promoted', epoch: 2 });
        expect(now().getTime()).toBe(start + 60_000);
      },
    );

    test(
      'the lag comes from CloudWatch in this region (moto): AuroraGlobalDBReplicationLag of the ' +
        'local cluster; current replication of a primary that beats but is not ready blocks promotion',
      async () => {
        const { run, aurora, start } = await standby({}, { peerBeats: 'fresh-not-ready' });
        peer.answer('hang');

        for (let minute = 0; minute < 4; minute++) {
          await putReplicationLag(moto, 'us-west-2', 'aurora-usw2-dev', 150, new Date(start + 60_000 * minute - 20_000));
          const result = await run();
          expect(result.decision).toMatchObject({ act: false, reason: 'replication_current', consecutiveFailedMinutes: 0 });
          expect(result.evidence?.peer).toMatchObject({ ok: false, failure: 'timeout' });
          expect(result.evidence?.replicationLagMs).toBe(150);
        }
        expect(aurora.calls).toEqual([]);
      },
    );

    test(
      'with AUTO_FAILOVER_ENABLED unset (default false) it observes, ' + 'alerts once at the threshold (SNS on moto) and never calls RDS',
      async () => {
        const { aurora, topic, run, table, config } = await standby({ AUTO_FAILOVER_ENABLED: undefined });
        expect(config.autoFailoverEnabled).toBe(false);
        peer.answer(503);

        const reasons = [];
        for (let minute = 0; minute < 5; minute++) reasons.push((await run()).decision.reason);

        expect(reasons).toEqual(['counting', 'counting', 'auto_failover_disabled', 'auto_failover_disabled', 'auto_failover_disabled']);
        expect(aurora.calls).toEqual([]);
        const published = await topic.messages();
        expect(published.map((message) => message.Subject)).toEqual([
          '[payments-dr dev] us-east-1 down 3 min, automatic failover disabled',
        ]);
        expect(published[0].Message).toContain('promote by hand');
        expect(await readActiveRegion(documents, table)).toMatchObject({ activeRegion: 'us-east-1', epoch: 1 });
      },
    );

    test('own region not ready: the peer outage is not counted and nothing is promoted', async () => {
      const { aurora, run } = await standby();
      peer.answer(503);
      own.answer(503);

      const results = [await run(), await run(), await run(), await run()];

      expect(results.map((r) => r.decision.reason)).toEqual(Array(4).fill('both_unhealthy'));
      expect(aurora.calls).toEqual([]);
    });

    test(
      '(mock RDS control plane) a target that is resynchronizing (pending-resync) ' +
        'is refused BEFORE the fence moves; it is promoted once connected',
      async () => {
        const { aurora, run, table, topic } = await standby({ FAILED_MINUTES_BEFORE_PROMOTION: '1' });
        peer.answer(503);
        const target = aurora.members.find((member) => member.region === 'us-west-2');
        if (target) target.synchronizationStatus = 'pending-resync';

        const refused = await run();

        expect(refused.promotion).toMatchObject({ outcome: 'failed', step: 'describe' });
        expect(refused.promotion && 'error' in refused.promotion && refused.promotion.error).toContain('resynchronizing (pending-resync)');
        expect(aurora.callsOf('FailoverGlobalClusterCommand')).toEqual([]);
        expect(await readActiveRegion(documents, table)).toMatchObject({ activeRegion: 'us-east-1', epoch: 1 });
        expect((await topic.messages())[0].Subject).toBe('[payments-dr dev] promotion of us-west-2 FAILED at describe');

        if (target) target.synchronizationStatus = 'connected';
        expect((await run()).promotion).toMatchObject({ outcome: 'promoted', epoch: 2 });
      },
    );

    test(
      '(mock RDS control plane) a refused FailoverGlobalCluster after the fence moved: ' +
        'alerts; the next run (now the active region) requests it again and completes',
      async () => {
        const { aurora, topic, run, table } = await standby({ FAILED_MINUTES_BEFORE_PROMOTION: '1' });
        peer.answer(503);
        aurora.failNext.set(
          'FailoverGlobalClusterCommand',
          awsError('InvalidGlobalClusterStateFault', 'Global cluster aurora-global-use1-dev is in modifying state.'),
        );

        const failed = await run();

        expect(failed.promotion).toEqual({
          outcome: 'failed',
          step: 'failover',
          epoch: 2,
          error: 'InvalidGlobalClusterStateFault: Global cluster aurora-global-use1-dev is in modifying state.',
        });
        expect(await readActiveRegion(documents, table)).toMatchObject({ activeRegion: 'us-west-2', epoch: 2 });
        expect((await topic.messages())[0].Subject).toBe('[payments-dr dev] promotion of us-west-2 FAILED at failover');
        expect(output.lines().some((line) => line.message === 'promotion failed' && line.level === 'ERROR')).toBe(true);

        const completed = await run();
        expect(completed.decision.reason).toBe('region_active');
        expect(completed.completion).toMatchObject({ outcome: 'promoted', epoch: 2, failover: 'requested' });
        expect(aurora.callsOf('FailoverGlobalClusterCommand')).toHaveLength(2);
        expect(aurora.writer()?.region).toBe('us-west-2');
      },
    );

    test(
      '(mock RDS control plane) an epoch recorded by someone else first ' + '(the CLI) is not overwritten, and the database is not touched',
      async () => {
        const { aurora, run, table } = await standby(
          { FAILED_MINUTES_BEFORE_PROMOTION: '1' },
          {
            // between this run's read (epoch 1) and its record, an operator records epoch 2
            dynamodb: (real) => recordedMeanwhile(real, { activeRegion: 'us-west-2', epoch: 2, reason: 'operator', decidedBy: 'dr-cli' }),
          },
        );
        peer.answer(503);

        const result = await run();

        expect(result.promotion).toEqual({ outcome: 'superseded', epoch: 2 });
        expect(await readActiveRegion(documents, table)).toMatchObject({ epoch: 2, decidedBy: 'dr-cli' });
        expect(aurora.callsOf('FailoverGlobalClusterCommand')).toEqual([]);
      },
    );

    test('two overlapping invocations of the same minute: one counts it, the other stands down', async () => {
      const setup = await standby();
      peer.answer(503);
      const cloudwatch = new CloudWatchClient(moto.client('us-west-2'));
      const sns = new SNSClient(moto.client('us-west-2'));
      closers.push(
        () => cloudwatch.destroy(),
        () => sns.destroy(),
      );
      const twin = createController(setup.config, {
        rds: setup.aurora.rds('us-west-2'),
        cloudwatch,
        sns,
        probe: (url) => probeHealth(url, FAST_PROBE),
        now: setup.now,
      });
      opened.push(twin);
      await writeHeartbeat(documents, setup.table, {
        region: 'us-east-1',
        beatAt: new Date(setup.start - 600_000).toISOString(),
        ready: true,
      });

      const [first, second] = await Promise.all([setup.run(), twin.run()]);

      expect([first.skipped, second.skipped].sort()).toEqual(['concurrent_run', undefined]);
      const item = (
        await documents.send(
          new GetItemCommand({ TableName: setup.table, Key: { id: { S: probeStateId('us-west-2') } }, ConsistentRead: true }),
        )
      ).Item;
      expect(item?.consecutiveFailedMinutes).toEqual({ N: '1' });
    });

    test('an SNS failure (moto: the topic does not exist) is logged and does not undo the promotion', async () => {
      const { run, table } = await standby({
        FAILED_MINUTES_BEFORE_PROMOTION: '1',
        ALERT_TOPIC_ARN: `arn:aws:sns:us-west-2:${ACCOUNT_ID}:alerts-usw2-nowhere`,
      });
      peer.answer(503);

      const result = await run();

      expect(result.promotion).toMatchObject({ outcome: 'promoted' });
      expect((await readActiveRegion(documents, table)).activeRegion).toBe('us-west-2');
      expect(output.lines().some((line) => line.message === 'alert could not be published')).toBe(true);
    });
  },
);

describe('failover controller without its quorum', () => {
  let dynamo: LocalDynamoDb;

  beforeAll(async () => {
    dynamo = await startDrStateDynamoDb();
  });

  afterAll(() => dynamo?.close());

  test(
    'a run that cannot reach the DR state table at all (connection refused) ' +
      'fails the invocation and logs why (mock RDS control plane: never called)',
    async () => {
      const output = captureOutput();
      const aurora = FakeAuroraGlobal.standard();
      const controller = createController(loadControllerConfig({ ...CONTROLLER_ENVIRONMENT, DYNAMODB_ENDPOINT: await closedPortUrl() }), {
        rds: aurora.rds('us-west-2'),
      });
      try {
        await expect(controller.run()).rejects.toThrow('cannot read the fence');
        expect(output.lines().find((line) => line.message === 'failover decision')).toMatchObject({
          level: 'ERROR',
          region: 'us-west-2',
          reason: 'no_quorum',
        });
        expect(aurora.calls).toEqual([]);
      } finally {
        output.restore();
        controller.close();
      }
    },
  );

  test(
    'PARTITION: the standby cut off from its quorum (modelled: its DynamoDB is a SIGSTOPped dynalite) ' +
      'fails its run within the client bounds, decides nothing, calls nothing (mock RDS control plane)',
    async () => {
      const output = captureOutput();
      const aurora = FakeAuroraGlobal.standard();
      await createDrStateTable(dynamo.endpoint, CONTROLLER_ENVIRONMENT.DR_STATE_TABLE);
      const controller = createController(
        loadControllerConfig({ ...CONTROLLER_ENVIRONMENT, DYNAMODB_ENDPOINT: dynamo.endpoint, AUTO_FAILOVER_ENABLED: 'true' }),
        { rds: aurora.rds('us-west-2') },
      );
      await dynamo.pause();
      try {
        const started = performance.now();
        await expect(controller.run()).rejects.toThrow('cut off from its DynamoDB quorum');
        expect(performance.now() - started).toBeLessThan(worstCaseCallMs(CONTROLLER_TIMEOUTS) + 1000);
        expect(aurora.calls).toEqual([]);
      } finally {
        await dynamo.resume();
        output.restore();
        controller.close();
      }
    },
  );
});

describe('failover controller evidence', () => {
  let server: HealthServer;
  let moto: Moto;

  beforeAll(async () => {
    [server, moto] = await Promise.all([startHealthServer('us-east-1'), startMoto()]);
  });

  afterAll(async () => {
    await Promise.all([server?.close(), moto?.stop()]);
  });

  test('a /health probe succeeds on the first ready answer, retries a failure once, and names the failing checks', async () => {
    server.answer(200);
    expect(await probeHealth(server.url, FAST_PROBE)).toMatchObject({ ok: true, ready: true, status: 200, attempts: 1 });
    server.answer(503, 200);
    expect(await probeHealth(server.url, FAST_PROBE)).toMatchObject({ ok: true, ready: true, status: 200, attempts: 2 });
    server.answer(503);
    expect(await probeHealth(server.url, FAST_PROBE)).toMatchObject({
      ok: false,
      ready: false,
      status: 503,
      failure: 'status',
      detail: 'failing database',
      attempts: 2,
    });
  });

  test('a ready standby of the PRIMARY record (503, body ready: true) is ready: out of rotation, but able to serve', async () => {
    server.answer('ready-standby');
    expect(await probeHealth(server.url, FAST_PROBE)).toMatchObject({
      ok: false,
      ready: true,
      status: 503,
      attempts: 1,
      detail: 'failing active_region',
    });
  });

  test('a region that never answers fails within the bounded timeout', async () => {
    server.answer('hang');
    const started = Date.now();
    expect(await probeHealth(server.url, FAST_PROBE)).toMatchObject({ ok: false, ready: false, failure: 'timeout', attempts: 2 });
    expect(Date.now() - started).toBeLessThan(2 * FAST_PROBE.timeoutMs + FAST_PROBE.pauseMs + 500);
  });

  test(
    'replication lag from moto CloudWatch: the newest datapoint; older than 3 ' +
      'minutes or missing is unknown; a CloudWatch error is unknown with the error',
    async () => {
      const cloudwatch = new CloudWatchClient(moto.client('us-west-2'));
      const unreachable = new CloudWatchClient({ ...moto.client('us-west-2'), endpoint: (await closedPortUrl()).replace('/health', '') });
      try {
        const now = new Date();
        expect(await replicationLag(cloudwatch, 'aurora-usw2-lag', now)).toEqual({ lagMs: undefined });
        await putReplicationLag(moto, 'us-west-2', 'aurora-usw2-lag', 800, new Date(now.getTime() - 200_000));
        expect((await replicationLag(cloudwatch, 'aurora-usw2-lag', now)).lagMs).toBeUndefined();
        await putReplicationLag(moto, 'us-west-2', 'aurora-usw2-lag', 650, new Date(now.getTime() - 60_000));
        expect(await replicationLag(cloudwatch, 'aurora-usw2-lag', now)).toMatchObject({ lagMs: 650 });
        // the metric is per region: us-east-1's CloudWatch has no datapoint for the us-west-2 cluster
        const east = new CloudWatchClient(moto.client('us-east-1'));
        expect((await replicationLag(east, 'aurora-usw2-lag', now)).lagMs).toBeUndefined();
        east.destroy();
        const failed = await replicationLag(unreachable, 'aurora-usw2-lag', now);
        expect(failed.lagMs).toBeUndefined();
        expect(failed.error).toBeDefined();
      } finally {
        cloudwatch.destroy();
        unreachable.destroy();
      }
    },
  );
});
