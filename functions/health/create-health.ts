import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient, regionalSecretReader } from '../shared/aws-clients';
import type { Config } from '../shared/config';
import { lazyDatabase, poolSettings } from '../shared/database';
import { endpointResolver, lazyRdsClient, type RdsApi } from '../shared/endpoints';
import type { HttpFunction } from '../shared/lambda';
import { createLogger } from '../shared/logger';
import type { SecretsManagerApi } from '../shared/secrets';
import { cachedSecretReader } from '../shared/secrets';
import { CHECK_TIMEOUT_MS, handleHealth } from './check-health';

/** Item read to prove the local DynamoDB replica answers (it need not exist). */
const PROBE_KEY = { sessionId: { S: '__health__' } };
const DB_CREDENTIALS_CACHE_MS = 5 * 60_000;

/**
 * Readiness of THIS region only: the function runs, the local Aurora cluster endpoint answers
 * `SELECT 1`, the local DynamoDB replica answers a read, the local secret replica is readable.
 * Nothing here touches the other region or the global writer endpoint, so a dead primary cannot
 * make the secondary look unhealthy too. Clients fail fast: one attempt, bounded by the check timeout.
 */
export function createHealth(config: Config, overrides: { secretsManager?: SecretsManagerApi; rds?: RdsApi } = {}): HttpFunction {
  const logger = createLogger(config, 'payments-health');
  const timeouts = { connectionTimeoutMs: CHECK_TIMEOUT_MS, requestTimeoutMs: CHECK_TIMEOUT_MS, maxAttempts: 1 };
  const secrets = regionalSecretReader(config, timeouts, overrides.secretsManager);
  const rds = overrides.rds ? () => overrides.rds as RdsApi : lazyRdsClient(config.region, CHECK_TIMEOUT_MS);
  const databaseHost = endpointResolver(config.dbLocal, rds);
  // Discover the endpoint during the cold start, not inside the first check's time budget.
  databaseHost().catch((error: unknown) => logger.warn('database endpoint discovery failed; retried on the next check', { error }));
  const database = lazyDatabase(
    poolSettings(config, databaseHost, { max: 1, connectionTimeoutMs: CHECK_TIMEOUT_MS, statementTimeoutMs: CHECK_TIMEOUT_MS, applicationName: `payments-health-${config.regionSuffix}` }),
    cachedSecretReader(secrets, DB_CREDENTIALS_CACHE_MS),
    config.dbSecretId,
    (error) => logger.warn('idle database connection failed', { error }),
  );
  const dynamodb = dynamoDbClient(config, timeouts);
  const checks = {
    function: async () => undefined,
    database: async () => (await database.pool()).query('SELECT 1'),
    sessions_table: (abortSignal: AbortSignal) =>
      dynamodb.send(new GetItemCommand({ TableName: config.sessionsTable, Key: PROBE_KEY }), { abortSignal }),
    secret: (abortSignal: AbortSignal) => secrets.read(config.dbSecretId, { abortSignal }),
  };
  return {
    handle: (request) => handleHealth(request, { logger, region: config.region, checks }),
    logger,
    async close() {
      await database.close();
      dynamodb.destroy();
    },
  };
}
