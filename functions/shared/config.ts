/**
 * Region-aware configuration, read from environment variables only and validated at cold start.
 * The same bundle runs in us-east-1 and us-west-2; everything regional comes from here.
 */

import { isIP } from 'node:net';
import type { EndpointSource } from './endpoints';

/** The two regions of the design and their name suffixes. */
export const REGION_SUFFIXES = { 'us-east-1': 'use1', 'us-west-2': 'usw2' } as const;
export type Region = keyof typeof REGION_SUFFIXES;
export const REGIONS = Object.keys(REGION_SUFFIXES) as Region[];

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Variables that only make sense on a laptop or in tests; refused inside Lambda. */
export const LOCAL_ONLY_VARIABLES = ['DYNAMODB_ENDPOINT', 'SECRETS_FILE', 'DB_TLS', 'DB_TLS_CA_FILE', 'DB_CONNECT_ADDRESS'] as const;

export interface Config {
  region: Region;
  regionSuffix: string;
  environmentSuffix: string;
  sessionsTable: string;
  idempotencyTable: string;
  dbSecretId: string;
  signingSecretId: string;
  /** Aurora global writer endpoint: follows the writer after a switchover/failover (webhook). */
  dbWriter: EndpointSource;
  /** This region's cluster (health): never the other region, never the shared writer. */
  dbLocal: EndpointSource;
  dbName: string;
  /** User name when the DB secret holds only the password. */
  dbUsername?: string;
  dbPort: number;
  logLevel: LogLevelName;
  signatureToleranceSeconds: number;
  /**
   * DR state global table (MRSC; `id = "active-region"`: active region + fencing epoch). The webhook
   * refuses writes outside the active region and `/health` follows the fence, so both require it.
   */
  drStateTable: string;
  /** Local only: DynamoDB endpoint URL (dynalite). */
  dynamodbEndpoint?: string;
  /** Local only: JSON file `{ "<secret id>": <secret value> }` read instead of Secrets Manager. */
  secretsFile?: string;
  /** `false` only locally (DB_TLS=disable); in AWS the connection always verifies the server certificate. */
  dbTls: boolean;
  /** Local only: the CA bundle to verify the database certificate with (default: the Lambda runtime's Amazon CA bundle). */
  dbTlsCaFile?: string;
  /** Local only: an IP address to open database connections to; TLS still verifies the discovered names. */
  dbConnectAddress?: string;
}

export type Environment = Record<string, string | undefined>;

/** Thrown at cold start; the message names every offending variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and checks environment variables, collecting every problem so that one ConfigError names
 * them all. Shared by each function's configuration loader.
 */
export function variableReader(env: Environment) {
  const problems: { variable: string; message: string }[] = [];
  const problem = (variable: string, message: string) => problems.push({ variable, message });

  const required = (variable: string): string => {
    const value = env[variable]?.trim();
    if (!value) problem(variable, 'is required');
    return value ?? '';
  };
  const optional = (variable: string): string | undefined => env[variable]?.trim() || undefined;
  const integer = (variable: string, fallback: number, min: number, max: number): number => {
    const raw = optional(variable);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) problem(variable, `must be an integer from ${min} to ${max}`);
    return value;
  };
  const oneOf = <T extends string>(variable: string, value: string, allowed: readonly T[]): T => {
    if (value && !allowed.includes(value as T)) problem(variable, `must be one of ${allowed.join(', ')} (got "${value}")`);
    return value as T;
  };
  /** AWS_REGION (set by Lambda), REGION_SUFFIX matching it, ENVIRONMENT_SUFFIX. */
  const placement = () => {
    const region = oneOf('AWS_REGION', required('AWS_REGION'), REGIONS);
    const regionSuffix = oneOf('REGION_SUFFIX', required('REGION_SUFFIX'), Object.values(REGION_SUFFIXES));
    if (REGION_SUFFIXES[region] && regionSuffix && REGION_SUFFIXES[region] !== regionSuffix) {
      problem('REGION_SUFFIX', `must be ${REGION_SUFFIXES[region]} in ${region} (got "${regionSuffix}")`);
    }
    const environmentSuffix = required('ENVIRONMENT_SUFFIX');
    if (environmentSuffix && !/^[a-z0-9][a-z0-9-]{0,19}$/.test(environmentSuffix)) {
      problem('ENVIRONMENT_SUFFIX', 'must be 1-20 lowercase letters, digits or dashes');
    }
    return { region, regionSuffix, environmentSuffix };
  };
  const logLevel = () => oneOf('LOG_LEVEL', (optional('LOG_LEVEL') ?? 'INFO').toUpperCase(), LOG_LEVELS);
  /** Refuses local-only variables when running inside Lambda. */
  const refuseInLambda = (variables: readonly string[]) => {
    if (!optional('AWS_LAMBDA_FUNCTION_NAME')) return;
    for (const variable of variables) {
      if (optional(variable)) problem(variable, 'is for local use only and is refused when running in Lambda');
    }
  };
  /** Throws the ConfigError naming every problem found, if any. */
  const done = <T>(config: T): T => {
    if (problems.length) throw new ConfigError(problems);
    return config;
  };
  return { problem, required, optional, integer, oneOf, placement, logLevel, refuseInLambda, done };
}

export function loadConfig(env: Environment): Config {
  const read = variableReader(env);
  const { problem, required, optional, integer, oneOf } = read;
  const { region, regionSuffix, environmentSuffix } = read.placement();

  const config: Config = {
    region,
    regionSuffix,
    environmentSuffix,
    sessionsTable: required('SESSIONS_TABLE'),
    idempotencyTable: required('IDEMPOTENCY_TABLE'),
    dbSecretId: regionalSecretId('DB_SECRET_ID', required('DB_SECRET_ID'), region, problem),
    signingSecretId: regionalSecretId('SIGNING_SECRET_ID', required('SIGNING_SECRET_ID'), region, problem),
    dbWriter: endpointSource(
      { variable: 'DB_WRITER_ENDPOINT', host: optional('DB_WRITER_ENDPOINT') },
      { variable: 'GLOBAL_CLUSTER_ID', id: optional('GLOBAL_CLUSTER_ID'), kind: 'global-writer' },
      problem,
    ),
    dbLocal: endpointSource(
      { variable: 'DB_LOCAL_ENDPOINT', host: optional('DB_LOCAL_ENDPOINT') },
      { variable: 'LOCAL_CLUSTER_ID', id: optional('LOCAL_CLUSTER_ID'), kind: 'regional-reader' },
      problem,
    ),
    dbName: required('DB_NAME'),
    dbUsername: optional('DB_USERNAME'),
    dbPort: integer('DB_PORT', 5432, 1, 65535),
    logLevel: read.logLevel(),
    signatureToleranceSeconds: integer('SIGNATURE_TOLERANCE_SECONDS', 300, 1, 3600),
    drStateTable: required('DR_STATE_TABLE'),
    dynamodbEndpoint: optional('DYNAMODB_ENDPOINT'),
    secretsFile: optional('SECRETS_FILE'),
    dbTls: oneOf('DB_TLS', optional('DB_TLS') ?? 'require', ['require', 'disable']) === 'require',
    dbTlsCaFile: optional('DB_TLS_CA_FILE'),
    dbConnectAddress: optional('DB_CONNECT_ADDRESS'),
  };
  if (config.dbConnectAddress && isIP(config.dbConnectAddress) === 0) problem('DB_CONNECT_ADDRESS', 'must be an IP address');
  read.refuseInLambda(LOCAL_ONLY_VARIABLES);
  return read.done(config);
}

/** The webhook's configuration (the shared one: kept as its own name for the entry point). */
export const loadWebhookConfig = loadConfig;

/** A fixed endpoint wins; otherwise the cluster id to discover it from (in AWS: set by the Composition). */
export function endpointSource(
  fixed: { variable: string; host?: string },
  discovered: { variable: string; id?: string; kind: 'global-writer' | 'regional-reader' },
  problem: (variable: string, message: string) => void,
): EndpointSource {
  if (fixed.host) return { kind: 'fixed', host: fixed.host };
  if (discovered.id) {
    return discovered.kind === 'global-writer'
      ? { kind: 'global-writer', globalClusterId: discovered.id }
      : { kind: 'regional-reader', clusterId: discovered.id };
  }
  problem(
    `${fixed.variable}/${discovered.variable}`,
    `one of them is required (${discovered.variable} discovers the endpoint through the RDS API)`,
  );
  return { kind: 'fixed', host: '' };
}

/** A secret ARN must point at this region's replica, or /health would depend on the other region. */
export function regionalSecretId(
  variable: string,
  secretId: string,
  region: string,
  problem: (variable: string, message: string) => void,
): string {
  const arnRegion = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/.exec(secretId)?.[1];
  if (arnRegion && region && arnRegion !== region) problem(variable, `is an ARN in ${arnRegion}, not in ${region}`);
  return secretId;
}
