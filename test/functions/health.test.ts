import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createHealth } from '../../functions/health/create-health';
import { startLocalStack } from '../../functions/local/stack';
import type { LocalStack } from '../../functions/local/stack';
import { samplePaymentEvent } from '../../functions/local/sample-event';
import type { Config, Region } from '../../functions/shared/config';
import { initialiseActiveRegion, recordActiveRegion } from '../../functions/shared/fencing';
import type { HttpFunction } from '../../functions/shared/lambda';
import { createWebhook } from '../../functions/webhook/create-webhook';
import { captureOutput } from '../support/functions/captured-output';
import { createDrStateTable, inRegion, isolatedDrState, LOCAL_DR_STATE_TABLE, localDynamoDb } from '../support/functions/dr-state';
import { stackConfig, withStopped } from '../support/functions/engines';
import type { Moto } from '../support/functions/moto';
import { startMoto } from '../support/functions/moto';
import { motoSecrets } from '../support/functions/moto-fixtures';
import { apiGatewayEvent, errorCode, invocation, signedWebhookRequest } from '../support/functions/requests';

interface HealthBody {
  status: string;
  region: string;
  role: string;
  activeRegion?: string;
  epoch?: number;
  ready: boolean;
  failing: string[];
  checks: { name: string; ok: boolean; latencyMs: number; failure?: string }[];
  latencyMs: number;
}

/** Route 53 wants the answer within 2 s of connecting. */
const ROUTE53_RESPONSE_LIMIT_MS = 2000;
const TRIALS = 20;
const ALL_CHECKS = ['database', 'db_secret', 'fence', 'function', 'idempotency_table', 'sessions_table', 'signing_secret'];

describe('health on dynalite + embedded PostgreSQL 14, Secrets Manager on moto', () => {
  let stack: LocalStack;
  let moto: Moto;
  let config: Config;
  let dynamodb: DynamoDBClient;
  /** Secrets Manager as each region's functions read it (us-west-2 reads the replicas). */
  const secrets: Partial<Record<Region, Awaited<ReturnType<typeof motoSecrets>>>> = {};
  let health: HttpFunction;
  let output: ReturnType<typeof captureOutput>;
  let tables = 0;
  const opened: HttpFunction[] = [];

  const healthOf = (overrides: Partial<Config> = {}, region: Region = 'us-east-1', drStateDynamodb?: DynamoDBClient) => {
    const fn = createHealth({ ...inRegion(config, region), ...overrides }, { secretsManager: secrets[region], drStateDynamodb });
    opened.push(fn);
    return fn;
  };
  const probe = async (fn: HttpFunction) => {
    const started = performance.now();
    const response = await fn.handle(apiGatewayEvent({ method: 'GET', path: '/health' }), invocation(3000));
    return { response, body: JSON.parse(response.body) as HealthBody, elapsedMs: performance.now() - started };
  };
  /** A DR state table whose fence names `region` at `epoch`. */
  const fenceAt = async (region: Region, epoch = 1) => {
    const name = `${LOCAL_DR_STATE_TABLE}-health-${(tables += 1)}`;
    await createDrStateTable(stack.dynamodb.endpoint, name);
    await initialiseActiveRegion(dynamodb, name, {
      activeRegion: 'us-east-1',
      epoch: 1,
      reason: 'initial',
      decidedBy: 'jest',
      updatedAt: new Date(),
    });
    if (region !== 'us-east-1' || epoch > 1)
      await recordActiveRegion(dynamodb, name, {
        activeRegion: region,
        epoch: Math.max(epoch, 2),
        reason: 'failover',
        decidedBy: 'jest',
        updatedAt: new Date(),
      });
    return name;
  };

  beforeAll(async () => {
    [stack, moto] = await Promise.all([startLocalStack(), startMoto()]);
    output = captureOutput();
    config = stackConfig(stack);
    dynamodb = localDynamoDb(stack.dynamodb.endpoint);
    secrets['us-east-1'] = await motoSecrets(moto, stack.secrets, 'us-east-1');
    secrets['us-west-2'] = await motoSecrets(moto, {}, 'us-west-2');
    health = healthOf();
  });

  afterAll(async () => {
    output?.restore();
    dynamodb?.destroy();
    Object.values(secrets).forEach((client) => client?.destroy());
    await Promise.all(opened.map((fn) => fn.close()));
    await Promise.all([stack?.stop(), moto?.stop()]);
  });

  test('all ready and us-east-1 active: 200, role active, every check listed with its latency', async () => {
    const { response, body } = await probe(health);

    expect(response.statusCode).toBe(200);
    expect(body).toMatchObject({
      status: 'ok',
      region: 'us-east-1',
      role: 'active',
      activeRegion: 'us-east-1',
      epoch: 1,
      ready: true,
      failing: [],
    });
    expect(body.checks.map((check) => check.name).sort()).toEqual(ALL_CHECKS);
    for (const check of body.checks) {
      expect(check.ok).toBe(true);
      expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  describe('routing follows the fence (point 2)', () => {
    test('us-west-2 (SECONDARY record) as a ready standby answers 200: Route 53 falls back to it when the primary fails', async () => {
      const { response, body } = await probe(healthOf({ drStateTable: await fenceAt('us-east-1') }, 'us-west-2'));
      expect(response.statusCode).toBe(200);
      expect(body).toMatchObject({ status: 'ok', region: 'us-west-2', role: 'standby', activeRegion: 'us-east-1', ready: true });
    });

    test(
      'us-east-1 (PRIMARY record) recovered after a failover is ready ' + 'but not active: 503 "standby", so traffic stays on us-west-2',
      async () => {
        const drStateTable = await fenceAt('us-west-2', 2);
        const { response, body } = await probe(healthOf({ drStateTable }, 'us-east-1'));
        expect(response.statusCode).toBe(503);
        expect(body).toMatchObject({
          status: 'standby',
          role: 'standby',
          activeRegion: 'us-west-2',
          epoch: 2,
          ready: true,
          failing: ['active_region'],
        });
        // the promoted region is in rotation
        expect((await probe(healthOf({ drStateTable }, 'us-west-2'))).response.statusCode).toBe(200);
      },
    );

    test(
      'each probe publishes the fence it read as EMF metrics (PaymentsDR ActiveRegion ' +
        '/ FenceEpoch by Environment and RegionSuffix), which the dashboard graphs',
      async () => {
        const drStateTable = await fenceAt('us-west-2', 2);
        const emf = () => output.lines().filter((line) => (line._aws as { CloudWatchMetrics?: unknown } | undefined)?.CloudWatchMetrics);
        const before = emf().length;
        await probe(healthOf({ drStateTable }, 'us-east-1'));
        await probe(healthOf({ drStateTable }, 'us-west-2'));
        const published = emf().slice(before);
        expect(published.map((line) => [line.RegionSuffix, line.ActiveRegion, line.FenceEpoch])).toEqual([
          ['use1', 0, 2],
          ['usw2', 1, 2],
        ]);
        for (const line of published) {
          expect(line._aws).toMatchObject({
            CloudWatchMetrics: [{ Namespace: 'PaymentsDR', Dimensions: [['Environment', 'RegionSuffix']] }],
          });
          expect(line.Environment).toBe(config.environmentSuffix);
        }
        const unreadable = `${LOCAL_DR_STATE_TABLE}-health-unreadable`;
        await createDrStateTable(stack.dynamodb.endpoint, unreadable);
        const beforeUnreadable = emf().length;
        await probe(healthOf({ drStateTable: unreadable }, 'us-east-1'));
        expect(emf().length).toBe(beforeUnreadable);
      },
    );

    test('failback is one fence change: with us-east-1 recorded active again, its /health passes on the next probe', async () => {
      const drStateTable = await fenceAt('us-west-2', 2);
      const east = healthOf({ drStateTable }, 'us-east-1');
      expect((await probe(east)).response.statusCode).toBe(503);
      await recordActiveRegion(dynamodb, drStateTable, {
        activeRegion: 'us-east-1',
        epoch: 3,
        reason: 'failback',
        decidedBy: 'jest',
        updatedAt: new Date(),
      });
      expect((await probe(east)).body).toMatchObject({ status: 'ok', role: 'active', epoch: 3 });
    });

    test('no fence record: 503 naming the fence in both regions (nothing is routable, nothing accepts)', async () => {
      const drStateTable = `${LOCAL_DR_STATE_TABLE}-health-empty`;
      await createDrStateTable(stack.dynamodb.endpoint, drStateTable);
      for (const region of ['us-east-1', 'us-west-2'] as const) {
        const { response, body } = await probe(healthOf({ drStateTable }, region));
        expect(response.statusCode).toBe(503);
        expect(body).toMatchObject({ role: 'unknown', ready: false, failing: ['fence'] });
      }
    });

    describe('a region cut off from its quorum (modelled: its DR-state client points at a SIGSTOPped dynalite)', () => {
      const isolated = isolatedDrState();

      test.each(['us-east-1', 'us-west-2'] as const)("%s answers 503 naming the fence, within Route 53's 2 s", async (region) => {
        const fn = healthOf({ drStateTable: LOCAL_DR_STATE_TABLE }, region, isolated.client);
        await isolated.dynalite.pause();
        try {
          const { response, body, elapsedMs } = await probe(fn);
          expect(response.statusCode).toBe(503);
          expect(body.failing).toEqual(['fence']);
          expect(body.checks.find((check) => check.name === 'fence')?.failure).toBe('timeout');
          expect(elapsedMs).toBeLessThan(ROUTE53_RESPONSE_LIMIT_MS);
        } finally {
          await isolated.dynalite.resume();
        }
      });
    });
  });

  describe('health sees what the webhook needs (point 7)', () => {
    test(
      'a malformed signing secret: /health 503 naming signing_secret and the webhook 503; ' +
        'once fixed, both recover on the very next request (nothing was cached as good or bad)',
      async () => {
        const store = secrets['us-east-1'];
        const webhook = createWebhook(config, { secretsManager: store });
        opened.push(webhook);
        const deliver = () =>
          webhook.handle(signedWebhookRequest(JSON.stringify(samplePaymentEvent()), stack.signingSecrets), invocation());
        expect((await deliver()).statusCode).toBe(200);
        const good = stack.secrets[stack.env.SIGNING_SECRET_ID];
        try {
          await store?.put(stack.env.SIGNING_SECRET_ID, 'whsec_not_a_json_list');
          const webhookAfterRotation = createWebhook(config, { secretsManager: store });
          opened.push(webhookAfterRotation);
          const broken = await webhookAfterRotation.handle(
            signedWebhookRequest(JSON.stringify(samplePaymentEvent()), stack.signingSecrets),
            invocation(),
          );
          expect(broken.statusCode).toBe(503);
          expect(errorCode(broken)).toBe('dependency_unavailable');
          expect((await probe(health)).body.failing).toEqual(['signing_secret']);

          await store?.put(stack.env.SIGNING_SECRET_ID, good);
          expect(
            (
              await webhookAfterRotation.handle(
                signedWebhookRequest(JSON.stringify(samplePaymentEvent()), stack.signingSecrets),
                invocation(),
              )
            ).statusCode,
          ).toBe(200);
          expect((await probe(health)).response.statusCode).toBe(200);
        } finally {
          await store?.put(stack.env.SIGNING_SECRET_ID, good);
        }
      },
    );

    test('a malformed DB secret: 503 naming db_secret, and database, which cannot connect without it', async () => {
      const store = secrets['us-east-1'];
      const good = stack.secrets[stack.env.DB_SECRET_ID];
      try {
        await store?.put(stack.env.DB_SECRET_ID, '{"username":"payments"}');
        expect([...(await probe(healthOf())).body.failing].sort()).toEqual(['database', 'db_secret']);
      } finally {
        await store?.put(stack.env.DB_SECRET_ID, good);
      }
    });

    test('an idempotency table that does not answer (missing in this region): 503 naming idempotency_table', async () => {
      const { response, body } = await probe(healthOf({ idempotencyTable: 'idempotency-use1-missing' }));
      expect(response.statusCode).toBe(503);
      expect(body.failing).toEqual(['idempotency_table']);
    });

    test(
      'secret replicas that cannot be read (not replicated to this region): ' +
        '503 naming both secrets (and the database, which needs the credentials)',
      async () => {
        const { body } = await probe(healthOf({ dbSecretId: 'db-credentials-missing', signingSecretId: 'webhook-signing-missing' }));
        expect(body.failing.sort()).toEqual(['database', 'db_secret', 'signing_secret']);
      },
    );
  });

  test(
    `PostgreSQL stopped: 503 naming the database check within 2 s, in each ` +
      `of ${TRIALS} trials (warm pool, engine stopped, probe, engine started)`,
    async () => {
      const trials: { status: number; failing: string[]; elapsedMs: number; recovered: number }[] = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        expect((await probe(health)).response.statusCode).toBe(200); // a pooled connection is open when the engine goes
        const down = await withStopped(stack.postgres, () => probe(health));
        trials.push({
          status: down.response.statusCode,
          failing: down.body.failing,
          elapsedMs: down.elapsedMs,
          recovered: (await probe(health)).response.statusCode,
        });
      }

      expect(trials.map((trial) => trial.status)).toEqual(Array(TRIALS).fill(503));
      expect(trials.map((trial) => trial.failing)).toEqual(Array(TRIALS).fill(['database']));
      expect(Math.max(...trials.map((trial) => trial.elapsedMs))).toBeLessThan(ROUTE53_RESPONSE_LIMIT_MS);
      expect(trials.map((trial) => trial.recovered)).toEqual(Array(TRIALS).fill(200));
    },
  );

  test('a database endpoint that accepts TCP but never answers times out at the check bound (~400 ms)', async () => {
    const silent = await silentTcpServer();
    try {
      const result = await probe(healthOf({ dbLocal: { kind: 'fixed', host: '127.0.0.1' }, dbPort: silent.port }));

      expect(result.response.statusCode).toBe(503);
      expect(result.body.failing).toEqual(['database']);
      expect(result.body.checks.find((check) => check.name === 'database')?.failure).toBe('timeout');
      expect(result.elapsedMs).toBeLessThan(1000);
    } finally {
      await silent.close();
    }
  });

  test(
    'DynamoDB stopped (dynalite process killed): 503 naming the ' + 'table checks and the fence within 2 s; 200 once it is back',
    async () => {
      for (let trial = 0; trial < 5; trial++) {
        expect((await probe(health)).response.statusCode).toBe(200);
        const down = await withStopped(stack.dynamodb, () => probe(health));

        expect(down.response.statusCode).toBe(503);
        const dynamoDbChecks = ['fence', 'idempotency_table', 'sessions_table'];
        expect(down.body.failing).toEqual(expect.arrayContaining(dynamoDbChecks));
        // on a loaded machine another check may also miss its 400 ms bound; nothing else may fail otherwise
        const others = down.body.checks.filter((check) => !check.ok && !dynamoDbChecks.includes(check.name));
        expect(others.filter((check) => check.failure !== 'timeout')).toEqual([]);
        expect(down.elapsedMs).toBeLessThan(ROUTE53_RESPONSE_LIMIT_MS);
        expect((await probe(health)).response.statusCode).toBe(200);
      }
    },
  );

  test('the failing check and its cause are logged as a warning', async () => {
    const { body } = await probe(healthOf({ idempotencyTable: 'idempotency-use1-missing' }));
    const line = output
      .lines()
      .reverse()
      .find((entry) => entry.message === 'health check failed');
    expect(line).toMatchObject({ level: 'WARN', region: 'us-east-1', failing: body.failing });
  });

  test('other methods answer 405 and other paths 404', async () => {
    expect((await health.handle(apiGatewayEvent({ method: 'POST', path: '/health' }), invocation())).statusCode).toBe(405);
    expect((await health.handle(apiGatewayEvent({ method: 'GET', path: '/status' }), invocation())).statusCode).toBe(404);
  });
});

/** A loopback TCP server that accepts connections and never says anything (a hung database). */
async function silentTcpServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}
