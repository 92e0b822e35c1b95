/**
 * A complete, valid function configuration as the region's composition sets it (us-east-1, env `dev`).
 * Loading a bundle contacts nothing, so these endpoints need not exist.
 */
export const EXAMPLE_ENVIRONMENT: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  REGION_SUFFIX: 'use1',
  ENVIRONMENT_SUFFIX: 'dev',
  SESSIONS_TABLE: 'dynamodb-sessions-dev',
  IDEMPOTENCY_TABLE: 'dynamodb-idempotency-dev',
  DR_STATE_TABLE: 'dr-state-use1-dev',
  DB_SECRET_ID: 'secret-db-dev',
  SIGNING_SECRET_ID: 'secret-webhook-signing-dev',
  DB_WRITER_ENDPOINT: 'payments-dev.global-abcdef.global.rds.amazonaws.com',
  DB_LOCAL_ENDPOINT: 'aurora-use1-dev.cluster-abcdef.us-east-1.rds.amazonaws.com',
  DB_NAME: 'payments',
};
