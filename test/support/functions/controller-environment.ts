/**
 * The failover controller as the us-west-2 Composition would configure it (env `dev`): loading it
 * contacts nothing, so these names need not exist.
 */
export const CONTROLLER_ENVIRONMENT: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-west-2',
  REGION_SUFFIX: 'usw2',
  ENVIRONMENT_SUFFIX: 'dev',
  GLOBAL_CLUSTER_ID: 'aurora-global-use1-dev',
  LOCAL_CLUSTER_ID: 'aurora-usw2-dev',
  DR_STATE_TABLE: 'dr-state-use1-dev',
  ALERT_TOPIC_ARN: 'arn:aws:sns:us-west-2:111122223333:alerts-usw2-dev',
  PEER_HEALTH_URL: 'https://api-use1-dev.dev.payments.example.com/health',
  OWN_HEALTH_URL: 'https://api-usw2-dev.dev.payments.example.com/health',
};
