import type { Construct } from 'constructs';
import type { Artifact } from '../functions/build';
import { BaseChart } from './base-chart';
import type { RegionSuffix } from '../facts/regions';
import type { EnvironmentConfig } from './config/types';
import { FunctionArtifacts } from './function-artifacts';
import { PaymentRegionClaim } from './payment-region-claim';

export interface RegionChartsProps {
  readonly environment: EnvironmentConfig;
  readonly region: RegionSuffix;
  readonly artifacts: readonly Artifact[];
}

/**
 * dist/<env>/<region>/: the region's PaymentRegion claim (paymentregion.yaml) and the function
 * artifacts it deploys (function-artifacts.yaml, large: server-side apply).
 */
export function regionCharts(scope: Construct, props: RegionChartsProps): void {
  const env = props.environment.environmentSuffix;
  const unit = `${env}/${props.region}`;
  const scopeLabels = { environment: env, region: props.region };
  const claimChart = new BaseChart(scope, `${env}-${props.region}-claim`, {
    unit,
    file: 'paymentregion',
    component: 'region',
    ...scopeLabels,
  });
  new PaymentRegionClaim(claimChart, 'claim', props);
  const artifactChart = new BaseChart(scope, `${env}-${props.region}-artifacts`, {
    unit,
    file: 'function-artifacts',
    component: 'artifacts',
    ...scopeLabels,
  });
  new FunctionArtifacts(artifactChart, 'functions', { environmentSuffix: env, region: props.region, artifacts: props.artifacts });
}
