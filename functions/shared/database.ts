import { existsSync, readFileSync } from 'node:fs';
import { Pool } from 'pg';
import type { Config } from './config';
import type { SecretReader } from './secrets';

/**
 * In Lambda nodejs22.x the Amazon root CAs (which sign the RDS server certificates) are not
 * loaded by default; the runtime ships them in this file. With it, `rejectUnauthorized: true`
 * verifies the Aurora endpoint's certificate and host name.
 */
const LAMBDA_AMAZON_CA_BUNDLE = '/var/runtime/ca-cert.pem';

export interface DbCredentials {
  username: string;
  password: string;
}

export interface PoolSettings {
  /** Resolves the host name (fixed, or discovered once through the RDS API). */
  host: () => Promise<string>;
  port: number;
  database: string;
  /** Verify the server certificate (always in AWS; only local engines run without TLS). */
  tls: boolean;
  max: number;
  connectionTimeoutMs: number;
  /** Server-side statement_timeout and client-side query timeout. */
  statementTimeoutMs: number;
  applicationName: string;
  /** User name when the secret holds only the password (DB_USERNAME). */
  username?: string;
}

/**
 * Reads the DB secret without echoing its content. Two shapes are accepted: JSON
 * `{"username": ..., "password": ...}`, or the bare password — what the replicated secret holds
 * in AWS, fed from the Kubernetes Secret Crossplane generated the master password into — with the
 * user name from DB_USERNAME.
 */
export function parseDbCredentials(secretString: string, username?: string): DbCredentials {
  if (!secretString.trimStart().startsWith('{')) {
    if (!username) throw new Error('database secret holds a bare password: DB_USERNAME must name the user');
    if (!secretString) throw new Error('database secret is empty');
    return { username, password: secretString };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new Error('database secret is not JSON');
  }
  const fields = (parsed ?? {}) as Record<string, unknown>;
  const password = fields.password;
  const user = fields.username ?? username;
  if (typeof user !== 'string' || !user || typeof password !== 'string' || !password) {
    throw new Error('database secret needs string fields username and password');
  }
  return { username: user, password };
}

/** Pool settings from the configuration plus a function's own sizing and timeouts. */
export function poolSettings(config: Config, host: PoolSettings['host'], sizing: Pick<PoolSettings, 'max' | 'connectionTimeoutMs' | 'statementTimeoutMs' | 'applicationName'>): PoolSettings {
  return { host, port: config.dbPort, database: config.dbName, username: config.dbUsername, tls: config.dbTls, ...sizing };
}

export interface Database {
  pool(): Promise<Pool>;
  close(): Promise<void>;
}

/**
 * A pg pool created on first use (the user name comes from the secret). The password is read
 * through the (cached) secret reader for every new connection, so a rotated password is picked
 * up without a cold start. Idle-client errors (e.g. a failover closing connections) go to
 * `onIdleError` instead of crashing the process.
 */
export function lazyDatabase(
  settings: PoolSettings,
  secrets: SecretReader,
  secretId: string,
  onIdleError: (error: Error) => void,
): Database {
  let pool: Promise<Pool> | undefined;
  const credentials = async () => parseDbCredentials(await secrets.read(secretId), settings.username);
  const create = async () => {
    const { username } = await credentials();
    const host = await settings.host();
    const created = new Pool({
      host,
      port: settings.port,
      database: settings.database,
      user: username,
      password: async () => (await credentials()).password,
      ssl: settings.tls ? tlsOptions() : false,
      max: settings.max,
      connectionTimeoutMillis: settings.connectionTimeoutMs,
      statement_timeout: settings.statementTimeoutMs,
      query_timeout: settings.statementTimeoutMs,
      idleTimeoutMillis: 60_000,
      allowExitOnIdle: true,
      application_name: settings.applicationName,
    });
    // pg attaches the whole client (connection parameters, cancel key) to the error: pass on only the error
    created.on('error', ({ name, message, code }: Error & { code?: string }) => {
      onIdleError(Object.assign(new Error(message), { name, code }));
    });
    return created;
  };
  return {
    pool() {
      pool ??= create().catch((error: unknown) => {
        pool = undefined;
        throw error;
      });
      return pool;
    },
    async close() {
      const current = pool;
      pool = undefined;
      if (current) await (await current.catch(() => undefined))?.end();
    },
  };
}

function tlsOptions() {
  const ca = existsSync(LAMBDA_AMAZON_CA_BUNDLE) ? readFileSync(LAMBDA_AMAZON_CA_BUNDLE, 'utf8') : undefined;
  return { rejectUnauthorized: true, ca };
}
