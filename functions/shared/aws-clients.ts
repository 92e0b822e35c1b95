import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Config } from './config';
import type { SecretReader, SecretsManagerApi } from './secrets';
import { fileSecretReader, secretsManagerReader } from './secrets';

export interface ClientTimeouts {
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  maxAttempts: number;
}

/** Regional client: in AWS it talks to this region's replica; locally to DYNAMODB_ENDPOINT. */
export function dynamoDbClient(config: Config, timeouts: ClientTimeouts): DynamoDBClient {
  const local = config.dynamodbEndpoint
    ? { endpoint: config.dynamodbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};
  return new DynamoDBClient({
    region: config.region,
    maxAttempts: timeouts.maxAttempts,
    requestHandler: { connectionTimeout: timeouts.connectionTimeoutMs, requestTimeout: timeouts.requestTimeoutMs },
    ...local,
  });
}

/**
 * Secrets Manager in this region (the local replica), or SECRETS_FILE when running locally;
 * `client` replaces the Secrets Manager client (tests: it has no local engine).
 */
export function regionalSecretReader(config: Config, timeouts: ClientTimeouts, client?: SecretsManagerApi): SecretReader {
  if (client) return secretsManagerReader(client);
  if (config.secretsFile) return fileSecretReader(config.secretsFile);
  return secretsManagerReader(
    new SecretsManagerClient({
      region: config.region,
      maxAttempts: timeouts.maxAttempts,
      requestHandler: { connectionTimeout: timeouts.connectionTimeoutMs, requestTimeout: timeouts.requestTimeoutMs },
    }),
  );
}
