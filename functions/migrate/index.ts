import type { Context } from 'aws-lambda';
import { loadMigrateConfig } from './config';
import { createMigrator } from './create-migrator';
import { EMBEDDED_MIGRATIONS } from './embedded-migrations';
import { runMigration } from './run-migration';

// Cold start: configuration is validated and clients are created once per execution environment.
const migrator = createMigrator(loadMigrateConfig(process.env), EMBEDDED_MIGRATIONS);

/** Invoked by the PaymentGlobal Invocation (lambda.aws.upbound.io) when the migration set or the app secret version changes. */
export const handler = async (event: unknown, context: Context) => {
  migrator.logger.addContext(context);
  return runMigration(event, migrator);
};
