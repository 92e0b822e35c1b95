import { regionalSecretReader } from '../shared/aws-clients';
import { lazyDatabase, parseDbCredentials, poolSettings } from '../shared/database';
import type { RdsByRegion } from '../shared/endpoints';
import { endpointResolver, lazyRdsClients } from '../shared/endpoints';
import { createLogger } from '../shared/logger';
import type { SecretsManagerApi } from '../shared/secrets';
import type { MigrateConfig } from './config';
import type { Migration } from './migration-set';
import type { MigrationDependencies } from './run-migration';

/** Lambda timeout 300 s: a long migration (an index build) gets most of it; the lock wait counts too. */
export const MIGRATE_TIMEOUTS = {
  aws: { connectionTimeoutMs: 2000, requestTimeoutMs: 3000, maxAttempts: 3 },
  connectMs: 10_000,
  statementMs: 270_000,
} as const;

export interface MigratorOverrides {
  secretsManager?: SecretsManagerApi;
  rds?: RdsByRegion;
}

/**
 * Wires the migrate function: secret reader, writer discovery and a one-connection pool, created
 * once per execution environment. Secrets are read fresh on every run (a rotation is picked up).
 */
export function createMigrator(
  config: MigrateConfig,
  set: readonly Migration[],
  overrides: MigratorOverrides = {},
): MigrationDependencies & { close(): Promise<void> } {
  const logger = createLogger(config, 'payments-migrate');
  const secrets = regionalSecretReader(config, MIGRATE_TIMEOUTS.aws, overrides.secretsManager);
  const rdsClients = overrides.rds ? undefined : lazyRdsClients(MIGRATE_TIMEOUTS.aws);
  const target = endpointResolver(config.dbWriter, overrides.rds ?? (rdsClients as RdsByRegion), config.region);
  const database = lazyDatabase(
    poolSettings(config, target, {
      max: 1,
      connectionTimeoutMs: MIGRATE_TIMEOUTS.connectMs,
      statementTimeoutMs: MIGRATE_TIMEOUTS.statementMs,
      applicationName: `payments-migrate-${config.regionSuffix}`,
    }),
    async () => parseDbCredentials(await secrets.read(config.masterSecretId), config.masterUsername),
    (error) => logger.warn('idle database connection failed', { error }),
  );
  return {
    set,
    logger,
    appUsername: config.appUsername,
    connect: async () => (await database.pool()).connect(),
    appPassword: async () => parseDbCredentials(await secrets.read(config.appSecretId), config.appUsername).password,
    async close() {
      await database.close();
      rdsClients?.destroy();
    },
  };
}
