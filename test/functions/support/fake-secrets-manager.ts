import type { GetSecretValueCommand, GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerApi } from '../../../functions/shared/secrets';

/**
 * Secrets Manager has no local engine: this stands in for the client (GetSecretValue only),
 * serving the given secret map. Set `failing` to simulate an unreadable secret replica.
 */
export class FakeSecretsManager implements SecretsManagerApi {
  failing = false;
  reads = 0;

  constructor(readonly secrets: Record<string, string>) {}

  async send(command: GetSecretValueCommand): Promise<GetSecretValueCommandOutput> {
    this.reads += 1;
    const id = command.input.SecretId ?? '';
    if (this.failing) throw Object.assign(new Error('Secrets Manager unavailable'), { name: 'InternalServiceError' });
    if (!(id in this.secrets)) throw Object.assign(new Error(`Secrets Manager can't find the specified secret.`), { name: 'ResourceNotFoundException' });
    return { SecretString: this.secrets[id], $metadata: {} };
  }
}
