import type { ClientBase } from 'pg';
import type { Migration } from './migration-set';

/**
 * Key of the session-level advisory lock every migration run takes (any fixed bigint: the ASCII
 * of "paymigr"). A second run waits for the first, then finds nothing left to apply.
 */
export const MIGRATION_LOCK_KEY = 0x7061796d696772n;

export interface MigrationOutcome {
  /** Applied by this run, in order. */
  applied: string[];
  /** Found already applied, with the same checksum. */
  alreadyApplied: string[];
}

/** An applied migration's file no longer has the checksum it was applied with: the history was rewritten. */
export class ChecksumMismatchError extends Error {
  constructor(
    readonly migration: string,
    readonly recorded: string,
    readonly current: string,
  ) {
    super(
      `migration ${migration} was applied with checksum ${recorded} but its file now has ` +
        `${current}: an applied migration must never change; add a new migration instead`,
    );
    this.name = 'ChecksumMismatchError';
  }
}

/** A migration's SQL failed; its transaction was rolled back and the ones before it stay applied. */
export class MigrationFailedError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    super(`migration ${migration} failed and was rolled back: ${(cause as Error).message}`, { cause });
    this.name = 'MigrationFailedError';
  }
}

/** An applied migration that the set does not hold (an older bundle than the database): refused, never guessed at. */
export class UnknownAppliedMigrationError extends Error {
  constructor(readonly migrations: string[]) {
    super(`schema_migrations records ${migrations.join(', ')}, which this migration set does not contain: deploy the set that has them`);
    this.name = 'UnknownAppliedMigrationError';
  }
}

/**
 * Applies `set` on `client` (one dedicated connection, as the database owner): under the advisory
 * lock, every recorded migration is checked against its checksum first (nothing runs when one
 * differs), then each pending one runs in its own transaction together with its schema_migrations
 * row — it is applied and recorded, or neither. Applying the same set again applies nothing.
 */
export async function applyMigrations(client: ClientBase, set: readonly Migration[]): Promise<MigrationOutcome> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
  try {
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         name       text        PRIMARY KEY,
         checksum   text        NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const recorded = new Map(
      (await client.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).rows.map((row) => [
        row.name,
        row.checksum,
      ]),
    );
    const unknown = [...recorded.keys()].filter((name) => !set.some((m) => m.name === name)).sort();
    if (unknown.length) throw new UnknownAppliedMigrationError(unknown);
    const ordered = [...set].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const { name, checksum } of ordered) {
      const applied = recorded.get(name);
      if (applied !== undefined && applied !== checksum) throw new ChecksumMismatchError(name, applied, checksum);
    }
    const outcome: MigrationOutcome = { applied: [], alreadyApplied: ordered.filter((m) => recorded.has(m.name)).map((m) => m.name) };
    for (const migration of ordered.filter((m) => !recorded.has(m.name))) {
      await inTransaction(client, migration.name, async () => {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [migration.name, migration.checksum]);
      });
      outcome.applied.push(migration.name);
    }
    return outcome;
  } finally {
    // the lock is held by the session: when the unlock fails the session is gone, and so is the lock
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]).catch(() => undefined);
  }
}

async function inTransaction(client: ClientBase, name: string, work: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await work();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new MigrationFailedError(name, error);
  }
}
