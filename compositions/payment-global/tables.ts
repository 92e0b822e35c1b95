import { LABEL } from '../../charts/labels';
import { TableV1Beta2 } from '../../imports/dynamodb.aws.upbound.io';
import { ComposedResource } from '../lib/composition';
import { fromXr, toXr } from '../lib/patches';
import { awsRegion, homedResource, regionResourceSelector } from './common';

/** The DynamoDB global tables, their keys and the attribute DynamoDB expires items by. */
export const GLOBAL_TABLES = [
  // Sessions expire by `expiresAt`, set by whoever owns the session; the webhook never shortens it.
  { name: 'sessions', statusKey: 'sessions', hashKey: 'sessionId', ttlAttribute: 'expiresAt' },
  // Idempotency records (Powertools layout: hash key `id`, TTL `expiration`): global, so a duplicate
  // delivered to the other region after a DNS flip is still caught.
  { name: 'idempotency', statusKey: 'idempotency', hashKey: 'id', ttlAttribute: 'expiration' },
  // The active region and its fencing epoch (webhooks refuse writes outside the active region), and
  // the failover controller's per-region probe state. Global, so both regions read one truth.
  { name: 'dr-state', statusKey: 'drState', hashKey: 'id', ttlAttribute: 'expiresAt' },
] as const;

/**
 * A global table (version 2019.11.21, multi-region eventual consistency): homed in us-east-1 with a
 * replica in us-west-2; on-demand; point-in-time recovery on the table and on the replica; SSE with
 * each region's KMS key; streams (NEW_AND_OLD_IMAGES), which replicas require; no deletion protection.
 */
function globalTable(table: (typeof GLOBAL_TABLES)[number]): ComposedResource {
  const homeKey = regionResourceSelector('use1', { [LABEL.component]: 'kms' }, 'spec.forProvider.serverSideEncryption.kmsKeyArnSelector');
  const replicaKey = regionResourceSelector('usw2', { [LABEL.component]: 'kms' }, 'spec.forProvider.replica[0].kmsKeyArnSelector');
  return homedResource({
    name: `table-${table.name}`,
    type: table.name,
    component: 'sessions',
    purpose: table.name,
    manifest: TableV1Beta2.manifest({
      spec: {
        forProvider: {
          region: awsRegion('use1'),
          billingMode: 'PAY_PER_REQUEST',
          hashKey: table.hashKey,
          attribute: [{ name: table.hashKey, type: 'S' }],
          ttl: { attributeName: table.ttlAttribute, enabled: true },
          streamEnabled: true,
          streamViewType: 'NEW_AND_OLD_IMAGES',
          deletionProtectionEnabled: false,
          pointInTimeRecovery: { enabled: true },
          serverSideEncryption: { enabled: true, kmsKeyArnSelector: homeKey.selector },
          replica: [{ regionName: awsRegion('usw2'), pointInTimeRecovery: true, propagateTags: true, kmsKeyArnSelector: replicaKey.selector }],
        },
      },
    }),
    patches: [
      homeKey.patch,
      replicaKey.patch,
      fromXr('spec.tables.pointInTimeRecoveryDays', 'spec.forProvider.pointInTimeRecovery.recoveryPeriodInDays'),
      toXr('status.atProvider.arn', `status.tables.${table.statusKey}.arn`),
      toXr('status.atProvider.id', `status.tables.${table.statusKey}.name`),
    ],
  });
}

export function tableResources(): ComposedResource[] {
  return GLOBAL_TABLES.map(globalTable);
}
