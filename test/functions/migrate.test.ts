import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import type { LocalPostgres } from '../../functions/local/postgres';
import { startPostgres } from '../../functions/local/postgres';
import { samplePaymentEvent } from '../../functions/local/sample-event';
import { setRolePassword } from '../../functions/migrate/app-role-password';
import {
  ChecksumMismatchError,
  MigrationFailedError,
  UnknownAppliedMigrationError,
  applyMigrations,
} from '../../functions/migrate/apply-migrations';
import { loadMigrateConfig } from '../../functions/migrate/config';
import { createMigrator } from '../../functions/migrate/create-migrator';
import type { Migration } from '../../functions/migrate/migration-set';
import { migration, migrationSetHash, readMigrationSet } from '../../functions/migrate/migration-set';
import { runMigration } from '../../functions/migrate/run-migration';
import { insertPaymentEvent } from '../../functions/webhook/payment-events-table';
import { captureOutput } from '../support/functions/captured-output';

const APP_ROLE = 'payments_app';
const APP_PASSWORD = 'a'.repeat(8) + 'Z9-_'.repeat(8);
const REPOSITORY_SET = readMigrationSet();

let postgres: LocalPostgres;
let secretsDir: string;
let databases = 0;

beforeAll(async () => {
  postgres = await startPostgres(await freePort());
  secretsDir = await mkdtemp(path.join(tmpdir(), 'payments-dr-migrate-'));
});
afterAll(async () => {
  await postgres?.destroy();
  if (secretsDir) await rm(secretsDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const connection = (database: string, user = postgres.user, password = postgres.password) => ({
  host: postgres.host,
  port: postgres.port,
  user,
  password,
  database,
});

/** A new empty database (each test starts from nothing; the app role is cluster-wide and created idempotently). */
async function freshDatabase(): Promise<string> {
  const name = `migrate_${(databases += 1)}`;
  await withClient('postgres', (client) => client.query(`CREATE DATABASE ${name}`));
  return name;
}

async function withClient<T>(database: string, work: (client: Client) => Promise<T>, user?: string, password?: string): Promise<T> {
  const client = new Client(connection(database, user, password));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const apply = (database: string, set: readonly Migration[]) => withClient(database, (client) => applyMigrations(client, set));

/** Tables, columns, constraints, grants and the migration history: what "the schema did not change" compares. */
async function schemaSnapshot(database: string) {
  return withClient(database, async (client) => ({
    columns: (
      await client.query(
        `SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns ` +
          `WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3`,
      )
    ).rows,
    constraints: (
      await client.query(
        `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1`,
      )
    ).rows,
    grants: (
      await client.query(`SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = $1 ORDER BY 1, 2`, [
        APP_ROLE,
      ])
    ).rows,
    history: (await client.query('SELECT name, checksum FROM schema_migrations ORDER BY name')).rows,
  }));
}

const tableExists = (database: string, table: string) =>
  withClient(database, async (client) => (await client.query('SELECT to_regclass($1) AS found', [table])).rows[0].found !== null);

describe('the migration set', () => {
  test('the repository holds 001 and 002, in name order, each with the SHA-256 of its SQL', () => {
    expect(REPOSITORY_SET.map((m) => m.name)).toEqual(['001_payment_events.sql', '002_payments_app_role.sql']);
    for (const m of REPOSITORY_SET) expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(REPOSITORY_SET.map((m) => m.checksum)).size).toBe(REPOSITORY_SET.length);
  });

  test.each([
    ['a changed content', [migration('001_a.sql', 'SELECT 2;'), migration('002_b.sql', 'SELECT 3;')]],
    ['a renamed file', [migration('001_a.sql', 'SELECT 1;'), migration('003_b.sql', 'SELECT 3;')]],
    ['an added migration', [migration('001_a.sql', 'SELECT 1;'), migration('002_b.sql', 'SELECT 3;'), migration('003_c.sql', 'SELECT 4;')]],
    ['content moved between files', [migration('001_a.sql', 'SELECT 1;SELECT 3;'), migration('002_b.sql', '')]],
  ])('the set hash changes with %s', (_change, changed) => {
    const base = [migration('001_a.sql', 'SELECT 1;'), migration('002_b.sql', 'SELECT 3;')];
    expect(migrationSetHash(changed)).not.toBe(migrationSetHash(base));
  });

  test('the set hash does not depend on the order the files are listed in', () => {
    const [a, b] = [migration('001_a.sql', 'SELECT 1;'), migration('002_b.sql', 'SELECT 3;')];
    expect(migrationSetHash([b, a])).toBe(migrationSetHash([a, b]));
  });

  test('a file that is not NNN_words.sql is refused, naming it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'payments-dr-migrations-'));
    try {
      await writeFile(path.join(dir, '001_ok.sql'), 'SELECT 1;');
      await writeFile(path.join(dir, 'add-index.sql'), 'SELECT 1;');
      expect(() => readMigrationSet(dir)).toThrow(/add-index\.sql must be named NNN_words\.sql/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('applying migrations on PostgreSQL 14', () => {
  test('a fresh database gets every migration, in name order; applying the same set again applies nothing, changes nothing', async () => {
    const database = await freshDatabase();
    expect(await apply(database, REPOSITORY_SET)).toEqual({
      applied: ['001_payment_events.sql', '002_payments_app_role.sql'],
      alreadyApplied: [],
    });
    const before = await schemaSnapshot(database);
    expect(before.history).toEqual(REPOSITORY_SET.map(({ name, checksum }) => ({ name, checksum })));
    expect(await apply(database, REPOSITORY_SET)).toEqual({
      applied: [],
      alreadyApplied: ['001_payment_events.sql', '002_payments_app_role.sql'],
    });
    expect(await schemaSnapshot(database)).toEqual(before);
  });

  test.each([
    ['a syntax error', 'CREATE TABLE refunds (id bigint PRIMARY KEY);\nCREATE TABL oops ();'],
    [
      'a runtime error after DDL succeeded',
      'CREATE TABLE refunds (id bigint PRIMARY KEY);\nALTER TABLE payment_events ADD COLUMN refunded boolean;\nSELECT 1 / 0;',
    ],
    [
      'a constraint the existing rows break',
      'INSERT INTO payment_events (event_id, event_type, payment_id, session_id, amount_minor, currency, event_created_at, ' +
        "received_region) VALUES ('e', 't', 'p', 's', 1, 'USD', now(), 'us-east-1');\nCREATE TABLE refunds " +
        '(id bigint PRIMARY KEY);\nALTER TABLE payment_events ADD CONSTRAINT no_rows CHECK (amount_minor < 0);',
    ],
  ])('a migration with %s is rolled back whole: the previous schema and history stay as they were', async (_kind, sql) => {
    const database = await freshDatabase();
    await apply(database, REPOSITORY_SET);
    const before = await schemaSnapshot(database);
    const broken = [...REPOSITORY_SET, migration('003_refunds.sql', sql)];
    const failure = apply(database, broken);
    await expect(failure).rejects.toThrow(MigrationFailedError);
    await expect(failure).rejects.toThrow(/migration 003_refunds\.sql failed and was rolled back/);
    expect(await tableExists(database, 'refunds')).toBe(false);
    expect(await schemaSnapshot(database)).toEqual(before);
    expect(await withClient(database, async (c) => (await c.query('SELECT count(*)::int AS n FROM payment_events')).rows[0].n)).toBe(0);
  });

  test('the migrations before a failing one stay applied and recorded; the failing one and those after it do not', async () => {
    const database = await freshDatabase();
    const set = [
      ...REPOSITORY_SET,
      migration('003_refunds.sql', 'CREATE TABLE refunds (id bigint PRIMARY KEY);'),
      migration('004_broken.sql', 'SELECT no_such_function();'),
      migration('005_later.sql', 'CREATE TABLE later (id int);'),
    ];
    await expect(apply(database, set)).rejects.toThrow(/migration 004_broken\.sql failed/);
    expect((await schemaSnapshot(database)).history.map((row) => row.name)).toEqual([
      '001_payment_events.sql',
      '002_payments_app_role.sql',
      '003_refunds.sql',
    ]);
    expect(await tableExists(database, 'refunds')).toBe(true);
    expect(await tableExists(database, 'later')).toBe(false);
  });

  test('an applied migration whose file changed is refused, and nothing pending runs', async () => {
    const database = await freshDatabase();
    await apply(database, REPOSITORY_SET);
    const [first, ...rest] = REPOSITORY_SET;
    const edited = [
      migration(first.name, `${first.sql}\nALTER TABLE payment_events ADD COLUMN note text;`),
      ...rest,
      migration('003_refunds.sql', 'CREATE TABLE refunds (id int);'),
    ];
    const refusal = apply(database, edited);
    await expect(refusal).rejects.toThrow(ChecksumMismatchError);
    await expect(refusal).rejects.toThrow(
      new RegExp(
        `migration 001_payment_events\\.sql was applied with checksum ${first.checksum} but its file now has ${edited[0].checksum}`,
      ),
    );
    expect(await tableExists(database, 'refunds')).toBe(false);
  });

  test('a database that records a migration the set does not hold is refused (an older bundle than the schema)', async () => {
    const database = await freshDatabase();
    await apply(database, [...REPOSITORY_SET, migration('003_refunds.sql', 'CREATE TABLE refunds (id int);')]);
    await expect(apply(database, REPOSITORY_SET)).rejects.toThrow(UnknownAppliedMigrationError);
  });

  test('concurrent runs apply each migration once: the second waits for the advisory lock, then finds nothing to do', async () => {
    const database = await freshDatabase();
    // the slow step keeps the first run inside the lock while the others arrive
    const set = [
      ...REPOSITORY_SET,
      migration('003_slow_counter.sql', 'CREATE TABLE apply_count (n int);\nINSERT INTO apply_count VALUES (1);\nSELECT pg_sleep(0.5);'),
    ];
    const outcomes = await Promise.all([1, 2, 3].map(() => apply(database, set)));
    const appliedAll = outcomes.flatMap((o) => o.applied).sort();
    expect(appliedAll).toEqual(set.map((m) => m.name));
    expect(outcomes.filter((o) => o.applied.length > 0)).toHaveLength(1);
    expect(await withClient(database, async (c) => (await c.query('SELECT count(*)::int AS n FROM apply_count')).rows[0].n)).toBe(1);
  });
});

describe('the app role (least privilege for the webhook and health)', () => {
  let database: string;
  let app: Pool;

  beforeAll(async () => {
    database = await freshDatabase();
    await withClient(database, async (client) => {
      await applyMigrations(client, REPOSITORY_SET);
      await setRolePassword(client, APP_ROLE, APP_PASSWORD);
      await client.query('CREATE SCHEMA ledger');
      await client.query('CREATE TABLE ledger.entries (id int)');
      await client.query('INSERT INTO ledger.entries VALUES (1)');
    });
    app = new Pool(connection(database, APP_ROLE, APP_PASSWORD));
  });
  afterAll(() => app?.end());

  test("the webhook's own statements work as the app role: insert, duplicate, read back", async () => {
    const event = samplePaymentEvent();
    expect(await insertPaymentEvent(app, event, 'us-east-1')).toBe('inserted');
    expect(await insertPaymentEvent(app, event, 'us-east-1')).toBe('duplicate');
    expect((await app.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  test.each([
    ['DROP the table', 'DROP TABLE payment_events'],
    ['TRUNCATE the table', 'TRUNCATE payment_events'],
    ['UPDATE a payment event', "UPDATE payment_events SET amount_minor = 0 WHERE event_id = 'x'"],
    ['DELETE a payment event', 'DELETE FROM payment_events'],
    ['ALTER the table', 'ALTER TABLE payment_events ADD COLUMN note text'],
    ['CREATE a table in public', 'CREATE TABLE public.notes (id int)'],
    ['CREATE a temporary table', 'CREATE TEMP TABLE scratch (id int)'],
    ['CREATE a schema', 'CREATE SCHEMA mine'],
    ['read another schema', 'SELECT * FROM ledger.entries'],
    ['read the migration history', 'SELECT * FROM schema_migrations'],
    ['reset the sequence', "SELECT setval('payment_events_id_seq', 1)"],
  ])('the app role cannot %s (insufficient privilege)', async (_what, sql) => {
    await expect(app.query(sql)).rejects.toMatchObject({ code: '42501' });
  });

  test('the master password does not log the app role in, and a wrong one is refused', async () => {
    const wrong = new Client(connection(database, APP_ROLE, postgres.password));
    await expect(wrong.connect()).rejects.toMatchObject({ code: '28P01' });
    await wrong.end().catch(() => undefined);
  });

  test('a rotated password takes effect on the next run: the old one is refused, the new one works', async () => {
    const rotated = 'r'.repeat(40);
    await withClient(database, (client) => setRolePassword(client, APP_ROLE, rotated));
    await expect(withClient(database, (c) => c.query('SELECT 1'), APP_ROLE, APP_PASSWORD)).rejects.toMatchObject({ code: '28P01' });
    expect((await withClient(database, (c) => c.query('SELECT 1 AS ok'), APP_ROLE, rotated)).rows).toEqual([{ ok: 1 }]);
    await withClient(database, (client) => setRolePassword(client, APP_ROLE, APP_PASSWORD));
  });

  test.each([
    ['too short', 'short-password'],
    ['with a space', `${'x'.repeat(20)} ${'y'.repeat(20)}`],
  ])('a password %s is refused naming the rule, without echoing it', async (_what, password) => {
    const refusal = withClient(database, (client) => setRolePassword(client, APP_ROLE, password));
    await expect(refusal).rejects.toThrow(/must be at least 32 printable ASCII characters/);
    await expect(refusal).rejects.not.toThrow(password);
  });
});

describe('the migrate function (runMigration with the wiring of the Lambda: config, secrets file, writer)', () => {
  let secretsFile: string;
  const env = (database: string): Record<string, string> => ({
    AWS_REGION: 'us-east-1',
    REGION_SUFFIX: 'use1',
    ENVIRONMENT_SUFFIX: 'test',
    DB_WRITER_ENDPOINT: postgres.host,
    DB_PORT: String(postgres.port),
    DB_NAME: database,
    DB_TLS: 'disable',
    SECRETS_FILE: secretsFile,
    DB_MASTER_SECRET_ID: 'db-credentials-test',
    DB_MASTER_USERNAME: postgres.user,
    DB_APP_SECRET_ID: 'db-app-credentials-test',
    DB_APP_USERNAME: APP_ROLE,
    LOG_LEVEL: 'ERROR',
  });

  beforeAll(async () => {
    secretsFile = path.join(secretsDir, 'secrets.json');
    // as in AWS: both secrets hold the bare password, the user names come from the configuration
    await writeFile(secretsFile, JSON.stringify({ 'db-credentials-test': postgres.password, 'db-app-credentials-test': APP_PASSWORD }));
  });

  async function invoke(database: string, set: readonly Migration[], event: Record<string, unknown>) {
    const migrator = createMigrator(loadMigrateConfig(env(database)), set);
    const output = captureOutput();
    try {
      return await runMigration(event, migrator);
    } finally {
      output.restore();
      await migrator.close();
    }
  }
  const request = (set: readonly Migration[], extra: Record<string, unknown> = {}) => ({
    migrationSetHash: migrationSetHash(set),
    appCredentialsVersionId: 'v-1',
    ...extra,
  });

  test('create, then an update with the same set: everything applied once, the app role can log in', async () => {
    const database = await freshDatabase();
    expect(await invoke(database, REPOSITORY_SET, request(REPOSITORY_SET))).toMatchObject({
      action: 'create',
      applied: REPOSITORY_SET.map((m) => m.name),
      appRolePasswordSet: true,
    });
    expect(await invoke(database, REPOSITORY_SET, request(REPOSITORY_SET, { tf: { action: 'update', prev_input: {} } }))).toMatchObject({
      action: 'update',
      applied: [],
      alreadyApplied: REPOSITORY_SET.map((m) => m.name),
    });
    expect((await withClient(database, (c) => c.query('SELECT current_user AS who'), APP_ROLE, APP_PASSWORD)).rows).toEqual([
      { who: APP_ROLE },
    ]);
  });

  test('a failing migration makes the function throw (Lambda reports a function error: the Invocation is not Synced)', async () => {
    const database = await freshDatabase();
    const broken = [...REPOSITORY_SET, migration('003_broken.sql', 'CREATE TABLE refunds (id int);\nSELECT 1 / 0;')];
    await expect(invoke(database, broken, request(broken))).rejects.toThrow(
      /migration 003_broken\.sql failed and was rolled back: division by zero/,
    );
    expect((await schemaSnapshot(database)).history.map((row) => row.name)).toEqual(REPOSITORY_SET.map((m) => m.name));
    expect(await tableExists(database, 'refunds')).toBe(false);
  });

  test('an input naming another set than the one the function carries is refused before touching the database', async () => {
    const database = await freshDatabase();
    const newer = [...REPOSITORY_SET, migration('003_refunds.sql', 'CREATE TABLE refunds (id int);')];
    await expect(invoke(database, REPOSITORY_SET, request(newer))).rejects.toThrow(
      `input.migrationSetHash ${migrationSetHash(newer)} is not the set this function carries (${migrationSetHash(REPOSITORY_SET)})`,
    );
    expect(await tableExists(database, 'schema_migrations')).toBe(false);
  });

  test('a delete (the Invocation going away, lifecycleScope CRUD) changes nothing', async () => {
    const database = await freshDatabase();
    expect(await invoke(database, REPOSITORY_SET, request(REPOSITORY_SET, { tf: { action: 'delete', prev_input: {} } }))).toMatchObject({
      action: 'delete',
      applied: [],
    });
    expect(await tableExists(database, 'schema_migrations')).toBe(false);
  });

  test.each([
    [{ appCredentialsVersionId: 'v-1' }, 'input.migrationSetHash must be a 64-character lowercase hex SHA-256'],
    [{ migrationSetHash: 'ABC', appCredentialsVersionId: 'v-1' }, 'input.migrationSetHash must be a 64-character lowercase hex SHA-256'],
    [{ migrationSetHash: 'a'.repeat(64) }, 'input.appCredentialsVersionId must be a non-empty string'],
    [
      { migrationSetHash: 'a'.repeat(64), appCredentialsVersionId: 'v', tf: { action: 'read' } },
      'input.tf.action must be create, update or delete (got "read")',
    ],
  ])('input %j is refused: %s', async (event, message) => {
    await expect(invoke('postgres', REPOSITORY_SET, event)).rejects.toThrow(message);
  });

  test.each([
    ['DB_MASTER_SECRET_ID', 'DB_MASTER_SECRET_ID is required'],
    ['DB_APP_USERNAME', 'DB_APP_USERNAME is required'],
  ])('configuration without %s is refused naming it', (variable, message) => {
    const { [variable]: _dropped, ...rest } = env('payments');
    expect(() => loadMigrateConfig(rest)).toThrow(message);
  });

  test('the app role must not be the master user', () => {
    expect(() => loadMigrateConfig({ ...env('payments'), DB_APP_USERNAME: postgres.user })).toThrow(
      'DB_APP_USERNAME must differ from DB_MASTER_USERNAME',
    );
  });
});
