import { MetricAlarmV1Beta2 } from '../../imports/cloudwatch.aws.upbound.io';
import { Topic, TopicSubscription } from '../../imports/sns.aws.upbound.io';
import { ComposedResource } from '../lib/composition';
import { Patch, combine, fromXr, mapValues, required, templated } from '../lib/patches';
import { regionFromXr, sameComposite } from '../lib/resources';
import { XR, regionalResource } from './common';

/** The XRD allows up to this many alert e-mail subscribers per region. */
export const MAX_ALERT_EMAILS = 5;

const TOKENS = { region: XR.region, account: XR.account, regionSuffix: XR.regionSuffix, env: XR.environment };
const OWN_TOPIC = 'arn:aws:sns:{{region}}:{{account}}:alerts-{{regionSuffix}}-{{env}}';
/** Route 53 publishes health-check metrics only in us-east-1, so those alarms and their topic live there. */
const ROUTE53_METRICS_REGION = 'us-east-1';
const ROUTE53_TOPIC = `arn:aws:sns:${ROUTE53_METRICS_REGION}:{{account}}:alerts-use1-{{env}}`;

function topic(): ComposedResource[] {
  return [
    regionalResource({
      name: 'alert-topic',
      type: 'alerts',
      component: 'alerting',
      manifest: Topic.manifest({ spec: { forProvider: regionFromXr({ displayName: 'payments-dr alerts' }) } }),
      // Created only once the region's KMS key is known, so the topic is never unencrypted.
      patches: [required(fromXr('status.kmsKeyArn', 'spec.forProvider.kmsMasterKeyId'))],
    }),
    ...Array.from({ length: MAX_ALERT_EMAILS }, (_, index) =>
      regionalResource({
        name: `alert-subscription-${index}`,
        type: `alerts-subscription-${index}`,
        component: 'alerting',
        manifest: TopicSubscription.manifest({ spec: { forProvider: regionFromXr({ protocol: 'email', topicArnSelector: sameComposite() }) } }),
        patches: [required(fromXr(`spec.alerting.emails[${index}]`, 'spec.forProvider.endpoint'))],
      }),
    ),
  ];
}

interface AlarmSpec {
  /** Composition resource name stem; the AWS alarm name is `alarm-{name}-{region}-{env}`. */
  readonly name: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly statistic: 'Sum' | 'Average' | 'Maximum' | 'Minimum';
  /**
   * Alarm on a Metrics Insights query over `namespace`/`metricName` (its WHERE clause patched in by
   * `patches`) instead of one exact dimension set: the query matches every dimension set that
   * carries the filtered dimension.
   */
  readonly insightsQuery?: boolean;
  readonly comparisonOperator: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';
  /** A literal threshold, or undefined when a patch sets it from the XR. */
  readonly threshold?: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Literal treatment of missing data, or undefined when a patch sets it. */
  readonly treatMissingData?: 'breaching' | 'notBreaching';
  /** Patches that set dimensions (and threshold/treatMissingData when not literal). */
  readonly patches: readonly Patch[];
  /** Alarms on Route 53 metrics live in us-east-1 whatever region composes them. */
  readonly inRoute53MetricsRegion?: boolean;
}

const dimension = (name: string) => `spec.forProvider.dimensions[${name}]`;
const LAG_THRESHOLD = fromXr('spec.alerting.replicationLagThresholdMs', 'spec.forProvider.threshold');

function alarm(spec: AlarmSpec): ComposedResource {
  const topicArn = spec.inRoute53MetricsRegion ? ROUTE53_TOPIC : OWN_TOPIC;
  return regionalResource({
    name: `alarm-${spec.name}`,
    type: `alarm-${spec.name}`,
    component: 'alerting',
    purpose: spec.name,
    regional: !spec.inRoute53MetricsRegion,
    manifest: MetricAlarmV1Beta2.manifest({
      spec: {
        forProvider: {
          ...(spec.inRoute53MetricsRegion ? { region: ROUTE53_METRICS_REGION } : {}),
          alarmDescription: spec.description,
          ...(spec.insightsQuery
            ? { metricQuery: [{ id: 'q1', label: spec.metricName, period: spec.periodSeconds, returnData: true }] }
            : { namespace: spec.namespace, metricName: spec.metricName, statistic: spec.statistic, period: spec.periodSeconds }),
          comparisonOperator: spec.comparisonOperator,
          evaluationPeriods: spec.evaluationPeriods,
          datapointsToAlarm: spec.datapointsToAlarm,
          ...(spec.threshold === undefined ? {} : { threshold: spec.threshold }),
          ...(spec.treatMissingData ? { treatMissingData: spec.treatMissingData } : {}),
          actionsEnabled: true,
        } as never,
      },
    }),
    patches: [
      templated(topicArn, TOKENS, 'spec.forProvider.alarmActions[0]'),
      templated(topicArn, TOKENS, 'spec.forProvider.okActions[0]'),
      ...spec.patches,
    ],
  });
}

function lambdaAlarms(): AlarmSpec[] {
  return (['webhook', 'health', 'failover-controller'] as const).flatMap((fn) =>
    (['Errors', 'Throttles'] as const).map((metricName) => ({
      name: `lambda-${metricName.toLowerCase()}-${fn}`,
      description: `${fn} Lambda ${metricName.toLowerCase()} in this region`,
      namespace: 'AWS/Lambda',
      metricName,
      statistic: 'Sum' as const,
      comparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
      threshold: metricName === 'Errors' ? 5 : 1,
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching' as const,
      patches: [combine(`${fn}-%s-%s`, [XR.regionSuffix, XR.environment], dimension('FunctionName'))],
    })),
  );
}

/**
 * Aurora Global Database lag of this region's cluster. The metrics exist only for the secondary
 * cluster, so in the SECONDARY role missing data is breaching (no metric = replication not
 * observed); in the PRIMARY role the same alarm waits, silent, for the day after a failover.
 *
 * AWS documents the metrics (ms, "available only in the secondary AWS Region") in
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html
 * but not the dimension set they carry: the dimensions page
 * (https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/dimensions.html) lists both
 * DBClusterIdentifier and SourceRegion, and AWS's own global-database lab graphs them under
 * SourceRegion. A classic alarm must name the exact set or it matches no metric (and, missing =
 * breaching, fires forever); the Metrics Insights query matches this cluster's series whatever else
 * they carry.
 */
function auroraLagAlarms(): AlarmSpec[] {
  return ['AuroraGlobalDBRPOLag', 'AuroraGlobalDBReplicationLag'].map((metricName) => ({
    name: metricName === 'AuroraGlobalDBRPOLag' ? 'aurora-rpo-lag' : 'aurora-replication-lag',
    description: `${metricName} of this region's Aurora cluster above the 1 s target (monitored, not enforced: rds.global_db_rpo cannot go below 20 s)`,
    namespace: 'AWS/RDS',
    metricName,
    statistic: 'Maximum',
    insightsQuery: true,
    comparisonOperator: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    patches: [
      LAG_THRESHOLD,
      combine(`SELECT MAX(${metricName}) FROM "AWS/RDS" WHERE DBClusterIdentifier = 'aurora-%s-%s'`, [XR.regionSuffix, XR.environment], 'spec.forProvider.metricQuery[0].expression'),
      fromXr(XR.role, 'spec.forProvider.treatMissingData', mapValues({ PRIMARY: 'notBreaching', SECONDARY: 'breaching' })),
    ],
  }));
}

/** DynamoDB global table replication from this region toward the peer (metric emitted in the source region). */
function dynamoDbReplicationAlarms(): AlarmSpec[] {
  return ['sessions', 'idempotency'].map((table) => ({
    name: `ddb-replication-${table}`,
    description: `ReplicationLatency of ${table} toward the peer region above the threshold`,
    namespace: 'AWS/DynamoDB',
    metricName: 'ReplicationLatency',
    statistic: 'Average',
    comparisonOperator: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    patches: [LAG_THRESHOLD, combine(`${table}-use1-%s`, [XR.environment], dimension('TableName')), fromXr(XR.peerRegion, dimension('ReceivingRegion'))],
  }));
}

function apiAndHealthAlarms(): AlarmSpec[] {
  return [
    {
      name: 'api-5xx',
      description: 'HTTP API answered 5xx (a dependency of the webhook is failing; senders retry)',
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 5,
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      patches: [required(fromXr('status.apiId', dimension('ApiId'))), { type: 'FromCompositeFieldPath', fromFieldPath: XR.region, toFieldPath: dimension('Stage'), transforms: [mapValues({ 'us-east-1': '$default', 'us-west-2': '$default' })] }],
    },
    {
      name: 'healthcheck',
      description: "Route 53 health check of this region's /health is failing: traffic has moved (or will move) to the other region",
      namespace: 'AWS/Route53',
      metricName: 'HealthCheckStatus',
      statistic: 'Minimum',
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'breaching',
      inRoute53MetricsRegion: true,
      patches: [required(fromXr('status.healthCheckId', dimension('HealthCheckId')))],
    },
  ];
}

/** The region's alert topic, its e-mail subscriptions and every alarm, each notifying the topic. */
export function alertingResources(): ComposedResource[] {
  return [...topic(), ...[...lambdaAlarms(), ...auroraLagAlarms(), ...dynamoDbReplicationAlarms(), ...apiAndHealthAlarms()].map(alarm)];
}
