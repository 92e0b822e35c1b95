import type { AttributeValue, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Region } from './config';
import { REGIONS } from './config';

/**
 * The DR state global table (`dr-state-use1-<env>`, hash key `id`) holds one item that says which
 * region may accept writes, with a fencing epoch that only ever increases:
 *
 *   id = "active-region": { activeRegion, epoch, updatedAt, reason, decidedBy }
 *
 * An absent item means the primary (us-east-1) is active at epoch 0. Whoever moves the writer
 * (the failover controller, the `dr` CLI) records the new region with epoch + 1; a write is
 * conditional on the stored epoch being lower, so a slower or older decision can never undo a newer one.
 */
export const ACTIVE_REGION_ID = 'active-region';
export const PRIMARY_REGION: Region = 'us-east-1';

export interface ActiveRegion {
  activeRegion: Region;
  epoch: number;
  updatedAt?: string;
  reason?: string;
  decidedBy?: string;
}

/** What the table says before any failover was recorded. */
export const INITIAL_ACTIVE_REGION: Readonly<ActiveRegion> = { activeRegion: PRIMARY_REGION, epoch: 0 };

/** The two DynamoDB item calls fencing makes; a DynamoDBClient satisfies it (tests may pass a fake). */
export interface DynamoDbItemApi {
  send(command: GetItemCommand | PutItemCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export class DrStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrStateError';
  }
}

/** Parses the stored item; a malformed one throws (callers fail closed rather than guess). */
export function parseActiveRegion(item: Record<string, AttributeValue> | undefined): ActiveRegion {
  if (!item) return { ...INITIAL_ACTIVE_REGION };
  const activeRegion = item.activeRegion?.S;
  const epoch = Number(item.epoch?.N);
  if (!REGIONS.includes(activeRegion as Region)) throw new DrStateError(`active-region item has activeRegion "${activeRegion}", not one of ${REGIONS.join(', ')}`);
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new DrStateError(`active-region item has epoch "${item.epoch?.N}", not a non-negative integer`);
  return {
    activeRegion: activeRegion as Region,
    epoch,
    updatedAt: item.updatedAt?.S,
    reason: item.reason?.S,
    decidedBy: item.decidedBy?.S,
  };
}

/** Reads the active region from this region's replica (strongly consistent within the region). */
export async function readActiveRegion(dynamodb: DynamoDbItemApi, table: string, options: { abortSignal?: AbortSignal } = {}): Promise<ActiveRegion> {
  const output = (await dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: ACTIVE_REGION_ID } }, ConsistentRead: true }), options)) as {
    Item?: Record<string, AttributeValue>;
  };
  return parseActiveRegion(output.Item);
}

export interface ActiveRegionChange {
  activeRegion: Region;
  /** The new epoch: the epoch the decision was made on, plus one. */
  epoch: number;
  reason: string;
  decidedBy: string;
  updatedAt: Date;
}

/**
 * Records a new active region. Conditional (`attribute_not_exists(id) OR epoch < :epoch`): resolves
 * `superseded` when the table already holds this epoch or a later one (someone else decided first).
 */
export async function recordActiveRegion(dynamodb: DynamoDbItemApi, table: string, change: ActiveRegionChange): Promise<'recorded' | 'superseded'> {
  if (!Number.isSafeInteger(change.epoch) || change.epoch < 1) throw new DrStateError(`a recorded epoch must be a positive integer (got ${change.epoch})`);
  const written = await conditionalPut(dynamodb, {
    TableName: table,
    Item: {
      id: { S: ACTIVE_REGION_ID },
      activeRegion: { S: change.activeRegion },
      epoch: { N: String(change.epoch) },
      updatedAt: { S: change.updatedAt.toISOString() },
      reason: { S: change.reason },
      decidedBy: { S: change.decidedBy },
    },
    ConditionExpression: 'attribute_not_exists(id) OR epoch < :epoch',
    ExpressionAttributeValues: { ':epoch': { N: String(change.epoch) } },
  });
  return written ? 'recorded' : 'superseded';
}

/** A PutItem with a ConditionExpression: false when the condition did not hold (nothing written). */
export async function conditionalPut(dynamodb: DynamoDbItemApi, input: PutItemCommandInput): Promise<boolean> {
  try {
    await dynamodb.send(new PutItemCommand(input));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

export type FenceCheck = { allowed: true; active: ActiveRegion } | { allowed: false; active: ActiveRegion; message: string };

/** Writes are allowed only in the active region. */
export function checkFence(region: Region, active: ActiveRegion): FenceCheck {
  if (active.activeRegion === region) return { allowed: true, active };
  return {
    allowed: false,
    active,
    message: `this region (${region}) is not the active region (${active.activeRegion}, epoch ${active.epoch}); writes go to the active region`,
  };
}

/** How long a webhook execution environment trusts the active region it read. */
export const ACTIVE_REGION_CACHE_MS = 5000;

/**
 * Caches `load` for `ttlMs` and shares one in-flight read between concurrent callers. A failed read
 * is not cached: the next caller reads again (fencing fails closed, it never serves a value it could not read).
 */
export function cachedActiveRegion(load: () => Promise<ActiveRegion>, ttlMs = ACTIVE_REGION_CACHE_MS, now: () => number = Date.now): () => Promise<ActiveRegion> {
  let cached: { expiresAt: number; value: Promise<ActiveRegion> } | undefined;
  return () => {
    if (cached && cached.expiresAt > now()) return cached.value;
    const entry = { expiresAt: now() + ttlMs, value: load() };
    cached = entry;
    entry.value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return entry.value;
  };
}
