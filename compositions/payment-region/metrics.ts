import { type AuroraLagMetric, auroraLagQuery } from '../../functions/shared/aurora-lag';
import { DR_METRICS_NAMESPACE, FENCE_METRIC_NAMES } from '../../functions/shared/fence-metrics';
import { type Patch, required, templated } from '../lib/patches';
import { XR } from './common';

/**
 * The metrics the region's alarms and its dashboard watch — one definition each, so a widget can
 * never show a metric an alarm does not watch or a function does not publish. Dimension values and
 * Metrics Insights queries are templates over TEMPLATE_FIELDS (`{{regionSuffix}}`, ...).
 */
export interface MetricDefinition {
  readonly namespace: string;
  readonly metricName: string;
  /** The AWS region the metric lives in when it is not the composing region's (Route 53: us-east-1). */
  readonly region?: string;
  readonly dimensions?: Readonly<Record<string, string>>;
  /** A Metrics Insights query instead of one exact dimension set. */
  readonly query?: string;
}

/** XR fields a metric template may use, by token. */
export const TEMPLATE_FIELDS = {
  region: XR.region,
  account: XR.account,
  regionSuffix: XR.regionSuffix,
  peerRegion: XR.peerRegion,
  peerRegionSuffix: XR.peerRegionSuffix,
  env: XR.environment,
  apiId: 'status.apiId',
  healthCheckId: 'status.healthCheckId',
} as const;

/** Fields only known once a composed resource reports them: a resource using them waits (Required). */
const STATUS_TOKENS = ['apiId', 'healthCheckId'];

/** Route 53 publishes health-check metrics only in us-east-1. */
export const ROUTE53_METRICS_REGION = 'us-east-1';
/** Where the health function publishes the fence it reads (functions/shared/fence-metrics.ts). */
export const DR_NAMESPACE = DR_METRICS_NAMESPACE;

const lambda = (metricName: string, fn: string): MetricDefinition => ({
  namespace: 'AWS/Lambda',
  metricName,
  dimensions: { FunctionName: `${fn}-{{regionSuffix}}-{{env}}` },
});
const api = (metricName: string): MetricDefinition => ({
  namespace: 'AWS/ApiGateway',
  metricName,
  dimensions: { ApiId: '{{apiId}}', Stage: '$default' },
});
const auroraLag = (metricName: AuroraLagMetric, regionSuffix: string): MetricDefinition => ({
  namespace: 'AWS/RDS',
  metricName,
  // The failover controller reads its evidence with the same query (functions/shared/aurora-lag.ts says why).
  query: auroraLagQuery(metricName, `aurora-${regionSuffix}-{{env}}`),
});
const tableReplication = (table: string): MetricDefinition => ({
  namespace: 'AWS/DynamoDB',
  metricName: 'ReplicationLatency',
  dimensions: { TableName: `${table}-use1-{{env}}`, ReceivingRegion: '{{peerRegion}}' },
});
const fence = (metricName: string, regionSuffix: string): MetricDefinition => ({
  namespace: DR_NAMESPACE,
  metricName,
  dimensions: { Environment: '{{env}}', RegionSuffix: regionSuffix },
});

export const LAMBDA_FUNCTIONS = ['webhook', 'health', 'failover-controller'] as const;
export const REPLICATED_TABLES = ['sessions', 'idempotency'] as const;
export const AURORA_LAG_METRICS: readonly AuroraLagMetric[] = ['AuroraGlobalDBRPOLag', 'AuroraGlobalDBReplicationLag'];

export const METRICS = {
  lambdaErrors: (fn: string) => lambda('Errors', fn),
  lambdaThrottles: (fn: string) => lambda('Throttles', fn),
  lambdaInvocations: (fn: string) => lambda('Invocations', fn),
  lambdaDuration: (fn: string) => lambda('Duration', fn),
  apiRequests: api('Count'),
  api5xx: api('5xx'),
  apiLatency: api('Latency'),
  healthCheckStatus: {
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    region: ROUTE53_METRICS_REGION,
    dimensions: { HealthCheckId: '{{healthCheckId}}' },
  } as MetricDefinition,
  /** This region's cluster; the other region's (`{{peerRegionSuffix}}`) is on the dashboard too. */
  auroraLag: (metricName: AuroraLagMetric, regionSuffix = '{{regionSuffix}}') => auroraLag(metricName, regionSuffix),
  tableReplication,
  /** 1 while the fence names this region, else 0 (published by the health function on every check). */
  activeRegion: (regionSuffix: string) => fence(FENCE_METRIC_NAMES.activeRegion, regionSuffix),
  /** The fence's epoch as the health function last read it. */
  fenceEpoch: (regionSuffix: string) => fence(FENCE_METRIC_NAMES.fenceEpoch, regionSuffix),
} as const;

/** Whether a template needs a value only a composed resource's status provides. */
export const needsStatus = (template: string) => STATUS_TOKENS.some((token) => template.includes(`{{${token}}}`));

/**
 * A patch writing `template` into `toFieldPath`, or undefined when the template is a literal (it
 * then belongs in the base). Status-fed templates are Required: nothing is created without them.
 */
export function templatePatch(template: string, toFieldPath: string): Patch | undefined {
  if (!/\{\{\w+\}\}/.test(template)) return undefined;
  const patch = templated(template, TEMPLATE_FIELDS, toFieldPath);
  return needsStatus(template) ? required(patch) : patch;
}
