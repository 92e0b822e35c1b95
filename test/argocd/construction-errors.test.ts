import { ApiObject, App } from 'cdk8s';
import { argocdCharts } from '../../argocd/charts';
import { RestrictedProject } from '../../argocd/restricted-project';
import { applySyncPolicy } from '../../argocd/sync-policy';
import { BaseChart } from '../../charts/base-chart';
import { ENVIRONMENTS } from '../../charts/config/environments';
import { PLATFORM } from '../../charts/config/platform';

const chartIn = (app: App, unit: string, file: string) => new BaseChart(app, `${unit}-${file}`, { unit, file, component: 'test' });

describe('Argo CD constructs refuse what would deploy wrongly, naming it', () => {
  test('a platform object of a kind without a sync wave stops the synth', () => {
    const app = new App();
    const chart = chartIn(app, 'platform', 'extra');
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'payments-dr' } });
    expect(() => applySyncPolicy([chart])).toThrow(
      'platform/extra.yaml: v1 ConfigMap "settings" has no sync wave: add its kind to PLATFORM_WAVES',
    );
  });

  test('a folder no Application deploys, or a unit without objects, stops the synth', () => {
    const stray = new App();
    const charts = [chartIn(stray, 'platform', 'namespace'), chartIn(stray, 'tools', 'extra')];
    new ApiObject(charts[1], 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'tools' } });
    expect(() => argocdCharts(stray, { platform: PLATFORM, environments: ENVIRONMENTS, deployedCharts: charts })).toThrow(
      'dist/tools/ belongs to no deployable unit',
    );

    const empty = new App();
    const platformOnly = chartIn(empty, 'platform', 'namespace');
    new ApiObject(platformOnly, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments-dr' } });
    expect(() => argocdCharts(empty, { platform: PLATFORM, environments: ENVIRONMENTS, deployedCharts: [platformOnly] })).toThrow(
      'unit dev/use1 has no object',
    );
  });

  test('a project with a wildcard kind is refused', () => {
    const app = new App();
    const props = {
      name: 'p',
      description: 'd',
      argocdNamespace: 'argocd',
      repoURL: PLATFORM.gitops.repoURL,
      destinationServer: PLATFORM.gitops.destinationServer,
      destinationNamespaces: ['payments-dr'],
      wave: -1,
    };
    expect(
      () =>
        new RestrictedProject(chartIn(app, 'argocd', 'a'), 'p', {
          ...props,
          kinds: { clusterScoped: [{ group: '*', kind: '*' }], namespaced: [], namespaces: [] },
        }),
    ).toThrow('kind "*/*" contains a wildcard');
    expect(
      () =>
        new RestrictedProject(chartIn(app, 'argocd', 'b'), 'p', { ...props, kinds: { clusterScoped: [], namespaced: [], namespaces: [] } }),
    ).toThrow('no kind to allow');
  });
});
