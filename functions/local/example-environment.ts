import type { FunctionName } from '../build';

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

const PLACEMENT = { AWS_REGION: 'us-east-1', REGION_SUFFIX: 'use1', ENVIRONMENT_SUFFIX: 'dev' } as const;

/** Each bundle's complete, valid configuration as the region's composition sets it (bench cold init loads each one). */
export const EXAMPLE_ENVIRONMENTS: Readonly<Record<FunctionName, Readonly<Record<string, string>>>> = {
  webhook: EXAMPLE_ENVIRONMENT,
  health: EXAMPLE_ENVIRONMENT,
  'failover-controller': {
    ...PLACEMENT,
    ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:alerts-use1-dev',
    GLOBAL_CLUSTER_ID: 'aurora-global-use1-dev',
    LOCAL_CLUSTER_ID: 'aurora-use1-dev',
    DR_STATE_TABLE: 'dr-state-use1-dev',
    OWN_HEALTH_URL: 'https://use1.payments.example.com/health',
    PEER_HEALTH_URL: 'https://usw2.payments.example.com/health',
  },
  migrate: {
    ...PLACEMENT,
    GLOBAL_CLUSTER_ID: 'aurora-global-use1-dev',
    DB_MASTER_SECRET_ID: 'secret-db-dev',
    DB_MASTER_USERNAME: 'payments_admin',
    DB_APP_SECRET_ID: 'secret-db-app-dev',
    DB_APP_USERNAME: 'payments_app',
    DB_NAME: 'payments',
  },
};
