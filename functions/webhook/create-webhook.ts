import { dynamoDbClient, regionalSecretReader } from '../shared/aws-clients';
import { ConfigError, type Config } from '../shared/config';
import { lazyDatabase, poolSettings } from '../shared/database';
import { endpointResolver, lazyRdsClient, type RdsApi } from '../shared/endpoints';
import { ACTIVE_REGION_CACHE_MS, cachedActiveRegion, checkFence, readActiveRegion } from '../shared/fencing';
import type { HttpFunction } from '../shared/lambda';
import { createLogger } from '../shared/logger';
import type { SecretsManagerApi } from '../shared/secrets';
import { cachedSecretReader } from '../shared/secrets';
import { createPaymentEventApplier } from './apply-payment-event';
import { handleWebhook } from './handle-webhook';
import { parseSigningSecrets } from './signature';

/** A rotated secret (signing or DB password) is picked up within this time. */
const SECRET_CACHE_MS = 60_000;

/**
 * Wires the webhook from configuration: clients are created once (at cold start in Lambda) and
 * reused by every invocation. `secretsManager` replaces the regional Secrets Manager client; `now`
 * is the clock of the active-region cache (tests).
 */
export function createWebhook(
  config: Config,
  overrides: { secretsManager?: SecretsManagerApi; rds?: RdsApi; now?: () => number } = {},
): HttpFunction {
  const { drStateTable } = config;
  if (!drStateTable) throw new ConfigError([{ variable: 'DR_STATE_TABLE', message: 'is required (the webhook reads the active region from it)' }]);
  const logger = createLogger(config, 'payments-webhook');
  const timeouts = { connectionTimeoutMs: 1000, requestTimeoutMs: 3000, maxAttempts: 3 };
  const secrets = cachedSecretReader(regionalSecretReader(config, timeouts, overrides.secretsManager), SECRET_CACHE_MS);
  const rds = overrides.rds ? () => overrides.rds as RdsApi : lazyRdsClient(config.region, timeouts.requestTimeoutMs);
  const databaseHost = endpointResolver(config.dbWriter, rds);
  const database = lazyDatabase(
    poolSettings(config, databaseHost, { max: 2, connectionTimeoutMs: 3000, statementTimeoutMs: 5000, applicationName: `payments-webhook-${config.regionSuffix}` }),
    secrets,
    config.dbSecretId,
    (error) => logger.warn('idle database connection failed', { error }),
  );
  const dynamodb = dynamoDbClient(config, timeouts);
  const applyEvent = createPaymentEventApplier({
    database,
    dynamodb,
    sessionsTable: config.sessionsTable,
    idempotencyTable: config.idempotencyTable,
    region: config.region,
  });
  // fencing reads this region's replica of the DR state global table
  const activeRegion = cachedActiveRegion(() => readActiveRegion(dynamodb, drStateTable), ACTIVE_REGION_CACHE_MS, overrides.now);
  const deps = {
    logger,
    signingSecrets: async () => parseSigningSecrets(await secrets.read(config.signingSecretId)),
    applyEvent,
    fence: async () => checkFence(config.region, await activeRegion()),
    signatureToleranceSeconds: config.signatureToleranceSeconds,
  };
  return {
    handle: (request, invocation) => handleWebhook(request, invocation, deps),
    logger,
    async close() {
      await database.close();
      dynamodb.destroy();
    },
  };
}
