import type { RegionSuffix } from '../../facts/regions';
import { LABEL } from '../../facts/labels';
import { MAX_INSTANCES_PER_REGION } from '../../facts/naming';
import { ClusterInstance, ClusterParameterGroup, ClusterV1Beta2, GlobalCluster } from '../../imports/rds.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { DATABASE } from '../lib/database';
import { composedWhenPresent } from '../lib/optional-resources';
import { type Patch, combine, fromXr, toXr } from '../lib/patches';
import { SECRETS_NAMESPACE, XR, awsRegion, homedName, homedResource, regionResourceSelector } from './common';

export const ENGINE = 'aurora-postgresql';
/** Instances each regional cluster can have (instance slot i exists when spec lists an i-th identifier); a naming fact. */
export { MAX_INSTANCES_PER_REGION };
/** Logs exported to CloudWatch Logs. */
const LOG_EXPORTS = ['postgresql'];
/**
 * Nothing of the global database late-initializes. Late initialization copies observed values into
 * spec.forProvider, where they become desired state: the GlobalCluster would pin engineVersion and
 * fight every minor upgrade (Terraform's aws_rds_global_cluster upgrades on any engine_version
 * difference), and a member would pin the fields below, which must stay out of every diff.
 */
export const GLOBAL_DATABASE_MANAGEMENT_POLICIES = ['Observe', 'Create', 'Update', 'Delete'];

/**
 * Fields a member cluster sets at creation only. Upjet leaves a field that is present in
 * spec.initProvider and absent from spec.forProvider out of every Terraform diff (upjet
 * pkg/controller/ignored_tfpluginsdk.go, filterInitExclusiveDiffs), on every reconcile:
 * - globalClusterIdentifier: Terraform 6.34's Read sets it to "" whenever DescribeGlobalClusters does
 *   not list the cluster as a member (resourceClusterRead); a diff on it then either fails ("cannot be
 *   added to an existing global cluster") or, from a value to "", calls RemoveFromGlobalCluster;
 * - replicationSourceIdentifier: Optional, not Computed; Read copies the source ARN AWS reports for a
 *   secondary, and an Update that wants it empty calls PromoteReadReplicaDBCluster, detaching the
 *   secondary (terraform-provider-aws PR #40337, issue #43214). The empty string creates the cluster
 *   exactly as no value would (Terraform's GetOk ignores "") yet names the field, so it is excluded
 *   from diffs in both members and in every role, whichever region holds the writer.
 */
const CREATE_ONLY_MEMBER_FIELDS = { replicationSourceIdentifier: '' };

const DB = 'spec.database';
/** Labels telling a region's member cluster apart from everything else this XR composes. */
export const clusterLabels = (region: RegionSuffix) => ({ [LABEL.region]: region, [LABEL.purpose]: 'cluster' });
const ownCluster = (region: RegionSuffix) => ({ matchControllerRef: true, matchLabels: clusterLabels(region) });

function globalCluster(): ComposedResource {
  return homedResource({
    name: 'global-cluster',
    type: 'aurora-global',
    component: 'database',
    purpose: 'global-cluster',
    // No sourceDbClusterIdentifier: the primary joins the global cluster (not the reverse), so a
    // failover that moves the writer changes nothing this resource declares.
    manifest: GlobalCluster.manifest({
      spec: {
        managementPolicies: GLOBAL_DATABASE_MANAGEMENT_POLICIES,
        forProvider: { region: awsRegion('use1'), engine: ENGINE, storageEncrypted: true, deletionProtection: false, forceDestroy: true },
      } as never,
    }),
    patches: [
      fromXr(`${DB}.engineVersion`, 'spec.initProvider.engineVersion'),
      toXr('status.atProvider.endpoint', 'status.globalWriterEndpoint'),
    ],
  });
}

function parameterGroup(region: RegionSuffix): ComposedResource {
  return homedResource({
    name: `cluster-parameter-group-${region}`,
    type: 'aurora-pg14-tls',
    region,
    component: 'database',
    purpose: 'parameter-group',
    manifest: ClusterParameterGroup.manifest({
      spec: {
        forProvider: {
          region: awsRegion(region),
          family: 'aurora-postgresql14',
          description: 'payments-dr: TLS required for every connection',
          parameter: [{ name: 'rds.force_ssl', value: '1', applyMethod: 'pending-reboot' }],
        },
      },
    }),
  });
}

/** Selectors into this environment's PaymentRegion in `region`: KMS key, DB subnet group, Aurora SG. */
function regionalPlacement(region: RegionSuffix): { forProvider: Record<string, unknown>; patches: Patch[] } {
  const key = regionResourceSelector(region, { [LABEL.component]: 'kms' }, 'spec.forProvider.kmsKeyIdSelector');
  const subnets = regionResourceSelector(region, { [LABEL.component]: 'database' }, 'spec.forProvider.dbSubnetGroupNameSelector');
  const securityGroup = regionResourceSelector(region, { [LABEL.purpose]: 'aurora' }, 'spec.forProvider.vpcSecurityGroupIdSelector');
  return {
    forProvider: {
      kmsKeyIdSelector: key.selector,
      dbSubnetGroupNameSelector: subnets.selector,
      vpcSecurityGroupIdSelector: securityGroup.selector,
      dbClusterParameterGroupNameSelector: {
        matchControllerRef: true,
        matchLabels: { [LABEL.region]: region, [LABEL.purpose]: 'parameter-group' },
      },
    },
    patches: [key.patch, subnets.patch, securityGroup.patch],
  };
}

/**
 * A member cluster. The primary (us-east-1) owns the credentials and the database; the secondary
 * (us-west-2) joins the global cluster with none. Both: encrypted with their region's key, backups
 * with PITR over the retention window, logs exported, TLS forced, no final snapshot, no deletion protection.
 */
function memberCluster(region: RegionSuffix, role: 'primary' | 'secondary'): ComposedResource {
  const placement = regionalPlacement(region);
  const credentials =
    role === 'primary'
      ? {
          masterUsername: DATABASE.masterUsername,
          autoGeneratePassword: true,
          databaseName: DATABASE.name,
          masterPasswordSecretRef: { namespace: SECRETS_NAMESPACE, key: 'password' },
        }
      : {};
  return homedResource({
    name: `cluster-${region}`,
    type: 'aurora',
    region,
    component: 'database',
    purpose: 'cluster',
    manifest: ClusterV1Beta2.manifest({
      spec: {
        managementPolicies: GLOBAL_DATABASE_MANAGEMENT_POLICIES,
        initProvider: CREATE_ONLY_MEMBER_FIELDS,
        forProvider: {
          region: awsRegion(region),
          engine: ENGINE,
          storageEncrypted: true,
          deletionProtection: false,
          skipFinalSnapshot: true,
          copyTagsToSnapshot: true,
          port: DATABASE.port,
          enabledCloudwatchLogsExports: LOG_EXPORTS,
          ...placement.forProvider,
          ...credentials,
        },
      } as never,
    }),
    patches: [
      fromXr(`${DB}.engineVersion`, 'spec.initProvider.engineVersion'),
      homedName('aurora-global', 'use1', 'spec.initProvider.globalClusterIdentifier'),
      fromXr(`${DB}.backupRetentionDays`, 'spec.forProvider.backupRetentionPeriod'),
      fromXr(`${DB}.preferredBackupWindow`, 'spec.forProvider.preferredBackupWindow'),
      ...placement.patches,
      ...(role === 'primary'
        ? [combine('aurora-master-password-%s', [XR.environment], 'spec.forProvider.masterPasswordSecretRef.name')]
        : []),
      toXr('status.atProvider.endpoint', `status.clusters.${region}.endpoint`),
      toXr('status.atProvider.readerEndpoint', `status.clusters.${region}.readerEndpoint`),
    ],
  });
}

/** Instance slot i of a region's cluster, named by spec.regions.<region>.instanceIdentifiers[i]. */
function instance(region: RegionSuffix, slot: number): ComposedResource {
  const identifier = `${XR.region(region)}.instanceIdentifiers[${slot}]`;
  const resource = homedResource({
    name: `instance-${region}-${slot + 1}`,
    type: 'aurora-instance',
    region,
    component: 'database',
    purpose: `instance-${slot + 1}`,
    manifest: ClusterInstance.manifest({
      spec: {
        managementPolicies: GLOBAL_DATABASE_MANAGEMENT_POLICIES,
        forProvider: {
          region: awsRegion(region),
          engine: ENGINE,
          publiclyAccessible: false,
          autoMinorVersionUpgrade: true,
          clusterIdentifierSelector: ownCluster(region),
        },
      } as never,
    }),
    namePatch: fromXr(identifier, 'metadata.name'),
    patches: [fromXr(`${XR.region(region)}.instanceClass`, 'spec.forProvider.instanceClass')],
  });
  return composedWhenPresent(resource, identifier);
}

/** The Aurora PostgreSQL 14 Global Database: global cluster, writer in us-east-1, reader in us-west-2, instances, TLS parameter groups. */
export function auroraResources(): ComposedResource[] {
  const slots = Array.from({ length: MAX_INSTANCES_PER_REGION }, (_, slot) => slot);
  return [
    globalCluster(),
    parameterGroup('use1'),
    parameterGroup('usw2'),
    memberCluster('use1', 'primary'),
    memberCluster('usw2', 'secondary'),
    ...slots.map((slot) => instance('use1', slot)),
    ...slots.map((slot) => instance('usw2', slot)),
  ];
}
