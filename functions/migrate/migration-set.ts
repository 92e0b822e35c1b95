import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** functions/migrations/: the schema, one file per step, applied in name order. */
export const MIGRATIONS_DIR = path.join(__dirname, '..', 'migrations');

/** `NNN_words.sql`: the number orders the set, the words say what the step does. */
const MIGRATION_FILE = /^\d{3}_[a-z0-9_]+\.sql$/;

export interface Migration {
  /** File name, e.g. `001_payment_events.sql`; the key in schema_migrations. */
  readonly name: string;
  readonly sql: string;
  /** Hex SHA-256 of `sql`: an applied migration whose file changed afterwards is refused. */
  readonly checksum: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The migrations of `dir` in name order; a file that is not `NNN_words.sql` is an error naming it. */
export function readMigrationSet(dir: string = MIGRATIONS_DIR): Migration[] {
  const names = readdirSync(dir).sort();
  const misnamed = names.filter((name) => !MIGRATION_FILE.test(name));
  if (misnamed.length)
    throw new Error(`${dir}: ${misnamed.join(', ')} must be named NNN_words.sql (three digits, then lowercase words joined by _)`);
  return names.map((name) => migration(name, readFileSync(path.join(dir, name), 'utf8')));
}

export function migration(name: string, sql: string): Migration {
  return { name, sql, checksum: sha256(sql) };
}

/**
 * The identity of a whole set: SHA-256 over every name and content, in name order. The synth puts
 * it in the migration Invocation's input (a new or changed migration re-invokes the function) and
 * the bundle carries the same set, so the function can refuse an input that names another set.
 */
export function migrationSetHash(set: readonly Migration[]): string {
  const hash = createHash('sha256');
  for (const { name, sql } of [...set].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    hash.update(`${name}\0${Buffer.byteLength(sql, 'utf8')}\0`).update(sql, 'utf8');
  }
  return hash.digest('hex');
}
