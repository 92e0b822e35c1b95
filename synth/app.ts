import { App } from 'cdk8s';
import { argocdCharts } from '../argocd/charts';
import type { Artifact } from '../functions/build';
import { BaseChart } from '../charts/base-chart';
import { PLATFORM } from '../charts/config/platform';
import type { PlatformConfig } from '../charts/config/platform-types';
import { REGION_SUFFIXES } from '../facts/regions';
import type { EnvironmentConfig } from '../charts/config/types';
import { PaymentGlobalClaim } from '../charts/payment-global-claim';
import { platformCharts } from '../charts/platform-chart';
import { regionCharts } from '../charts/region-charts';

/** Builds every chart of every deployable unit, then dist/argocd/. Environments and platform must already be validated. */
export function buildApp(
  environments: readonly EnvironmentConfig[],
  artifacts: readonly Artifact[],
  platform: PlatformConfig = PLATFORM,
): App {
  const app = new App();
  platformCharts(app, platform);
  for (const environment of environments) {
    const env = environment.environmentSuffix;
    const global = new BaseChart(app, `${env}-global-claim`, {
      unit: `${env}/global`,
      file: 'paymentglobal',
      component: 'global',
      environment: env,
    });
    new PaymentGlobalClaim(global, 'claim', environment);
    for (const region of REGION_SUFFIXES) regionCharts(app, { environment, region, artifacts });
  }
  argocdCharts(app, { platform, environments, deployedCharts: chartsOf(app) });
  return app;
}

/** The charts of an app, each knowing the dist/ file it is written to. */
export function chartsOf(app: App): BaseChart[] {
  return app.charts.filter((chart): chart is BaseChart => chart instanceof BaseChart);
}
