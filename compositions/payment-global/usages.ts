import { REGION_SUFFIXES, type RegionSuffix } from '../../facts/regions';
import { API_GROUP, LABEL } from '../../facts/labels';
import { Usage } from '../../imports/apiextensions.crossplane.io';
import type { ComposedResource } from '../lib/composition';
import { composedWhenPresent } from '../lib/optional-resources';
import { type Patch, fromXr } from '../lib/patches';
import { XR, homedResource } from './common';
import { MAX_INSTANCES_PER_REGION, clusterLabels } from './aurora';
import { MIGRATE_FUNCTION_LABELS } from './migrations';
import { REPLICATED_SECRETS } from './secrets';
import { GLOBAL_TABLES } from './tables';

interface UsedResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly matchLabels: Record<string, string>;
  /** Composed by this XR (matchControllerRef), or by the environment's PaymentRegion claim (selected by environment label). */
  readonly ownComposite: boolean;
}

const cluster = (region: RegionSuffix): UsedResource => ({
  apiVersion: 'rds.aws.upbound.io/v1beta2',
  kind: 'Cluster',
  matchLabels: clusterLabels(region),
  ownComposite: true,
});
const globalCluster: UsedResource = {
  apiVersion: 'rds.aws.upbound.io/v1beta1',
  kind: 'GlobalCluster',
  matchLabels: { [LABEL.purpose]: 'global-cluster' },
  ownComposite: true,
};
const instance = (region: RegionSuffix, slot: number): UsedResource => ({
  apiVersion: 'rds.aws.upbound.io/v1beta1',
  kind: 'ClusterInstance',
  matchLabels: { [LABEL.region]: region, [LABEL.purpose]: `instance-${slot + 1}` },
  ownComposite: true,
});
const subnetGroup = (region: RegionSuffix): UsedResource => ({
  apiVersion: 'rds.aws.upbound.io/v1beta1',
  kind: 'SubnetGroup',
  matchLabels: { [LABEL.region]: region, [LABEL.component]: 'database' },
  ownComposite: false,
});
const kmsKey = (region: RegionSuffix): UsedResource => ({
  apiVersion: 'kms.aws.upbound.io/v1beta1',
  kind: 'Key',
  matchLabels: { [LABEL.region]: region, [LABEL.component]: 'kms' },
  ownComposite: false,
});

function selectorOf(resource: UsedResource, side: 'of' | 'by'): { reference: Record<string, unknown>; patches: Patch[] } {
  const reference = {
    apiVersion: resource.apiVersion,
    kind: resource.kind,
    resourceSelector: { ...(resource.ownComposite ? { matchControllerRef: true } : {}), matchLabels: resource.matchLabels },
  };
  const patches = resource.ownComposite ? [] : [fromXr(XR.environment, `spec.${side}.resourceSelector.matchLabels[${LABEL.environment}]`)];
  return { reference, patches };
}

/** `of` cannot be deleted while `by` exists; when `by` goes, Crossplane replays the held deletion at once. */
function usage(
  name: string,
  region: RegionSuffix,
  of: UsedResource,
  by: UsedResource,
  reason: string,
  extraPatches: Patch[] = [],
): ComposedResource {
  const ofRef = selectorOf(of, 'of');
  const byRef = selectorOf(by, 'by');
  return homedResource({
    name: `usage-${name}-${region}`,
    type: `usage-${name}`,
    region,
    component: 'deletion-order',
    manifest: Usage.manifest({ spec: { of: ofRef.reference, by: byRef.reference, reason, replayDeletion: true } as never }),
    patches: [...ofRef.patches, ...byRef.patches, ...extraPatches],
  });
}

const migrateFunction: UsedResource = {
  apiVersion: 'lambda.aws.upbound.io/v1beta2',
  kind: 'Function',
  matchLabels: { [LABEL.region]: 'use1', ...MIGRATE_FUNCTION_LABELS },
  ownComposite: false,
};
const migrateInvocation: UsedResource = {
  apiVersion: 'lambda.aws.upbound.io/v1beta1',
  kind: 'Invocation',
  matchLabels: { [LABEL.purpose]: 'migrate' },
  ownComposite: true,
};

const table = (name: string): UsedResource => ({
  apiVersion: 'dynamodb.aws.upbound.io/v1beta2',
  kind: 'Table',
  matchLabels: { [LABEL.purpose]: name },
  ownComposite: true,
});
const secret = (name: string): UsedResource => ({
  apiVersion: 'secretsmanager.aws.upbound.io/v1beta1',
  kind: 'Secret',
  matchLabels: { [LABEL.purpose]: name },
  ownComposite: true,
});

/**
 * Each regional KMS key outlives what is encrypted with it: every global table (the us-east-1 key
 * encrypts the table, the us-west-2 key its replica) and every replicated secret (the same split).
 * A key pending deletion can no longer decrypt, so a table or secret deleted after its key would
 * leave its last moments (and any delete-time read) unreadable.
 */
function encryptedDataUsages(): ComposedResource[] {
  return REGION_SUFFIXES.flatMap((region) => [
    ...GLOBAL_TABLES.map((t) =>
      usage(
        `table-${t.name}-before-kms-key`,
        region,
        kmsKey(region),
        table(t.name),
        `the KMS key outlives the ${t.name} table (replica) it encrypts`,
      ),
    ),
    ...REPLICATED_SECRETS.map((s) =>
      usage(
        `secret-${s.name}-before-kms-key`,
        region,
        kmsKey(region),
        secret(s.name),
        `the KMS key outlives the ${s.name} secret (replica) it encrypts`,
      ),
    ),
  ]);
}

/**
 * Deletion order of the global database: instances before their cluster, both member clusters
 * before the global cluster, and each cluster before the DB subnet group and KMS key (composed by
 * the region claims) it lives on. There is deliberately NO order between the two member clusters:
 * which one is the writer changes with every failover, and AWS refuses to delete the writer's last
 * instance while a secondary exists. A Usage "secondary before primary" therefore deadlocks once
 * the roles are swapped; without it, the writer's instance deletion is retried by the provider
 * until the secondary (whichever region that is) has left, in either role.
 */
export function usageResources(): ComposedResource[] {
  const instanceUsages = REGION_SUFFIXES.flatMap((region) =>
    Array.from({ length: MAX_INSTANCES_PER_REGION }, (_, slot) => {
      const identifier = `${XR.region(region)}.instanceIdentifiers[${slot}]`;
      // Exists only for an instance slot in use; the annotation names the instance it protects.
      const protection = usage(
        `instance-${slot + 1}-before-cluster`,
        region,
        cluster(region),
        instance(region, slot),
        'an Aurora cluster is deleted after its instances',
        [fromXr(identifier, `metadata.annotations[${API_GROUP}/instance]`)],
      );
      return composedWhenPresent(protection, identifier);
    }),
  );
  return [
    ...REGION_SUFFIXES.map((region) =>
      usage('cluster-before-global', region, globalCluster, cluster(region), 'the global cluster is deleted after each member cluster'),
    ),
    ...instanceUsages,
    ...encryptedDataUsages(),
    // lifecycleScope CRUD invokes the function on delete too (it changes nothing): it must still exist then
    usage(
      'invocation-migrate-before-function',
      'use1',
      migrateFunction,
      migrateInvocation,
      'the migrate function outlives its Invocation, which invokes it on delete',
    ),
    ...REGION_SUFFIXES.flatMap((region) => [
      usage(
        'cluster-before-subnet-group',
        region,
        subnetGroup(region),
        cluster(region),
        'the DB subnet group is deleted after the cluster in it',
      ),
      usage('cluster-before-kms-key', region, kmsKey(region), cluster(region), 'the KMS key is deleted after the cluster it encrypts'),
    ]),
  ];
}
