import { REGION_SUFFIXES, type RegionSuffix } from '../facts/regions';
import type { EnvironmentConfig } from './config/types';

/** What a deployable unit holds, which decides when Argo CD deploys it (see argocd/sync-waves.ts). */
export type UnitRole = 'platform' | 'region' | 'global';

/** One folder under dist/ that an Argo CD Application deploys. */
export interface DeployUnit {
  /** dist-relative folder, e.g. "platform", "dev/global", "dev/use1". */
  readonly path: string;
  readonly role: UnitRole;
  /** Environment suffix; absent for the platform unit. */
  readonly environment?: string;
  /** Region suffix of a region unit. */
  readonly region?: RegionSuffix;
}

/** The units of the declared environments: platform, then per environment its regions and its global layer. */
export function deployUnits(environments: readonly EnvironmentConfig[]): DeployUnit[] {
  return [
    { path: 'platform', role: 'platform' },
    ...environments.flatMap(({ environmentSuffix: environment }): DeployUnit[] => [
      ...REGION_SUFFIXES.map((region): DeployUnit => ({ path: `${environment}/${region}`, role: 'region', environment, region })),
      { path: `${environment}/global`, role: 'global', environment },
    ]),
  ];
}
