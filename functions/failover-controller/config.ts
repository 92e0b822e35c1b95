import type { Environment, LogLevelName, Region } from '../shared/config';
import { variableReader } from '../shared/config';

/** The failover controller's configuration, validated at cold start (same rules and error as the other functions). */
export interface ControllerConfig {
  region: Region;
  regionSuffix: string;
  environmentSuffix: string;
  /** Aurora global cluster, e.g. aurora-global-use1-dev. */
  globalClusterId: string;
  /** This region's Aurora cluster, e.g. aurora-usw2-dev: the promotion target and the lag metric's dimension. */
  localClusterId: string;
  /** DR state global table (active region + epoch, per-region probe state). */
  drStateTable: string;
  /** This region's alert topic. */
  alertTopicArn: string;
  /** The other region's `/health`, probed directly over HTTPS (never through the failover hostname). */
  peerHealthUrl: string;
  /** This region's own `/health`. */
  ownHealthUrl: string;
  /** Off unless AUTO_FAILOVER_ENABLED=true: the controller then only observes, logs and alerts. */
  autoFailoverEnabled: boolean;
  /** Consecutive failed minutes before a promotion (default 3). */
  failedMinutesBeforePromotion: number;
  /** Replication at or below this lag means the active region's database is alive (default 1000 ms). */
  replicationLagThresholdMs: number;
  logLevel: LogLevelName;
  /** Local only: DynamoDB endpoint URL (dynalite). */
  dynamodbEndpoint?: string;
}

const LOCAL_ONLY_VARIABLES = ['DYNAMODB_ENDPOINT'] as const;

export function loadControllerConfig(env: Environment): ControllerConfig {
  const read = variableReader(env);
  const { problem, required, optional, integer, oneOf } = read;
  const { region, regionSuffix, environmentSuffix } = read.placement();
  const inLambda = Boolean(optional('AWS_LAMBDA_FUNCTION_NAME'));

  const healthUrl = (variable: string): string => {
    const value = required(variable);
    if (!value) return value;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      problem(variable, 'must be an absolute URL');
      return value;
    }
    // http only for local probes; in AWS the regional hostnames are HTTPS custom domains
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !inLambda)) problem(variable, 'must be an https:// URL');
    return value;
  };

  const alertTopicArn = required('ALERT_TOPIC_ARN');
  const topicRegion = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]+$/.exec(alertTopicArn)?.[1];
  if (alertTopicArn && !topicRegion) problem('ALERT_TOPIC_ARN', 'must be an SNS topic ARN');
  else if (topicRegion && region && topicRegion !== region)
    problem('ALERT_TOPIC_ARN', `is a topic in ${topicRegion}, not in ${region} (the controller must not depend on the other region)`);

  const config: ControllerConfig = {
    region,
    regionSuffix,
    environmentSuffix,
    globalClusterId: required('GLOBAL_CLUSTER_ID'),
    localClusterId: required('LOCAL_CLUSTER_ID'),
    drStateTable: required('DR_STATE_TABLE'),
    alertTopicArn,
    peerHealthUrl: healthUrl('PEER_HEALTH_URL'),
    ownHealthUrl: healthUrl('OWN_HEALTH_URL'),
    autoFailoverEnabled:
      oneOf('AUTO_FAILOVER_ENABLED', (optional('AUTO_FAILOVER_ENABLED') ?? 'false').toLowerCase(), ['true', 'false']) === 'true',
    failedMinutesBeforePromotion: integer('FAILED_MINUTES_BEFORE_PROMOTION', 3, 1, 60),
    replicationLagThresholdMs: integer('REPLICATION_LAG_THRESHOLD_MS', 1000, 1, 3_600_000),
    logLevel: read.logLevel(),
    dynamodbEndpoint: optional('DYNAMODB_ENDPOINT'),
  };
  if (config.peerHealthUrl && config.peerHealthUrl === config.ownHealthUrl) problem('PEER_HEALTH_URL', 'must differ from OWN_HEALTH_URL');
  if (config.localClusterId && regionSuffix && !config.localClusterId.includes(`-${regionSuffix}-`)) {
    problem('LOCAL_CLUSTER_ID', `must be this region's cluster (aurora-${regionSuffix}-<env>; got "${config.localClusterId}")`);
  }
  read.refuseInLambda(LOCAL_ONLY_VARIABLES);
  return read.done(config);
}
