import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Region } from '../shared/config';
import { REGIONS } from '../shared/config';
import type { DynamoDbItemApi } from '../shared/fencing';

/**
 * Each region's controller writes its heartbeat to the MRSC DR state table on every run (every
 * minute), item `id = "heartbeat#<region>"`: `{ region, beatAt, ready, activeRegion, epoch }`
 * (`ready`: its own `/health` said ready in that run). Only that region writes it.
 *
 * What it proves: an MRSC write succeeds only with a quorum (2 of us-east-1, us-west-2 and the
 * us-east-2 witness), so a fresh heartbeat means its region is alive AND reaches the quorum — and
 * therefore reads the fence and obeys it. A region cut off from the quorum cannot beat, however
 * alive it is; a region cut off only from the other region (the witness still reachable) keeps
 * beating. That is the signal an isolated-but-alive primary cannot fake, and a primary that can
 * beat cannot split the brain (its webhooks see any new fence).
 */
export const heartbeatId = (region: string) => `heartbeat#${region}`;

/**
 * A heartbeat older than this is stale: the region has not reached the quorum (or its controller
 * has not run) for 1.5 schedule periods. Runs are a minute apart and take seconds, so a live
 * region's heartbeat is at most ~65 s old when read.
 */
export const HEARTBEAT_STALE_MS = 90_000;

export interface Heartbeat {
  region: Region;
  beatAt: string;
  ready: boolean;
  activeRegion?: string;
  epoch?: number;
}

export async function writeHeartbeat(dynamodb: DynamoDbItemApi, table: string, beat: Heartbeat): Promise<void> {
  const item: Record<string, AttributeValue> = {
    id: { S: heartbeatId(beat.region) },
    region: { S: beat.region },
    beatAt: { S: beat.beatAt },
    ready: { BOOL: beat.ready },
  };
  if (beat.activeRegion) item.activeRegion = { S: beat.activeRegion };
  if (beat.epoch !== undefined) item.epoch = { N: String(beat.epoch) };
  await dynamodb.send(new PutItemCommand({ TableName: table, Item: item }));
}

/** The region's last heartbeat (strongly consistent read), or undefined when it never beat. */
export async function readHeartbeat(dynamodb: DynamoDbItemApi, table: string, region: Region): Promise<Heartbeat | undefined> {
  const output = (await dynamodb.send(
    new GetItemCommand({ TableName: table, Key: { id: { S: heartbeatId(region) } }, ConsistentRead: true }),
  )) as {
    Item?: Record<string, AttributeValue>;
  };
  const item = output.Item;
  if (!item?.beatAt?.S || Number.isNaN(Date.parse(item.beatAt.S))) return undefined;
  const epoch = Number(item.epoch?.N);
  return {
    region: REGIONS.includes(item.region?.S as Region) ? (item.region?.S as Region) : region,
    beatAt: item.beatAt.S,
    ready: item.ready?.BOOL === true,
    activeRegion: item.activeRegion?.S,
    epoch: Number.isSafeInteger(epoch) ? epoch : undefined,
  };
}
