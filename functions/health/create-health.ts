import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient, regionalSecretReader } from '../shared/aws-clients';
import type { ClientOverrides } from '../shared/client-overrides';
import type { Config } from '../shared/config';
import { cachedDbCredentials, lazyDatabase, parseDbCredentials, poolSettings } from '../shared/database';
import type { RdsByRegion } from '../shared/endpoints';
import { endpointResolver, lazyRdsClients } from '../shared/endpoints';
import { fenceReader, readActiveRegion } from '../shared/fencing';
import type { HttpFunction } from '../shared/lambda';
import { fenceMetrics } from '../shared/fence-metrics';
import { createLogger } from '../shared/logger';
import { parseSigningSecrets } from '../webhook/signature';
import { CHECK_TIMEOUT_MS, FENCE_CHECK, handleHealth } from './check-health';

/** Item read to prove a table replica answers (it need not exist). */
const PROBE_KEY = { S: '__health__' };
const DB_CREDENTIALS_CACHE_MS = 5 * 60_000;

/**
 * Readiness of THIS region for what the webhook needs, plus the fence (check-health.ts says how
 * Route 53 routes on it): the local Aurora cluster endpoint answers `SELECT 1`; the local replicas
 * of the sessions and idempotency tables answer a read; the local replicas of the DB secret and the
 * signing secret are read and parsed on every probe (a malformed secret fails here, it is never
 * remembered as good); the fence is read strongly. Nothing touches the other region's endpoints or
 * the global writer endpoint, so a dead primary cannot make the secondary look unhealthy too.
 * Clients fail fast: one attempt, bounded by the check timeout.
 */
export function createHealth(config: Config, overrides: ClientOverrides = {}): HttpFunction {
  const logger = createLogger(config, 'payments-health');
  const timeouts = { connectionTimeoutMs: CHECK_TIMEOUT_MS, requestTimeoutMs: CHECK_TIMEOUT_MS, maxAttempts: 1 };
  const secrets = regionalSecretReader(config, timeouts, overrides.secretsManager);
  const rdsClients = overrides.rds ? undefined : lazyRdsClients(timeouts);
  const target = endpointResolver(config.dbLocal, overrides.rds ?? (rdsClients as RdsByRegion), config.region);
  // Discover the endpoint during the cold start, not inside the first check's time budget.
  target.resolve().catch((error: unknown) => logger.warn('database endpoint discovery failed; retried on the next check', { error }));
  const credentials = cachedDbCredentials(secrets, config, DB_CREDENTIALS_CACHE_MS);
  const database = lazyDatabase(
    poolSettings(config, target, {
      max: 1,
      connectionTimeoutMs: CHECK_TIMEOUT_MS,
      statementTimeoutMs: CHECK_TIMEOUT_MS,
      applicationName: `payments-health-${config.regionSuffix}`,
    }),
    () => credentials(),
    (error) => logger.warn('idle database connection failed', { error }),
  );
  const dynamodb = dynamoDbClient(config, timeouts);
  const drState = overrides.drStateDynamodb ?? dynamodb;
  const fence = fenceReader((options) => readActiveRegion(drState, config.drStateTable, options));
  const readItem = (table: string, key: string) => (abortSignal: AbortSignal) =>
    dynamodb.send(new GetItemCommand({ TableName: table, Key: { [key]: PROBE_KEY } }), { abortSignal });
  const metrics = fenceMetrics(config, 'payments-health');
  const checks = {
    function: async () => undefined,
    database: async () => (await database.pool()).query('SELECT 1'),
    sessions_table: readItem(config.sessionsTable, 'sessionId'),
    idempotency_table: readItem(config.idempotencyTable, 'id'),
    db_secret: async (abortSignal: AbortSignal) =>
      void parseDbCredentials(await secrets.read(config.dbSecretId, { abortSignal }), config.dbUsername),
    signing_secret: async (abortSignal: AbortSignal) =>
      void parseSigningSecrets(await secrets.read(config.signingSecretId, { abortSignal })),
    [FENCE_CHECK]: (abortSignal: AbortSignal) => fence.read({ abortSignal }),
  };
  return {
    handle: (request) => handleHealth(request, { logger, region: config.region, checks, onFence: metrics.publish }),
    logger,
    async close() {
      await database.close();
      dynamodb.destroy();
      rdsClients?.destroy();
    },
  };
}
