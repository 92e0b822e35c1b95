import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Client } from 'pg';
import { initialiseActiveRegion } from '../shared/fencing';
import type { LocalDynamoDb } from './dynamodb';
import { createTables, startDynalite } from './dynamodb';
import { migrateLocally } from './migrations';
import type { LocalPostgres } from './postgres';
import { startPostgres } from './postgres';

const DB_NAME = 'payments';
/** The least-privilege role migration 002 creates; the webhook and health connect as it, as in AWS. */
const APP_USERNAME = 'payments_app';

/** Everything the functions need, on this machine: dynalite + embedded PostgreSQL 14 + a secrets file. */
export interface LocalStack {
  /** A complete function configuration (see shared/config.ts), local overrides included; the database user is the app role. */
  env: Record<string, string>;
  /** The migrate function's configuration (functions/migrate/config.ts): the master user, as in AWS. */
  migrateEnv: Record<string, string>;
  /** Secret id → value, as Secrets Manager would hold them (also in the SECRETS_FILE of `env`). */
  secrets: Record<string, string>;
  /** The active webhook signing secrets, for signing test requests. */
  signingSecrets: string[];
  postgres: LocalPostgres;
  dynamodb: LocalDynamoDb;
  /** Calls `listener` when an engine process exits without having been asked to (killed, crashed). */
  onEngineExit(listener: (what: string) => void): void;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** The active webhook signing secrets (default: one random secret). */
  signingSecrets?: string[];
  /** PostgreSQL also serves TLS with this certificate (tests of the functions' certificate checks). */
  postgresTls?: { certPem: string; keyPem: string };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const [postgresPort, dynamodbPort] = await freePorts(2);
  const started = await Promise.allSettled([
    startPostgres(postgresPort, { tls: options.postgresTls }),
    startDynalite(dynamodbPort),
    mkdtemp(path.join(tmpdir(), 'payments-dr-secrets-')),
  ] as const);
  const [postgres, dynamodb, secretsDir] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined)) as [
    LocalPostgres?,
    LocalDynamoDb?,
    string?,
  ];
  const stop = async () => {
    await Promise.allSettled([postgres?.destroy(), dynamodb?.close(), secretsDir && rm(secretsDir, { recursive: true, force: true })]);
  };
  const failure = started.find((result) => result.status === 'rejected');
  if (failure || !postgres || !dynamodb || !secretsDir) {
    await stop(); // whatever did start
    throw failure?.reason;
  }
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    REGION_SUFFIX: 'use1',
    ENVIRONMENT_SUFFIX: 'local',
    SESSIONS_TABLE: 'sessions-use1-local',
    IDEMPOTENCY_TABLE: 'idempotency-use1-local',
    DR_STATE_TABLE: 'dr-state-use1-local',
    DB_SECRET_ID: 'db-app-credentials-local',
    SIGNING_SECRET_ID: 'webhook-signing-local',
    DB_WRITER_ENDPOINT: postgres.host,
    DB_LOCAL_ENDPOINT: postgres.host,
    DB_NAME,
    DB_PORT: String(postgres.port),
    LOG_LEVEL: 'INFO',
    DYNAMODB_ENDPOINT: dynamodb.endpoint,
    SECRETS_FILE: path.join(secretsDir, 'secrets.json'),
    DB_TLS: 'disable',
  };
  const migrateEnv: Record<string, string> = {
    AWS_REGION: env.AWS_REGION,
    REGION_SUFFIX: env.REGION_SUFFIX,
    ENVIRONMENT_SUFFIX: env.ENVIRONMENT_SUFFIX,
    DB_WRITER_ENDPOINT: postgres.host,
    DB_NAME,
    DB_PORT: String(postgres.port),
    DB_TLS: 'disable',
    SECRETS_FILE: env.SECRETS_FILE,
    DB_MASTER_SECRET_ID: 'db-credentials-local',
    DB_MASTER_USERNAME: postgres.user,
    DB_APP_SECRET_ID: env.DB_SECRET_ID,
    DB_APP_USERNAME: APP_USERNAME,
    LOG_LEVEL: 'WARN',
  };
  const signingSecrets = options.signingSecrets ?? [`whsec_${randomBytes(24).toString('hex')}`];
  const secrets = {
    [migrateEnv.DB_MASTER_SECRET_ID]: JSON.stringify({ username: postgres.user, password: postgres.password, engine: 'postgres' }),
    [env.DB_SECRET_ID]: JSON.stringify({ username: APP_USERNAME, password: randomBytes(24).toString('hex'), engine: 'postgres' }),
    [env.SIGNING_SECRET_ID]: JSON.stringify(signingSecrets),
  };
  try {
    await writeFile(env.SECRETS_FILE, JSON.stringify(secrets), { mode: 0o600 });
    await createDatabase(postgres, DB_NAME);
    await migrateLocally(migrateEnv);
    await createTables(dynamodb.endpoint, {
      sessionsTable: env.SESSIONS_TABLE,
      idempotencyTable: env.IDEMPOTENCY_TABLE,
      drStateTable: env.DR_STATE_TABLE,
    });
    // what `npm run dr -- init` does for a new environment: without it every delivery is refused (fail closed)
    await initialiseFence(dynamodb.endpoint, env.DR_STATE_TABLE);
  } catch (error) {
    await stop();
    throw error;
  }
  const onEngineExit = (listener: (what: string) => void) => {
    postgres.onUnexpectedExit(listener);
    dynamodb.onUnexpectedExit(listener);
  };
  return { env, migrateEnv, secrets, signingSecrets, postgres, dynamodb, onEngineExit, stop };
}

async function initialiseFence(endpoint: string, table: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await initialiseActiveRegion(client, table, {
      activeRegion: 'us-east-1',
      epoch: 1,
      reason: 'local stack',
      decidedBy: 'npm run local',
      updatedAt: new Date(),
    });
  } finally {
    client.destroy();
  }
}

async function createDatabase(postgres: LocalPostgres, name: string): Promise<void> {
  const client = new Client({
    host: postgres.host,
    port: postgres.port,
    user: postgres.user,
    password: postgres.password,
    database: 'postgres',
  });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** `count` distinct ports that were free a moment ago (the OS picks them; all are held until all are picked). */
async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      servers.map(
        (server) =>
          new Promise<number>((resolve, reject) => {
            server.once('error', reject);
            server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
          }),
      ),
    );
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}
