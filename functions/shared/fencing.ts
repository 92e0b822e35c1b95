import { setTimeout as sleep } from 'node:timers/promises';
import type { AttributeValue, PutItemCommandInput } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Region } from './config';
import { REGIONS } from './config';

/**
 * The fence: which region may acknowledge payments. It lives in the DR state global table
 * (`dr-state-use1-<env>`, hash key `id`), a DynamoDB global table in multi-region STRONG
 * consistency (MRSC: replicas us-east-1 + us-west-2, witness us-east-2):
 *
 *   id = "active-region": { activeRegion, epoch, updatedAt, reason, decidedBy }
 *
 * What MRSC gives (AWS docs, "How DynamoDB global tables work" → consistency modes): a strongly
 * consistent read (`ConsistentRead: true`) in either replica region returns the latest write made
 * in any region; a write is acknowledged only once it is replicated to a quorum (2 of the 3
 * regions), so a region that cannot reach the others (the witness included) cannot read strongly
 * nor write, and its calls fail; concurrent writes of one item from two regions fail one of them
 * with `ReplicatedWriteConflictException` (retry-safe). MRSC tables have no TTL and no
 * transactions: nothing here uses either. Every read of the fence is a strongly consistent read.
 *
 * Rules, each enforced here and tested:
 * - the epoch only grows: a new record is written only on top of the epoch its decision was
 *   made on (`epoch = :previous`), and readers refuse a record with a lower epoch than one they
 *   have already seen (`FenceRegressedError`);
 * - a missing or malformed record is an error, never a default (`FenceMissingError`,
 *   `DrStateError`): the webhook answers 503 and accepts nothing until `npm run dr -- init` writes it.
 */
export const ACTIVE_REGION_ID = 'active-region';
/** The region whose failover record is PRIMARY (facts/regions.ts): `/health` there requires the fence. */
export const PRIMARY_REGION: Region = 'us-east-1';

export interface ActiveRegion {
  activeRegion: Region;
  epoch: number;
  updatedAt?: string;
  reason?: string;
  decidedBy?: string;
}

/** The DynamoDB item calls fencing makes; a DynamoDBClient satisfies it (tests may wrap one). */
export interface DynamoDbItemApi {
  send(command: GetItemCommand | PutItemCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export class DrStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrStateError';
  }
}

/** The active-region record does not exist: nothing may be accepted anywhere (fail closed). */
export class FenceMissingError extends DrStateError {
  constructor(table: string) {
    super(`the active-region record is missing from ${table}: no region may accept payments until it is recorded (npm run dr -- init)`);
    this.name = 'FenceMissingError';
  }
}

/** The record went back to an epoch lower than one this reader already saw (a restore, a bad manual write): refused. */
export class FenceRegressedError extends DrStateError {
  constructor(seen: number, read: ActiveRegion) {
    super(
      `the active-region record went back to epoch ${read.epoch} (${read.activeRegion}) ` +
        `after epoch ${seen} was seen: refused until it is repaired`,
    );
    this.name = 'FenceRegressedError';
  }
}

/** Parses the stored item; a malformed one throws (callers fail closed rather than guess). Undefined when there is no item. */
export function parseActiveRegion(item: Record<string, AttributeValue> | undefined): ActiveRegion | undefined {
  if (!item) return undefined;
  const activeRegion = item.activeRegion?.S;
  const epoch = Number(item.epoch?.N);
  if (!REGIONS.includes(activeRegion as Region))
    throw new DrStateError(`active-region item has activeRegion "${activeRegion}", not one of ${REGIONS.join(', ')}`);
  if (!Number.isSafeInteger(epoch) || epoch < 1)
    throw new DrStateError(`active-region item has epoch "${item.epoch?.N}", not a positive integer`);
  return {
    activeRegion: activeRegion as Region,
    epoch,
    updatedAt: item.updatedAt?.S,
    reason: item.reason?.S,
    decidedBy: item.decidedBy?.S,
  };
}

/** The record as it is (strongly consistent read), or undefined when there is none (for `dr init` and `dr status`). */
export async function readActiveRegionRecord(
  dynamodb: DynamoDbItemApi,
  table: string,
  options: { abortSignal?: AbortSignal } = {},
): Promise<ActiveRegion | undefined> {
  const output = (await dynamodb.send(
    new GetItemCommand({ TableName: table, Key: { id: { S: ACTIVE_REGION_ID } }, ConsistentRead: true }),
    options,
  )) as {
    Item?: Record<string, AttributeValue>;
  };
  return parseActiveRegion(output.Item);
}

/** The active region (strongly consistent read); a missing record throws FenceMissingError. */
export async function readActiveRegion(
  dynamodb: DynamoDbItemApi,
  table: string,
  options: { abortSignal?: AbortSignal } = {},
): Promise<ActiveRegion> {
  const active = await readActiveRegionRecord(dynamodb, table, options);
  if (!active) throw new FenceMissingError(table);
  return active;
}

/**
 * One execution environment's view of the fence: every `read()` is a fresh strongly consistent
 * read (no cache: a cached answer is exactly the window in which a fenced region could still
 * accept), checked against the highest epoch this environment has seen. A lower epoch, or the
 * same epoch naming another region, throws FenceRegressedError.
 */
export function fenceReader(load: (options: { abortSignal?: AbortSignal }) => Promise<ActiveRegion>): {
  read(options?: { abortSignal?: AbortSignal }): Promise<ActiveRegion>;
  highest(): ActiveRegion | undefined;
} {
  let highest: ActiveRegion | undefined;
  return {
    async read(options = {}) {
      const active = await load(options);
      if (highest && (active.epoch < highest.epoch || (active.epoch === highest.epoch && active.activeRegion !== highest.activeRegion))) {
        throw new FenceRegressedError(highest.epoch, active);
      }
      if (!highest || active.epoch > highest.epoch) highest = active;
      return active;
    },
    highest: () => highest,
  };
}

export interface ActiveRegionChange {
  activeRegion: Region;
  /** The new epoch: the epoch the decision was made on, plus one. */
  epoch: number;
  reason: string;
  decidedBy: string;
  updatedAt: Date;
}

/** MRSC: another region wrote the same item at the same time; the request may be retried (botocore: is_retry_safe). */
export const REPLICATED_WRITE_CONFLICT = 'ReplicatedWriteConflictException';
const CONFLICT_RETRIES = 4;

/**
 * Records a new active region on top of the epoch the decision was made on: conditional on the
 * stored epoch being exactly `change.epoch - 1` (compare-and-set), so of two deciders working from
 * the same epoch only one succeeds, and a slower or older decision never undoes a newer one.
 * Resolves `superseded` when the record no longer holds that epoch (someone decided first, or the
 * record is missing: `dr init` creates it).
 */
export async function recordActiveRegion(
  dynamodb: DynamoDbItemApi,
  table: string,
  change: ActiveRegionChange,
): Promise<'recorded' | 'superseded'> {
  if (!Number.isSafeInteger(change.epoch) || change.epoch < 2)
    throw new DrStateError(`a recorded change needs an epoch of at least 2, on top of the initial record (got ${change.epoch})`);
  const written = await conditionalPut(dynamodb, {
    TableName: table,
    Item: activeRegionItem(change),
    ConditionExpression: 'epoch = :previous',
    ExpressionAttributeValues: { ':previous': { N: String(change.epoch - 1) } },
  });
  return written ? 'recorded' : 'superseded';
}

/** The first record of an environment (or its re-creation after a loss), only where there is none. */
export async function initialiseActiveRegion(
  dynamodb: DynamoDbItemApi,
  table: string,
  change: ActiveRegionChange,
): Promise<'recorded' | 'exists'> {
  if (!Number.isSafeInteger(change.epoch) || change.epoch < 1)
    throw new DrStateError(`an epoch must be a positive integer (got ${change.epoch})`);
  const written = await conditionalPut(dynamodb, {
    TableName: table,
    Item: activeRegionItem(change),
    ConditionExpression: 'attribute_not_exists(id)',
  });
  return written ? 'recorded' : 'exists';
}

function activeRegionItem(change: ActiveRegionChange): Record<string, AttributeValue> {
  return {
    id: { S: ACTIVE_REGION_ID },
    activeRegion: { S: change.activeRegion },
    epoch: { N: String(change.epoch) },
    updatedAt: { S: change.updatedAt.toISOString() },
    reason: { S: change.reason },
    decidedBy: { S: change.decidedBy },
  };
}

/**
 * A PutItem with a ConditionExpression: false when the condition did not hold (nothing written).
 * A `ReplicatedWriteConflictException` (MRSC: the same item written from another region at the
 * same moment) is retried a few times with jitter; the condition is evaluated again each time.
 */
export async function conditionalPut(
  dynamodb: DynamoDbItemApi,
  input: PutItemCommandInput,
  options: { abortSignal?: AbortSignal } = {},
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamodb.send(new PutItemCommand(input), options);
      return true;
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'ConditionalCheckFailedException') return false;
      if (name !== REPLICATED_WRITE_CONFLICT || attempt >= CONFLICT_RETRIES) throw error;
      await sleep(25 * 2 ** attempt * (0.5 + Math.random() / 2));
    }
  }
}

export type FenceCheck = { allowed: true; active: ActiveRegion } | { allowed: false; active: ActiveRegion; message: string };

/** Writes are allowed only in the active region. */
export function checkFence(region: Region, active: ActiveRegion): FenceCheck {
  if (active.activeRegion === region) return { allowed: true, active };
  return {
    allowed: false,
    active,
    message:
      `this region (${region}) is not the active region (${active.activeRegion}, ` +
      `epoch ${active.epoch}); writes go to the active region`,
  };
}

/** The fence as it was when a delivery started no longer holds: the delivery must not be acknowledged here. */
export class FenceMovedError extends Error {
  constructor(
    readonly before: ActiveRegion,
    readonly now: ActiveRegion,
  ) {
    super(
      `the active region changed from ${before.activeRegion} (epoch ${before.epoch}) ` +
        `to ${now.activeRegion} (epoch ${now.epoch}) while the event was being stored`,
    );
    this.name = 'FenceMovedError';
  }
}

/** Throws FenceMovedError unless `now` is still exactly `before` (same region, same epoch). */
export function expectUnchanged(before: ActiveRegion, now: ActiveRegion): void {
  if (now.activeRegion !== before.activeRegion || now.epoch !== before.epoch) throw new FenceMovedError(before, now);
}
