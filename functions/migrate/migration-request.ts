/**
 * What the Invocation sends (compositions/payment-global/migrations.ts): the hash of the set to
 * apply and the app secret version it was composed for. With lifecycleScope CRUD the provider adds
 * `tf: {action: create|update|delete, prev_input}`; an input change is an update, which invokes.
 */
export interface MigrationRequest {
  migrationSetHash: string;
  appCredentialsVersionId: string;
  action: 'create' | 'update' | 'delete';
}

/** Parses the event or throws naming the field and its rule. */
export function parseMigrationRequest(event: unknown): MigrationRequest {
  const fields = (event ?? {}) as Record<string, unknown>;
  const hash = fields.migrationSetHash;
  if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash))
    throw new Error('input.migrationSetHash must be a 64-character lowercase hex SHA-256');
  const version = fields.appCredentialsVersionId;
  if (typeof version !== 'string' || !version)
    throw new Error('input.appCredentialsVersionId must be a non-empty string (the SecretVersion id of db-app-credentials)');
  const action = ((fields.tf ?? {}) as Record<string, unknown>).action ?? 'create';
  if (action !== 'create' && action !== 'update' && action !== 'delete')
    throw new Error(`input.tf.action must be create, update or delete (got ${JSON.stringify(action)})`);
  return { migrationSetHash: hash, appCredentialsVersionId: version, action };
}
