import { existsSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import type { PeerCertificate } from 'node:tls';
import { checkServerIdentity } from 'node:tls';
import { Pool } from 'pg';
import type { Config } from './config';
import type { DbTarget, EndpointResolver } from './endpoints';
import { type SecretReader, cachedParsedSecret } from './secrets';

/**
 * In Lambda nodejs22.x the Amazon root CAs (which sign the RDS server certificates) are not
 * loaded by default; the runtime ships them in this file. With it, `rejectUnauthorized: true`
 * verifies the Aurora endpoint's certificate chain; `checkServerIdentity` below verifies its name.
 */
export const LAMBDA_AMAZON_CA_BUNDLE = '/var/runtime/ca-cert.pem';

export interface DbCredentials {
  username: string;
  password: string;
}

export interface PoolSettings {
  /** The host to connect to and the names its certificate may carry (fixed, or discovered through the RDS API). */
  target: EndpointResolver;
  port: number;
  database: string;
  /**
   * `false` only for local engines (DB_TLS=disable). Otherwise TLS with the chain verified against
   * `caFile` (default: the Lambda runtime's Amazon CA bundle) and the name against the target's names.
   */
  tls: false | { caFile?: string };
  /** Local only (DB_CONNECT_ADDRESS): the IP to open the TCP connection to; names and SNI stay the target's. */
  connectAddress?: string;
  max: number;
  connectionTimeoutMs: number;
  /** Server-side statement_timeout and client-side query timeout. */
  statementTimeoutMs: number;
  applicationName: string;
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

/** The function's database credentials: DB_SECRET_ID parsed (DB_USERNAME for a bare password), cached for `cacheMs`. */
export function cachedDbCredentials(secrets: SecretReader, config: Pick<Config, 'dbSecretId' | 'dbUsername'>, cacheMs: number) {
  return cachedParsedSecret(secrets, config.dbSecretId, (value) => parseDbCredentials(value, config.dbUsername), cacheMs);
}

/** Pool settings from the configuration plus a function's own sizing and timeouts. */
export function poolSettings(
  config: Pick<Config, 'dbPort' | 'dbName' | 'dbTls' | 'dbTlsCaFile' | 'dbConnectAddress'>,
  target: EndpointResolver,
  sizing: Pick<PoolSettings, 'max' | 'connectionTimeoutMs' | 'statementTimeoutMs' | 'applicationName'>,
): PoolSettings {
  return {
    target,
    port: config.dbPort,
    database: config.dbName,
    tls: config.dbTls ? { caFile: config.dbTlsCaFile } : false,
    connectAddress: config.dbConnectAddress,
    ...sizing,
  };
}

export interface Database {
  pool(): Promise<Pool>;
  close(): Promise<void>;
}

/**
 * A pg pool created on first use (the user name comes from the secret). The password is read
 * through the (cached) credentials for every new connection, so a rotated password is picked up
 * without a cold start. When a server certificate names none of the target's names (after a
 * failover the global writer endpoint leads to the other cluster), the target and the pool are
 * dropped: the next connection looks the writer up again and verifies against its name.
 * Idle-client errors (e.g. a failover closing connections) go to `onIdleError` instead of
 * crashing the process.
 */
export function lazyDatabase(
  settings: PoolSettings,
  credentials: () => Promise<DbCredentials>,
  onIdleError: (error: Error) => void,
): Database {
  let pool: Promise<Pool> | undefined;
  const retire = (stale: Promise<Pool> | undefined) => {
    if (!stale || pool !== stale) return;
    pool = undefined;
    settings.target.forget();
    void stale.then((old) => old.end()).catch(() => undefined);
  };
  const create = async () => {
    const { username } = await credentials();
    const target = await settings.target.resolve();
    const current = pool;
    const created = new Pool({
      host: target.host,
      port: settings.port,
      database: settings.database,
      user: username,
      password: async () => (await credentials()).password,
      ssl: settings.tls ? tlsOptions(settings.tls.caFile, target, () => retire(current)) : false,
      ...(settings.connectAddress && { stream: () => socketTo(settings.connectAddress as string) }),
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
      if (!pool) {
        const creating: Promise<Pool> = create().catch((error: unknown) => {
          if (pool === creating) pool = undefined;
          throw error;
        });
        pool = creating;
      }
      return pool;
    },
    async close() {
      const current = pool;
      pool = undefined;
      if (current) await (await current.catch(() => undefined))?.end();
    },
  };
}

/**
 * TLS that is verified, always: the chain against the CA bundle (`rejectUnauthorized: true`) and
 * the certificate's names against the target's names (`verifyServerIdentity`). Never
 * `rejectUnauthorized: false`.
 */
export function tlsOptions(caFile: string | undefined, target: DbTarget, onMismatch: () => void) {
  const file = caFile ?? (existsSync(LAMBDA_AMAZON_CA_BUNDLE) ? LAMBDA_AMAZON_CA_BUNDLE : undefined);
  return {
    rejectUnauthorized: true,
    ca: file ? readFileSync(file, 'utf8') : undefined,
    checkServerIdentity: (_host: string, certificate: PeerCertificate) => {
      const failure = verifyServerIdentity(target.tlsNames, certificate);
      if (failure) onMismatch();
      return failure;
    },
  };
}

/** Undefined when the certificate is valid for one of `names` (Node's own RFC 6125 matching), the error otherwise. */
export function verifyServerIdentity(names: readonly string[], certificate: PeerCertificate): Error | undefined {
  let first: Error | undefined;
  for (const name of names) {
    const failure = checkServerIdentity(name, certificate);
    if (!failure) return undefined;
    first ??= failure;
  }
  return Object.assign(
    new Error(
      `the database server certificate (${certificate.subject?.CN ?? 'no CN'}; ` +
        `${certificate.subjectaltname ?? 'no SAN'}) is valid for none of ${names.join(', ')}`,
    ),
    {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
      cause: first,
    },
  );
}

/** A socket whose connect(port, host) goes to `address` instead (local runs: the names in DNS do not exist). */
function socketTo(address: string): Socket {
  const socket = new Socket();
  const connect = socket.connect.bind(socket) as (port: number, host: string) => Socket;
  return Object.assign(socket, { connect: (port: number) => connect(port, address) }) as Socket;
}
