import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from './config';
import type { SecretReader, SecretsManagerApi } from './secrets';
import { fileSecretReader, secretsManagerReader } from './secrets';

export interface ClientTimeouts {
  /** TCP (and TLS) connect. */
  connectionTimeoutMs: number;
  /** The whole request, from the first byte sent to the last byte received. */
  requestTimeoutMs: number;
  maxAttempts: number;
}

/**
 * Every AWS SDK client of the functions, the controller and the `dr` CLI is built with these
 * options. `throwOnRequestTimeout` matters: without it the smithy NodeHttpHandler in use
 * (@smithy/node-http-handler 4.x) only logs a warning when `requestTimeout` passes and keeps
 * waiting, so a peer that accepts the connection but never answers (a SIGSTOPped engine, a
 * blackholed endpoint, a region cut off from its quorum) hangs the call until the Lambda times out.
 * With it, the request is destroyed and the call fails with `TimeoutError` — after at most
 * `maxAttempts × (connectionTimeoutMs + requestTimeoutMs)` plus the SDK's retry backoff.
 */
export function boundedClientOptions(timeouts: ClientTimeouts) {
  return {
    maxAttempts: timeouts.maxAttempts,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}

/** The most a call made with these options can take before it fails (the SDK's retry backoff is capped well below 1 s for 2-3 attempts). */
export function worstCaseCallMs(timeouts: ClientTimeouts): number {
  return timeouts.maxAttempts * (timeouts.connectionTimeoutMs + timeouts.requestTimeoutMs) + (timeouts.maxAttempts - 1) * 1000;
}

/** Regional client: in AWS it talks to this region's replica; locally to DYNAMODB_ENDPOINT. */
export function dynamoDbClient(config: Pick<Config, 'region' | 'dynamodbEndpoint'>, timeouts: ClientTimeouts): DynamoDBClient {
  const local = config.dynamodbEndpoint
    ? { endpoint: config.dynamodbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};
  return new DynamoDBClient({ region: config.region, ...boundedClientOptions(timeouts), ...local });
}

/**
 * Secrets Manager in this region (the local replica), or SECRETS_FILE when running locally;
 * `client` replaces the Secrets Manager client (tests: a client of moto's Secrets Manager).
 */
export function regionalSecretReader(
  config: Pick<Config, 'region' | 'secretsFile'>,
  timeouts: ClientTimeouts,
  client?: SecretsManagerApi,
): SecretReader {
  if (client) return secretsManagerReader(client);
  if (config.secretsFile) return fileSecretReader(config.secretsFile);
  return secretsManagerReader(new SecretsManagerClient({ region: config.region, ...boundedClientOptions(timeouts) }));
}

/**
 * An abort signal that fires `reserveMs` before the invocation runs out of time (and never later
 * than `capMs` from now): a call that is still waiting then is abandoned, leaving the invocation
 * the time to answer 5xx itself instead of being killed by the Lambda timeout.
 */
export function invocationSignal(invocation: { getRemainingTimeInMillis(): number }, reserveMs: number, capMs: number): AbortSignal {
  return AbortSignal.timeout(Math.max(1, Math.min(capMs, invocation.getRemainingTimeInMillis() - reserveMs)));
}
