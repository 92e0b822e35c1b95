import type { ClientTimeouts } from '../shared/aws-clients';
import { dynamoDbClient, invocationSignal, regionalSecretReader } from '../shared/aws-clients';
import type { ClientOverrides } from '../shared/client-overrides';
import type { Config } from '../shared/config';
import { cachedDbCredentials, lazyDatabase, poolSettings } from '../shared/database';
import type { RdsByRegion } from '../shared/endpoints';
import { endpointResolver, lazyRdsClients } from '../shared/endpoints';
import { checkFence, expectUnchanged, fenceReader, readActiveRegion } from '../shared/fencing';
import type { HttpFunction } from '../shared/lambda';
import { createLogger } from '../shared/logger';
import { cachedParsedSecret } from '../shared/secrets';
import { createPaymentEventApplier } from './apply-payment-event';
import { handleWebhook } from './handle-webhook';
import { parseSigningSecrets } from './signature';

/** A rotated secret (signing or DB password) is picked up within this time; a secret that does not parse is never cached. */
export const SECRET_CACHE_MS = 60_000;

/**
 * Bounds of every call (Lambda timeout 10 s). A hung DynamoDB or Secrets Manager call fails after
 * at most 2 × (1 + 1) s; fence reads are also cut by an abort signal at 2 s, and never run into
 * the last second of the invocation, so the webhook always has time to answer 503 itself.
 */
export const WEBHOOK_TIMEOUTS = {
  aws: { connectionTimeoutMs: 1000, requestTimeoutMs: 1000, maxAttempts: 2 } satisfies ClientTimeouts,
  rds: { connectionTimeoutMs: 2000, requestTimeoutMs: 2000, maxAttempts: 2 } satisfies ClientTimeouts,
  fenceReadMs: 2000,
  reserveMs: 1000,
} as const;

/**
 * Wires the webhook from configuration: clients are created once (at cold start in Lambda) and
 * reused by every invocation.
 */
export function createWebhook(config: Config, overrides: ClientOverrides = {}): HttpFunction {
  const logger = createLogger(config, 'payments-webhook');
  const secrets = regionalSecretReader(config, WEBHOOK_TIMEOUTS.aws, overrides.secretsManager);
  const rdsClients = overrides.rds ? undefined : lazyRdsClients(WEBHOOK_TIMEOUTS.rds);
  const target = endpointResolver(config.dbWriter, overrides.rds ?? (rdsClients as RdsByRegion), config.region);
  const credentials = cachedDbCredentials(secrets, config, SECRET_CACHE_MS);
  const database = lazyDatabase(
    poolSettings(config, target, {
      max: 2,
      connectionTimeoutMs: 3000,
      statementTimeoutMs: 5000,
      applicationName: `payments-webhook-${config.regionSuffix}`,
    }),
    () => credentials(),
    (error) => logger.warn('idle database connection failed', { error }),
  );
  const dynamodb = dynamoDbClient(config, WEBHOOK_TIMEOUTS.aws);
  // the fence: this region's replica of the MRSC DR state table, a fresh strongly consistent read each time
  const drState = overrides.drStateDynamodb ?? dynamodb;
  const fence = fenceReader((options) => readActiveRegion(drState, config.drStateTable, options));
  const fenceRead = (invocation: { getRemainingTimeInMillis(): number }) =>
    fence.read({ abortSignal: invocationSignal(invocation, WEBHOOK_TIMEOUTS.reserveMs, WEBHOOK_TIMEOUTS.fenceReadMs) });
  const confirmFence = async (before: Parameters<typeof expectUnchanged>[0], invocation: { getRemainingTimeInMillis(): number }) =>
    expectUnchanged(before, await fenceRead(invocation));
  const applyEvent = createPaymentEventApplier({
    database,
    dynamodb,
    sessionsTable: config.sessionsTable,
    idempotencyTable: config.idempotencyTable,
    region: config.region,
    confirmFence,
  });
  const signingSecrets = cachedParsedSecret(secrets, config.signingSecretId, parseSigningSecrets, SECRET_CACHE_MS);
  const deps = {
    logger,
    signingSecrets: () => signingSecrets(),
    applyEvent,
    fence: async (invocation: { getRemainingTimeInMillis(): number }) => checkFence(config.region, await fenceRead(invocation)),
    confirmFence,
    signatureToleranceSeconds: config.signatureToleranceSeconds,
  };
  return {
    handle: (request, invocation) => handleWebhook(request, invocation, deps),
    logger,
    async close() {
      await database.close();
      dynamodb.destroy();
      rdsClients?.destroy();
    },
  };
}
