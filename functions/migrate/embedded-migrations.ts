import type { Migration } from './migration-set';
import { readMigrationSet } from './migration-set';

/**
 * The migration set the function applies. Read from functions/migrations/ when run from source
 * (tests, `npm run local`); in the Lambda bundle functions/build.ts replaces this module with the
 * set itself, so the zip carries its SQL and reads no file at run time.
 */
export const EMBEDDED_MIGRATIONS: readonly Migration[] = readMigrationSet();
