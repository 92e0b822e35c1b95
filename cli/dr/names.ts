import { ENVIRONMENTS } from '../../charts/config/environments';
import { HOME_REGION } from '../../facts/regions';
import type { EnvironmentConfig } from '../../charts/config/types';
import { regionalApiDomain, tableName } from '../../facts/naming';
import type { Region } from '../../functions/shared/config';
import { REGION_SUFFIXES, REGIONS } from '../../functions/shared/config';

/** Every AWS name the `dr` commands use, derived from the environment config with the project's naming convention. */
export interface DrNames {
  environmentSuffix: string;
  accountId: string;
  /** aurora-global-use1-<env> */
  globalClusterId: string;
  /** aurora-use1-<env>, aurora-usw2-<env> */
  clusterIds: Record<Region, string>;
  /** dr-state-use1-<env>, an MRSC global table: each region has its replica. */
  drStateTable: string;
  /** idempotency-use1-<env>, the webhook's Powertools idempotency records (an MREC global table). */
  idempotencyTable: string;
  /** https://api-<suffix>-<env>.<domain>/health: each region's own hostname, never the failover one. */
  healthUrls: Record<Region, string>;
  /** The environment's replication-lag target (a switchover is refused above it). */
  replicationLagThresholdMs: number;
  /** Aurora instances in each regional cluster (a cluster failover drill needs a reader: 2 or more). */
  auroraInstancesPerRegion: number;
}

export class UnknownEnvironmentError extends Error {}

export function drNames(environmentSuffix: string, environments: readonly EnvironmentConfig[] = ENVIRONMENTS): DrNames {
  const environment = environments.find((candidate) => candidate.environmentSuffix === environmentSuffix);
  if (!environment) {
    throw new UnknownEnvironmentError(
      `unknown environment "${environmentSuffix}"; charts/config/environments.ts ` +
        `declares: ${environments.map((e) => e.environmentSuffix).join(', ')}`,
    );
  }
  const perRegion = (value: (suffix: (typeof REGION_SUFFIXES)[Region]) => string) =>
    Object.fromEntries(REGIONS.map((region) => [region, value(REGION_SUFFIXES[region])])) as Record<Region, string>;
  return {
    environmentSuffix,
    accountId: environment.awsAccountId,
    globalClusterId: tableName('rds-global-cluster', 'aurora-global', HOME_REGION, environmentSuffix),
    clusterIds: perRegion((suffix) => tableName('rds-cluster', 'aurora', suffix, environmentSuffix)),
    drStateTable: tableName('dynamodb-table', 'dr-state', HOME_REGION, environmentSuffix),
    idempotencyTable: tableName('dynamodb-table', 'idempotency', HOME_REGION, environmentSuffix),
    healthUrls: perRegion((suffix) => `https://${regionalApiDomain(environment.dns.domain, suffix, environmentSuffix)}/health`),
    replicationLagThresholdMs: environment.replicationLagThresholdMs,
    auroraInstancesPerRegion: environment.database.instancesPerRegion,
  };
}
