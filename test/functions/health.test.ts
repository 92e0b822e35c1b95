import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createHealth } from '../../functions/health/create-health';
import { startLocalStack } from '../../functions/local/stack';
import type { LocalStack } from '../../functions/local/stack';
import type { Config } from '../../functions/shared/config';
import type { HttpFunction } from '../../functions/shared/lambda';
import { captureOutput } from './support/captured-output';
import { stackConfig, withStopped } from './support/engines';
import { FakeSecretsManager } from './support/fake-secrets-manager';
import { apiGatewayEvent, invocation } from './support/requests';

interface HealthBody {
  status: string;
  region: string;
  failing: string[];
  checks: { name: string; ok: boolean; latencyMs: number; failure?: string }[];
  latencyMs: number;
}

/** Route 53 wants the answer within 2 s of connecting. */
const ROUTE53_RESPONSE_LIMIT_MS = 2000;
const TRIALS = 20;

describe('health on dynalite + embedded PostgreSQL 14 (mock Secrets Manager)', () => {
  let stack: LocalStack;
  let config: Config;
  let secretsManager: FakeSecretsManager;
  let health: HttpFunction;
  let output: ReturnType<typeof captureOutput>;
  const opened: HttpFunction[] = [];

  const healthOf = (overrides: Partial<Config> = {}) => {
    const fn = createHealth({ ...config, ...overrides }, { secretsManager });
    opened.push(fn);
    return fn;
  };
  const probe = async (fn: HttpFunction) => {
    const started = performance.now();
    const response = await fn.handle(apiGatewayEvent({ method: 'GET', path: '/health' }), invocation());
    return { response, body: JSON.parse(response.body) as HealthBody, elapsedMs: performance.now() - started };
  };

  beforeAll(async () => {
    stack = await startLocalStack();
    output = captureOutput();
    config = stackConfig(stack);
    secretsManager = new FakeSecretsManager(stack.secrets);
    health = healthOf();
  });

  afterEach(() => {
    secretsManager.failing = false;
  });

  afterAll(async () => {
    output?.restore();
    await Promise.all(opened.map((fn) => fn.close()));
    await stack?.stop();
  });

  test('all local dependencies ready: 200 listing every check with its latency', async () => {
    const { response, body } = await probe(health);

    expect(response.statusCode).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.region).toBe('us-east-1');
    expect(body.checks.map((check) => check.name).sort()).toEqual(['database', 'function', 'secret', 'sessions_table']);
    for (const check of body.checks) {
      expect(check.ok).toBe(true);
      expect(check.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  test('the secret check reads the secret replica on every probe (no cached answer)', async () => {
    const before = secretsManager.reads;
    await probe(health);
    await probe(health);
    expect(secretsManager.reads - before).toBeGreaterThanOrEqual(2);
  });

  test(`PostgreSQL stopped: 503 naming the database check within 2 s, in each of ${TRIALS} trials (warm pool, engine stopped, probe, engine started)`, async () => {
    const trials: { status: number; failing: string[]; elapsedMs: number; recovered: number }[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      expect((await probe(health)).response.statusCode).toBe(200); // a pooled connection is open when the engine goes
      const down = await withStopped(stack.postgres, () => probe(health));
      trials.push({ status: down.response.statusCode, failing: down.body.failing, elapsedMs: down.elapsedMs, recovered: (await probe(health)).response.statusCode });
    }

    expect(trials.map((trial) => trial.status)).toEqual(Array(TRIALS).fill(503));
    expect(trials.map((trial) => trial.failing)).toEqual(Array(TRIALS).fill(['database']));
    expect(Math.max(...trials.map((trial) => trial.elapsedMs))).toBeLessThan(ROUTE53_RESPONSE_LIMIT_MS);
    expect(trials.map((trial) => trial.recovered)).toEqual(Array(TRIALS).fill(200));
  });

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

  test('DynamoDB stopped (dynalite process killed): 503 naming the sessions_table check within 2 s; 200 once it is back', async () => {
    for (let trial = 0; trial < 5; trial++) {
      expect((await probe(health)).response.statusCode).toBe(200);
      const down = await withStopped(stack.dynamodb, () => probe(health));

      expect(down.response.statusCode).toBe(503);
      expect(down.body.failing).toEqual(['sessions_table']);
      expect(down.elapsedMs).toBeLessThan(ROUTE53_RESPONSE_LIMIT_MS);
      expect((await probe(health)).response.statusCode).toBe(200);
    }
  });

  test('secret replica unreadable: 503 naming the secret check', async () => {
    secretsManager.failing = true;
    const { response, body } = await probe(health);

    expect(response.statusCode).toBe(503);
    expect(body.failing).toContain('secret');
  });

  test('the failing check and its cause are logged as a warning', async () => {
    secretsManager.failing = true;
    const { body } = await probe(health);

    const line = output.lines().reverse().find((entry) => entry.message === 'health check failed');
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
