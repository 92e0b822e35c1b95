import { Dashboard } from '../../imports/cloudwatch.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { regionFromXr } from '../lib/resources';
import { ALARMS, type AlarmSpec } from './alerting';
import { regionalResource } from './common';
import { AURORA_LAG_METRICS, METRICS, type MetricDefinition, REPLICATED_TABLES, templatePatch } from './metrics';

/** A metric on a graph, in the region it is published in (a template such as `{{peerRegion}}`). */
interface Plotted {
  readonly metric: MetricDefinition;
  readonly region: string;
  readonly stat: string;
  readonly label: string;
}

const here = (metric: MetricDefinition, stat: string, label: string): Plotted => ({
  metric,
  region: metric.region ?? '{{region}}',
  stat,
  label,
});
const inRegion =
  (region: string) =>
  (metric: MetricDefinition, stat: string, label: string): Plotted => ({ metric, region, stat, label });
const atHome = inRegion('{{region}}');
const atPeer = inRegion('{{peerRegion}}');

/** One CloudWatch metric-widget line: [namespace, name, dim, value, ..., options] or a Metrics Insights expression. */
function line(plotted: Plotted, index: number): unknown[] {
  const options = { region: plotted.region, stat: plotted.stat, label: plotted.label };
  if (plotted.metric.query) return [{ expression: plotted.metric.query, id: `q${index}`, label: plotted.label, region: plotted.region }];
  const dimensions = Object.entries(plotted.metric.dimensions ?? {}).flat();
  return [plotted.metric.namespace, plotted.metric.metricName, ...dimensions, options];
}

function graph(title: string, plotted: readonly Plotted[], position: { x: number; y: number }) {
  return {
    type: 'metric',
    ...position,
    width: 12,
    height: 6,
    properties: { title, view: 'timeSeries', period: 60, region: '{{region}}', metrics: plotted.map(line) },
  };
}

/** The ARN of an alarm this region composes (health-check alarms live in us-east-1). */
const alarmArn = (alarm: AlarmSpec) =>
  `arn:aws:cloudwatch:${alarm.metric.region ?? '{{region}}'}:{{account}}:alarm:alarm-${alarm.name}-{{regionSuffix}}-{{env}}`;

/** The graphs of the dashboard, left to right, top to bottom. */
export const DASHBOARD_GRAPHS: ReadonlyArray<{ title: string; plotted: readonly Plotted[] }> = [
  {
    title: "Route 53 health check of this region's /health (1 = healthy)",
    plotted: [here(METRICS.healthCheckStatus, 'Minimum', 'HealthCheckStatus')],
  },
  {
    title: 'Fence: which region is active (1 = active), as each region reads it',
    plotted: [
      atHome(METRICS.activeRegion('{{regionSuffix}}'), 'Minimum', 'this region'),
      atPeer(METRICS.activeRegion('{{peerRegionSuffix}}'), 'Minimum', 'peer region'),
    ],
  },
  {
    title: 'Fence epoch (grows by one at every promotion)',
    plotted: [
      atHome(METRICS.fenceEpoch('{{regionSuffix}}'), 'Maximum', 'this region'),
      atPeer(METRICS.fenceEpoch('{{peerRegionSuffix}}'), 'Maximum', 'peer region'),
    ],
  },
  {
    title: 'Aurora global database lag, ms (published for the secondary cluster)',
    plotted: AURORA_LAG_METRICS.flatMap((name) => [
      atHome(METRICS.auroraLag(name), 'Maximum', `${name} this region`),
      atPeer(METRICS.auroraLag(name, '{{peerRegionSuffix}}'), 'Maximum', `${name} peer region`),
    ]),
  },
  {
    title: 'DynamoDB replication toward the peer, ms',
    plotted: REPLICATED_TABLES.map((table) => here(METRICS.tableReplication(table), 'Average', table)),
  },
  {
    title: 'Webhook: requests, 5xx, Lambda invocations and errors per minute',
    plotted: [
      here(METRICS.apiRequests, 'Sum', 'API requests'),
      here(METRICS.api5xx, 'Sum', 'API 5xx'),
      here(METRICS.lambdaInvocations('webhook'), 'Sum', 'webhook invocations'),
      here(METRICS.lambdaErrors('webhook'), 'Sum', 'webhook errors'),
    ],
  },
  {
    title: 'Webhook latency, ms (p99)',
    plotted: [here(METRICS.apiLatency, 'p99', 'API latency'), here(METRICS.lambdaDuration('webhook'), 'p99', 'webhook duration')],
  },
];

/** The dashboard body as a template: XR values are filled by one patch, so nothing is hand-copied. */
export function dashboardBodyTemplate(): string {
  const widgets = DASHBOARD_GRAPHS.map((g, i) => graph(g.title, g.plotted, { x: (i % 2) * 12, y: Math.floor(i / 2) * 6 }));
  const alarms = {
    type: 'alarm',
    x: 0,
    y: Math.ceil(DASHBOARD_GRAPHS.length / 2) * 6,
    width: 24,
    height: 6,
    properties: { title: 'Alarms of this region', alarms: ALARMS.map(alarmArn) },
  };
  return JSON.stringify({ widgets: [...widgets, alarms] });
}

/**
 * The environment's DR picture, one dashboard in each region (so it stays readable when the other
 * region's console is not): this region's health check, the fence as both regions read it, the
 * Aurora and DynamoDB replication lag, webhook traffic, errors and latency, and every alarm's state.
 */
export function dashboardResources(): ComposedResource[] {
  return [
    regionalResource({
      name: 'dashboard',
      type: 'dashboard-payments',
      component: 'alerting',
      purpose: 'dashboard',
      manifest: Dashboard.manifest({ spec: { forProvider: regionFromXr({}) } as never }),
      // Required: the health check and API ids come from their resources' status.
      patches: [templatePatch(dashboardBodyTemplate(), 'spec.forProvider.dashboardBody')!],
    }),
  ];
}
