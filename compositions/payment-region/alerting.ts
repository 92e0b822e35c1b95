import { MetricAlarmV1Beta2 } from '../../imports/cloudwatch.aws.upbound.io';
import { Topic, TopicSubscription } from '../../imports/sns.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { composedWhenPresent } from '../lib/optional-resources';
import { type Patch, fromXr, mapValues, required, templated } from '../lib/patches';
import { regionFromXr, sameComposite } from '../lib/resources';
import { XR, regionalResource } from './common';
import { AURORA_LAG_METRICS, LAMBDA_FUNCTIONS, METRICS, type MetricDefinition, REPLICATED_TABLES, templatePatch } from './metrics';

/** The XRD allows up to this many alert e-mail subscribers per region. */
export const MAX_ALERT_EMAILS = 5;

const TOKENS = { region: XR.region, account: XR.account, regionSuffix: XR.regionSuffix, env: XR.environment };
const OWN_TOPIC = 'arn:aws:sns:{{region}}:{{account}}:alerts-{{regionSuffix}}-{{env}}';

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
    ...Array.from({ length: MAX_ALERT_EMAILS }, (_, index) => {
      const email = `spec.alerting.emails[${index}]`;
      const subscription = regionalResource({
        name: `alert-subscription-${index}`,
        type: `alerts-subscription-${index}`,
        component: 'alerting',
        manifest: TopicSubscription.manifest({
          spec: { forProvider: regionFromXr({ protocol: 'email', topicArnSelector: sameComposite() }) },
        }),
        patches: [fromXr(email, 'spec.forProvider.endpoint')],
      });
      return composedWhenPresent(subscription, email);
    }),
  ];
}

export interface AlarmSpec {
  /** Composition resource name stem; the AWS alarm name is `alarm-{name}-{region}-{env}`. */
  readonly name: string;
  readonly description: string;
  /** What the alarm watches (metrics.ts: the same definitions feed the dashboard). */
  readonly metric: MetricDefinition;
  readonly statistic: 'Sum' | 'Average' | 'Maximum' | 'Minimum';
  readonly comparisonOperator: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';
  /** A literal threshold, or undefined when a patch sets it from the XR. */
  readonly threshold?: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  /** Literal treatment of missing data, or undefined when a patch sets it. */
  readonly treatMissingData?: 'breaching' | 'notBreaching';
  /** Patches beyond the metric's (threshold or treatMissingData from the XR). */
  readonly patches?: readonly Patch[];
}

const LAG_THRESHOLD = fromXr('spec.alerting.replicationLagThresholdMs', 'spec.forProvider.threshold');

/** The metric part of an alarm: literal dimensions in the base, templated ones as patches. */
function alarmMetric(
  metric: MetricDefinition,
  periodSeconds: number,
  statistic: AlarmSpec['statistic'],
): { forProvider: Record<string, unknown>; patches: Patch[] } {
  if (metric.query) {
    return {
      forProvider: { metricQuery: [{ id: 'q1', label: metric.metricName, period: periodSeconds, returnData: true }] },
      patches: [templatePatch(metric.query, 'spec.forProvider.metricQuery[0].expression')!],
    };
  }
  const dimensions = Object.entries(metric.dimensions ?? {});
  const literal = Object.fromEntries(dimensions.filter(([, template]) => !templatePatch(template, '')));
  return {
    forProvider: {
      namespace: metric.namespace,
      metricName: metric.metricName,
      statistic,
      period: periodSeconds,
      ...(Object.keys(literal).length ? { dimensions: literal } : {}),
    },
    patches: dimensions.flatMap(([name, template]): Patch[] =>
      [templatePatch(template, `spec.forProvider.dimensions[${name}]`)].filter((p): p is Patch => p !== undefined),
    ),
  };
}

function alarm(spec: AlarmSpec): ComposedResource {
  const elsewhere = spec.metric.region;
  const topicArn = elsewhere ? `arn:aws:sns:${elsewhere}:{{account}}:alerts-use1-{{env}}` : OWN_TOPIC;
  const metric = alarmMetric(spec.metric, spec.periodSeconds, spec.statistic);
  return regionalResource({
    name: `alarm-${spec.name}`,
    type: `alarm-${spec.name}`,
    component: 'alerting',
    purpose: spec.name,
    regional: !elsewhere,
    manifest: MetricAlarmV1Beta2.manifest({
      spec: {
        forProvider: {
          ...(elsewhere ? { region: elsewhere } : {}),
          alarmDescription: spec.description,
          ...metric.forProvider,
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
      ...metric.patches,
      ...(spec.patches ?? []),
    ],
  });
}

function lambdaAlarms(): AlarmSpec[] {
  return LAMBDA_FUNCTIONS.flatMap((fn) =>
    (['Errors', 'Throttles'] as const).map((metricName) => ({
      name: `lambda-${metricName.toLowerCase()}-${fn}`,
      description: `${fn} Lambda ${metricName.toLowerCase()} in this region`,
      metric: metricName === 'Errors' ? METRICS.lambdaErrors(fn) : METRICS.lambdaThrottles(fn),
      statistic: 'Sum' as const,
      comparisonOperator: 'GreaterThanOrEqualToThreshold' as const,
      threshold: metricName === 'Errors' ? 5 : 1,
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching' as const,
    })),
  );
}

/**
 * Aurora Global Database lag of this region's cluster. The metrics exist only for the secondary
 * cluster, so in the SECONDARY role missing data is breaching (no metric = replication not
 * observed); in the PRIMARY role the same alarm waits, silent, for the day after a failover.
 * The metric is a Metrics Insights query (metrics.ts says why).
 */
function auroraLagAlarms(): AlarmSpec[] {
  return AURORA_LAG_METRICS.map((metricName) => ({
    name: metricName === 'AuroraGlobalDBRPOLag' ? 'aurora-rpo-lag' : 'aurora-replication-lag',
    description:
      `${metricName} of this region's Aurora cluster above the 1 s target ` +
      '(monitored, not enforced: rds.global_db_rpo cannot go below 20 s)',
    metric: METRICS.auroraLag(metricName),
    statistic: 'Maximum',
    comparisonOperator: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    patches: [
      LAG_THRESHOLD,
      fromXr(XR.role, 'spec.forProvider.treatMissingData', mapValues({ PRIMARY: 'notBreaching', SECONDARY: 'breaching' })),
    ],
  }));
}

/** DynamoDB global table replication from this region toward the peer (metric emitted in the source region). */
function dynamoDbReplicationAlarms(): AlarmSpec[] {
  return REPLICATED_TABLES.map((table) => ({
    name: `ddb-replication-${table}`,
    description: `ReplicationLatency of ${table} toward the peer region above the threshold`,
    metric: METRICS.tableReplication(table),
    statistic: 'Average',
    comparisonOperator: 'GreaterThanThreshold',
    periodSeconds: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: 'notBreaching',
    patches: [LAG_THRESHOLD],
  }));
}

function apiAndHealthAlarms(): AlarmSpec[] {
  return [
    {
      name: 'api-5xx',
      description: 'HTTP API answered 5xx (a dependency of the webhook is failing; senders retry)',
      metric: METRICS.api5xx,
      statistic: 'Sum',
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      threshold: 5,
      periodSeconds: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
    },
    {
      name: 'healthcheck',
      description: "Route 53 health check of this region's /health is failing: traffic has moved (or will move) to the other region",
      metric: METRICS.healthCheckStatus,
      statistic: 'Minimum',
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
      periodSeconds: 60,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: 'breaching',
    },
  ];
}

/** Every alarm of the region (the dashboard shows their states and graphs their metrics). */
export const ALARMS: readonly AlarmSpec[] = [
  ...lambdaAlarms(),
  ...auroraLagAlarms(),
  ...dynamoDbReplicationAlarms(),
  ...apiAndHealthAlarms(),
];

/** The region's alert topic, its e-mail subscriptions and every alarm, each notifying the topic. */
export function alertingResources(): ComposedResource[] {
  return [...topic(), ...ALARMS.map(alarm)];
}
