import { loadMigrateConfig } from '../migrate/config';
import { createMigrator } from '../migrate/create-migrator';
import { EMBEDDED_MIGRATIONS } from '../migrate/embedded-migrations';
import { migrationSetHash } from '../migrate/migration-set';
import type { MigrationResult } from '../migrate/run-migration';
import { runMigration } from '../migrate/run-migration';

/**
 * Runs the migrate function's own code locally — configuration, secrets file, migrations, app role
 * password — as the Invocation would with the set's hash: `env` is the migrate function's
 * configuration (functions/migrate/config.ts) pointing at the local PostgreSQL.
 */
export async function migrateLocally(env: Record<string, string>): Promise<MigrationResult> {
  const migrator = createMigrator(loadMigrateConfig(env), EMBEDDED_MIGRATIONS);
  try {
    return await runMigration({ migrationSetHash: migrationSetHash(EMBEDDED_MIGRATIONS), appCredentialsVersionId: 'local' }, migrator);
  } finally {
    await migrator.close();
  }
}
