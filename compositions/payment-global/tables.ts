import { LABEL } from '../../facts/labels';
import { TableV1Beta2 } from '../../imports/dynamodb.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { fromXr, toXr } from '../lib/patches';
import { awsRegion, homedResource, regionResourceSelector } from './common';

/**
 * MRSC (multi-region strong consistency) needs three regions of one region set: for us-east-1 and
 * us-west-2 the third is us-east-2, which holds the witness (no data served, only the quorum vote).
 */
export const MRSC_WITNESS_REGION = 'us-east-2';

interface GlobalTableSpec {
  readonly name: string;
  readonly statusKey: string;
  readonly hashKey: string;
  /**
   * EVENTUAL (MREC): each region writes locally, replication is asynchronous, last writer wins.
   * STRONG (MRSC): a write is acknowledged once another region has it, a strongly consistent read in
   * either region sees the latest write, and a region cut off from the quorum can neither read
   * strongly nor write. MRSC tables support no TTL and no transactions, and must be created empty
   * with their replica and witness (DynamoDB Developer Guide, "Global tables: core concepts").
   */
  readonly consistency: 'EVENTUAL' | 'STRONG';
  /** Attribute DynamoDB expires items by; MRSC tables cannot have one. */
  readonly ttlAttribute?: string;
}

/** The DynamoDB global tables, their keys, their consistency and the attribute DynamoDB expires items by. */
export const GLOBAL_TABLES: readonly GlobalTableSpec[] = [
  // Sessions expire by `expiresAt`, set by whoever owns the session; the webhook never shortens it.
  { name: 'sessions', statusKey: 'sessions', hashKey: 'sessionId', consistency: 'EVENTUAL', ttlAttribute: 'expiresAt' },
  // Idempotency records (Powertools layout: hash key `id`, TTL `expiration`): global, so a duplicate
  // delivered to the other region after a DNS flip is still caught.
  { name: 'idempotency', statusKey: 'idempotency', hashKey: 'id', consistency: 'EVENTUAL', ttlAttribute: 'expiration' },
  // The fence: the active region and its epoch, the regions' heartbeats and the controller's probe
  // state. Strongly consistent across regions: an eventually consistent table is last-writer-wins
  // and cannot fence (DESIGN.md §4).
  { name: 'dr-state', statusKey: 'drState', hashKey: 'id', consistency: 'STRONG' },
];

/**
 * A global table (version 2019.11.21) homed in us-east-1 with a replica in us-west-2; on-demand;
 * point-in-time recovery on the table and on the replica; SSE with each region's KMS key; no
 * deletion protection. MREC tables stream NEW_AND_OLD_IMAGES (their replication needs it); the MRSC
 * table replicates without streams and gets its witness in us-east-2.
 */
function globalTable(table: GlobalTableSpec): ComposedResource {
  const strong = table.consistency === 'STRONG';
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
          ...(table.ttlAttribute ? { ttl: { attributeName: table.ttlAttribute, enabled: true } } : {}),
          ...(strong
            ? { streamEnabled: false, globalTableWitness: { regionName: MRSC_WITNESS_REGION } }
            : { streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' }),
          deletionProtectionEnabled: false,
          pointInTimeRecovery: { enabled: true },
          serverSideEncryption: { enabled: true, kmsKeyArnSelector: homeKey.selector },
          replica: [
            {
              regionName: awsRegion('usw2'),
              consistencyMode: table.consistency,
              pointInTimeRecovery: true,
              propagateTags: true,
              kmsKeyArnSelector: replicaKey.selector,
            },
          ],
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
