import { ENVIRONMENTS } from '../../charts/config/environments';
import { byName, composedOf, ofKind, renderEnvironments } from '../support/rendered';

type Json = Record<string, any>;
let regions: Record<'use1' | 'usw2', Json[]>;
beforeAll(async () => {
  const dev = await renderEnvironments(ENVIRONMENTS);
  regions = { use1: composedOf(dev, 'dev/use1/paymentregion.yaml'), usw2: composedOf(dev, 'dev/usw2/paymentregion.yaml') };
});

const body = (resources: Json[]) => JSON.parse(byName(resources, 'dashboard').spec.forProvider.dashboardBody);
/** "namespace name dim=value ..." of a metric-widget line, or the Metrics Insights expression. */
function keyOfLine(line: unknown[]): string {
  if (typeof line[0] === 'object') return (line[0] as Json).expression;
  const [namespace, name, ...rest] = line.filter((cell) => typeof cell === 'string') as string[];
  const dims = Array.from({ length: rest.length / 2 }, (_, i) => `${rest[2 * i]}=${rest[2 * i + 1]}`).sort();
  return [namespace, name, ...dims].join(' ');
}
function keyOfAlarm(alarm: Json): string {
  const spec = alarm.spec.forProvider;
  if (spec.metricQuery) return spec.metricQuery[0].expression;
  return [
    spec.namespace,
    spec.metricName,
    ...Object.entries(spec.dimensions ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .sort(),
  ].join(' ');
}
const dimensionsOf = (key: string) =>
  key
    .split(' ')
    .filter((part) => part.includes('='))
    .join(' ');

/**
 * What the dashboard is declared to hold (dashboard.ts, its doc comment): this region's health check (1 line); the
 * fence's ActiveRegion and FenceEpoch, each as both regions read it (2 graphs of 2); the two Aurora global-database
 * lag metrics of both regions' clusters (2 × 2); the replication of the two global tables (2); webhook requests, 5xx,
 * invocations and errors (4); API latency and webhook duration (2). Adding or dropping a graph or a line fails here.
 */
const GRAPHS = 7;
const GRAPHED_LINES = 1 + 2 + 2 + 2 * 2 + 2 + 4 + 2;

describe.each(['use1', 'usw2'] as const)('the %s dashboard', (suffix) => {
  test('lives in its own region, named by the convention', () => {
    const dashboard = byName(regions[suffix], 'dashboard');
    expect(dashboard.metadata.name).toBe(`dashboard-payments-${suffix}-dev`);
    expect(dashboard.spec.forProvider.region).toBe(suffix === 'use1' ? 'us-east-1' : 'us-west-2');
  });

  test(
    'every graphed metric is one an alarm watches, a companion of an ' + 'alarmed resource (same dimensions), or one the functions publish',
    () => {
      const alarms = [...ofKind(regions.use1, 'MetricAlarm'), ...ofKind(regions.usw2, 'MetricAlarm')].map(keyOfAlarm);
      const alarmedDimensions = new Set(alarms.map(dimensionsOf).filter(Boolean));
      const graphs = body(regions[suffix]).widgets.filter((w: Json) => w.type === 'metric');
      const lines = graphs.flatMap((w: Json) => w.properties.metrics.map(keyOfLine));
      expect(graphs).toHaveLength(GRAPHS);
      expect(lines).toHaveLength(GRAPHED_LINES);
      expect(new Set(lines).size).toBe(lines.length);
      for (const key of lines) {
        const alarmed = alarms.includes(key);
        const companion = alarmedDimensions.has(dimensionsOf(key));
        // The functions publish in namespace PaymentsDR (functions/shared/fence-metrics.ts), stated here.
        const published = /^PaymentsDR (ActiveRegion|FenceEpoch) Environment=dev RegionSuffix=(use1|usw2)$/.test(key);
        expect({ key, matches: alarmed || companion || published }).toEqual({ key, matches: true });
      }
    },
  );

  test('shows the fence and the Aurora lag of both regions, each read in the region that publishes it', () => {
    const metrics = body(regions[suffix]).widgets.flatMap((w: Json) => w.properties.metrics ?? []);
    const regionOf = (predicate: (line: unknown[]) => boolean) =>
      metrics
        .filter(predicate)
        .map((line: unknown[]) => (line[line.length - 1] as Json).region)
        .sort();
    expect(regionOf((l) => l[1] === 'ActiveRegion')).toEqual(['us-east-1', 'us-west-2']);
    expect(regionOf((l) => typeof l[0] === 'object' && (l[0] as Json).expression.includes('AuroraGlobalDBRPOLag'))).toEqual([
      'us-east-1',
      'us-west-2',
    ]);
  });

  test('its alarm widget lists every alarm this region composes, by ARN', () => {
    const { widgets } = body(regions[suffix]);
    const alarmWidgets = widgets.filter((w: Json) => w.type === 'alarm');
    expect(alarmWidgets).toHaveLength(1);
    expect(widgets).toHaveLength(GRAPHS + 1);
    const [alarmWidget] = alarmWidgets;
    const region = (a: Json) => a.spec.forProvider.region;
    const composed = ofKind(regions[suffix], 'MetricAlarm').map(
      (a) => `arn:aws:cloudwatch:${region(a)}:111122223333:alarm:${a.metadata.name}`,
    );
    expect([...alarmWidget.properties.alarms].sort()).toEqual(composed.sort());
  });
});
