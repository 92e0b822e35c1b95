import type { Logger } from '@aws-lambda-powertools/logger';
import type { PoolClient } from 'pg';
import { setRolePassword } from './app-role-password';
import { applyMigrations } from './apply-migrations';
import type { Migration } from './migration-set';
import { migrationSetHash } from './migration-set';
import { parseMigrationRequest } from './migration-request';

export interface MigrationDependencies {
  /** The set this function carries (the bundle's, or functions/migrations/ from source). */
  set: readonly Migration[];
  /** A dedicated connection to the writer as the master user; released (destroyed on error) after the run. */
  connect(): Promise<PoolClient>;
  /** The app role's password, read from its secret at run time. */
  appPassword(): Promise<string>;
  appUsername: string;
  logger: Logger;
}

export interface MigrationResult {
  action: 'create' | 'update' | 'delete';
  migrationSetHash: string;
  applied: string[];
  alreadyApplied: string[];
  appRolePasswordSet: boolean;
}

/**
 * One invocation: checks the request names the set this function carries (an Invocation composed
 * for a newer set than the deployed code fails, and the provider retries once the code is there),
 * applies it, then sets the app role's password from its secret. Any failure throws, so Lambda
 * reports a function error and the provider does not mark the Invocation Synced. A delete (the
 * claim going away) changes nothing: the schema outlives its Invocation.
 */
export async function runMigration(event: unknown, deps: MigrationDependencies): Promise<MigrationResult> {
  const request = parseMigrationRequest(event);
  const carried = migrationSetHash(deps.set);
  if (request.action === 'delete') {
    deps.logger.info('invocation deleted: the schema is left as it is', { migrationSetHash: request.migrationSetHash });
    return { action: 'delete', migrationSetHash: request.migrationSetHash, applied: [], alreadyApplied: [], appRolePasswordSet: false };
  }
  if (request.migrationSetHash !== carried) {
    throw new Error(
      `input.migrationSetHash ${request.migrationSetHash} is not the set this function carries ` +
        `(${carried}): the function code is not the synthesized one yet, or the input is stale`,
    );
  }
  const client = await deps.connect();
  let failure: Error | undefined;
  try {
    const outcome = await applyMigrations(client, deps.set);
    await setRolePassword(client, deps.appUsername, await deps.appPassword());
    deps.logger.info('migrations applied', {
      migrationSetHash: carried,
      applied: outcome.applied,
      alreadyApplied: outcome.alreadyApplied,
      appCredentialsVersionId: request.appCredentialsVersionId,
    });
    return { action: request.action, migrationSetHash: carried, ...outcome, appRolePasswordSet: true };
  } catch (error) {
    failure = error as Error;
    deps.logger.error('migration run failed', { error: failure, migrationSetHash: carried });
    throw failure;
  } finally {
    client.release(failure);
  }
}
