import { performance } from 'node:perf_hooks';
import { createHealth } from '../../functions/health/create-health';
import type { LocalStack } from '../../functions/local/stack';
import { startLocalStack } from '../../functions/local/stack';
import { samplePaymentEvent } from '../../functions/local/sample-event';
import type { HttpFunction } from '../../functions/shared/lambda';
import { createWebhook } from '../../functions/webhook/create-webhook';
import { captureOutput } from '../support/functions/captured-output';
import { createDrStateTable, recordInitialFence } from '../support/functions/dr-state';
import { stackConfig } from '../support/functions/engines';
import type { Moto } from '../support/functions/moto';
import { startMoto } from '../support/functions/moto';
import { motoSecrets } from '../support/functions/moto-fixtures';
import { apiGatewayEvent, errorCode, invocation, signedWebhookRequest } from '../support/functions/requests';

/** The webhook's Lambda timeout; "well inside" is half of it. */
const LAMBDA_TIMEOUT_MS = 10_000;
/** A hung call must not keep the test waiting for jest's timeout: the race below fails it first. */
const GUARD_MS = LAMBDA_TIMEOUT_MS + 2000;

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now();
  const guard = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`still waiting after ${GUARD_MS} ms: a hung call was not bounded`)), GUARD_MS).unref(),
  );
  const value = await Promise.race([run(), guard]);
  return { value, elapsedMs: performance.now() - started };
}

describe(
  'nothing hangs: a SIGSTOPped dynalite (the port accepts connections, nothing ' +
    'answers) on dynalite + embedded PostgreSQL 14, Secrets Manager on moto',
  () => {
    let stack: LocalStack;
    let moto: Moto;
    let output: ReturnType<typeof captureOutput>;
    let secretsManager: Awaited<ReturnType<typeof motoSecrets>>;
    const opened: HttpFunction[] = [];

    beforeAll(async () => {
      [stack, moto] = await Promise.all([startLocalStack(), startMoto()]);
      await createDrStateTable(stack.dynamodb.endpoint);
      await recordInitialFence(stack.dynamodb.endpoint);
      secretsManager = await motoSecrets(moto, stack.secrets);
      output = captureOutput();
    });

    afterAll(async () => {
      output?.restore();
      secretsManager?.destroy();
      await Promise.all(opened.map((fn) => fn.close()));
      await Promise.all([stack?.stop(), moto?.stop()]);
    });

    test(`the webhook answers 503 dependency_unavailable well inside its ${LAMBDA_TIMEOUT_MS / 1000} s Lambda timeout`, async () => {
      const webhook = createWebhook(stackConfig(stack), { secretsManager });
      opened.push(webhook);
      expect(
        (await webhook.handle(signedWebhookRequest(JSON.stringify(samplePaymentEvent()), stack.signingSecrets), invocation())).statusCode,
      ).toBe(200);

      await stack.dynamodb.pause();
      try {
        const { value: response, elapsedMs } = await timed(() =>
          webhook.handle(signedWebhookRequest(JSON.stringify(samplePaymentEvent()), stack.signingSecrets), invocation()),
        );
        expect(response.statusCode).toBe(503);
        expect(errorCode(response)).toBe('dependency_unavailable');
        expect(elapsedMs).toBeLessThan(LAMBDA_TIMEOUT_MS / 2);
      } finally {
        await stack.dynamodb.resume();
      }
    });

    test("health answers 503 within Route 53's 2 s", async () => {
      const health = createHealth(stackConfig(stack), { secretsManager });
      opened.push(health);
      await stack.dynamodb.pause();
      try {
        const { value: response, elapsedMs } = await timed(() =>
          health.handle(apiGatewayEvent({ method: 'GET', path: '/health' }), invocation(3000)),
        );
        expect(response.statusCode).toBe(503);
        expect(elapsedMs).toBeLessThan(2000);
      } finally {
        await stack.dynamodb.resume();
      }
    });
  },
);
