import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ActiveRegion } from './fencing';

/**
 * The fence as this region reads it, published as CloudWatch metrics (embedded metric format, so
 * no API call and no IAM): `ActiveRegion` is 1 while the fence names this region and 0 while it
 * names the other; `FenceEpoch` is the epoch read. Nothing is published when the fence could not
 * be read: a gap on the dashboard is the truth. The dashboard (compositions/payment-region/metrics.ts)
 * graphs exactly these names and dimensions.
 */
export const DR_METRICS_NAMESPACE = 'PaymentsDR';
export const FENCE_METRIC_NAMES = { activeRegion: 'ActiveRegion', fenceEpoch: 'FenceEpoch' } as const;

export interface FenceMetricsPlacement {
  environmentSuffix: string;
  regionSuffix: string;
  region: string;
}

export function fenceMetrics(placement: FenceMetricsPlacement, serviceName: string): { publish(active: ActiveRegion | undefined): void } {
  const metrics = new Metrics({ namespace: DR_METRICS_NAMESPACE, serviceName });
  // Only the two dimensions the dashboard names (Powertools adds `service` by default).
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ Environment: placement.environmentSuffix, RegionSuffix: placement.regionSuffix });
  return {
    publish(active) {
      if (!active) return;
      metrics.addMetric(FENCE_METRIC_NAMES.activeRegion, MetricUnit.Count, active.activeRegion === placement.region ? 1 : 0);
      metrics.addMetric(FENCE_METRIC_NAMES.fenceEpoch, MetricUnit.Count, active.epoch);
      metrics.publishStoredMetrics();
    },
  };
}
