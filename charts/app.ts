import { App } from 'cdk8s';
import { BaseChart } from './base-chart';
import { EnvironmentConfig } from './config/types';
import { PlatformChart } from './platform-chart';

/**
 * Builds every chart of every deployable unit. Environments must already be validated.
 * Later units (per-environment global/regional claims, Argo CD) are added here.
 */
export function buildApp(environments: readonly EnvironmentConfig[]): App {
  const app = new App();
  new PlatformChart(app, 'platform');
  void environments;
  return app;
}

/** The charts of an app, each with the unit (dist/ folder) it is written to. */
export function chartsOf(app: App): BaseChart[] {
  return app.charts.filter((chart): chart is BaseChart => chart instanceof BaseChart);
}
