import type { Construct } from 'constructs';
import { BaseChart } from '../charts/base-chart';
import { compositeApisIn } from '../charts/composite-definitions';
import type { PlatformConfig } from '../charts/config/platform-types';
import type { EnvironmentConfig } from '../charts/config/types';
import { LABEL } from '../facts/labels';
import { CLAIM_NAMESPACE } from '../charts/platform-chart';
import { type DeployUnit, deployUnits } from '../charts/units';
import { apiObjectsIn, deployedKinds } from './deployed-kinds';
import { GitOpsApplication } from './gitops-application';
import { HealthCustomizations } from './health-customizations';
import { RestrictedProject } from './restricted-project';
import { applySyncPolicy } from './sync-policy';
import { BOOTSTRAP_WAVE, UNIT_WAVES } from './sync-waves';

/** The dist/ folder Argo CD reads, relative to the repository root. */
export const DIST_PATH = 'dist';
/** dist/argocd/: the unit the root Application deploys. */
export const ARGOCD_UNIT = 'argocd';
/** File (without .yaml) of the argocd-cm merge patch; the operator applies it, the root Application skips it. */
export const HEALTH_PATCH_FILE = 'argocd-cm-health';

export const PROJECT = 'payments-dr';
export const BOOTSTRAP_PROJECT = 'payments-dr-bootstrap';
export const ROOT_APPLICATION = 'payments-dr-root';

/** Application name of a unit: payments-dr-platform, payments-dr-dev-use1, ... */
export const applicationName = (unitPath: string) => `${PROJECT}-${unitPath.replace(/\//g, '-')}`;

/** Every folder the deployed charts write is a unit (so an Application deploys it), and every unit's folder has objects. */
function assertOneApplicationPerFolder(deployed: readonly BaseChart[], units: readonly DeployUnit[]): void {
  const folderOf = (chart: BaseChart) => chart.outputPath.slice(0, chart.outputPath.lastIndexOf('/'));
  const unknownFolder = deployed.map(folderOf).find((folder) => !units.some((unit) => unit.path === folder));
  if (unknownFolder)
    throw new Error(
      `argocdCharts: dist/${unknownFolder}/ belongs to no deployable unit (charts/units.ts), so no Application would deploy it`,
    );
  const emptyUnit = units.find((unit) => apiObjectsIn(deployed.filter((chart) => folderOf(chart) === unit.path)).length === 0);
  if (emptyUnit)
    throw new Error(`argocdCharts: unit ${emptyUnit.path} has no object, so its Application would point at a folder dist/ does not have`);
}

export interface ArgoCdChartsProps {
  /** A validated platform config. */
  readonly platform: PlatformConfig;
  /** The validated environments; each gets a global and two region Applications. */
  readonly environments: readonly EnvironmentConfig[];
  /**
   * Every chart of the deployed units. They are read (kinds, XRDs) and annotated (sync waves,
   * protection) here, so call this after all of them exist.
   */
  readonly deployedCharts: readonly BaseChart[];
}

/**
 * dist/argocd/: the AppProject and one Application per deployed unit (appproject.yaml,
 * applications.yaml), the bootstrap project with the root Application that syncs this folder
 * (bootstrap.yaml, applied once by hand), and the argocd-cm health-check patch the operator applies
 * (argocd-cm-health.yaml). Also annotates the deployed units' objects for Argo CD.
 */
export function argocdCharts(scope: Construct, props: ArgoCdChartsProps): void {
  const { gitops } = props.platform;
  const deployed = props.deployedCharts.filter((chart) => !chart.outputPath.startsWith(`${ARGOCD_UNIT}/`));
  const units = deployUnits(props.environments);
  assertOneApplicationPerFolder(deployed, units);
  applySyncPolicy(deployed);

  const common = { argocdNamespace: gitops.argocdNamespace, repoURL: gitops.repoURL, destinationServer: gitops.destinationServer };
  const chart = (file: string) => new BaseChart(scope, `argocd-${file}`, { unit: ARGOCD_UNIT, file, component: 'argocd' });

  const projectChart = chart('appproject');
  new RestrictedProject(projectChart, 'project', {
    ...common,
    name: PROJECT,
    description:
      'payments-dr units: Crossplane packages and APIs, PaymentRegion and PaymentGlobal claims (exact kinds, this repository only)',
    destinationNamespaces: [CLAIM_NAMESPACE],
    kinds: deployedKinds(deployed),
    wave: BOOTSTRAP_WAVE,
  });

  const applicationsChart = chart('applications');
  for (const unit of units) {
    new GitOpsApplication(applicationsChart, applicationName(unit.path), {
      ...common,
      name: applicationName(unit.path),
      project: PROJECT,
      targetRevision: gitops.targetRevision,
      path: `${DIST_PATH}/${unit.path}`,
      destinationNamespace: CLAIM_NAMESPACE,
      wave: UNIT_WAVES[unit.role],
      paused: gitops.pausedUnits.includes(unit.path),
      crdsAppearAsynchronously: true,
      labels: {
        ...(unit.environment ? { [LABEL.environment]: unit.environment } : {}),
        ...(unit.region ? { [LABEL.region]: unit.region } : {}),
      },
    });
  }

  const bootstrapChart = chart('bootstrap');
  new RestrictedProject(bootstrapChart, 'project', {
    ...common,
    name: BOOTSTRAP_PROJECT,
    description: 'payments-dr root Application: the AppProjects and Applications in dist/argocd of this repository only',
    destinationNamespaces: [gitops.argocdNamespace],
    kinds: deployedKinds([projectChart, applicationsChart]),
    wave: BOOTSTRAP_WAVE,
  });
  new GitOpsApplication(bootstrapChart, 'root', {
    ...common,
    name: ROOT_APPLICATION,
    project: BOOTSTRAP_PROJECT,
    targetRevision: gitops.targetRevision,
    path: `${DIST_PATH}/${ARGOCD_UNIT}`,
    exclude: `${HEALTH_PATCH_FILE}.yaml`,
    destinationNamespace: gitops.argocdNamespace,
    wave: BOOTSTRAP_WAVE,
    paused: false,
    crdsAppearAsynchronously: false,
  });

  new HealthCustomizations(chart(HEALTH_PATCH_FILE), 'argocd-cm', {
    argocdNamespace: gitops.argocdNamespace,
    apis: compositeApisIn(deployed),
  });
}
