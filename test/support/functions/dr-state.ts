import { setTimeout as sleep } from 'node:timers/promises';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { LocalDynamoDb } from '../../../functions/local/dynamodb';
import { startDynalite } from '../../../functions/local/dynamodb';
import type { Config, Region } from '../../../functions/shared/config';
import { REGION_SUFFIXES } from '../../../functions/shared/config';
import type { ActiveRegionChange, DynamoDbItemApi } from '../../../functions/shared/fencing';
import { ACTIVE_REGION_ID, recordActiveRegion } from '../../../functions/shared/fencing';

/** The local DR state table (the AWS one is `dr-state-use1-<env>`), hash key `id` like the global table. */
export const LOCAL_DR_STATE_TABLE = 'dr-state-use1-local';

export function localDynamoDb(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

/** Creates the DR state table on dynalite and waits until it is ACTIVE (an existing table is left as it is). */
export async function createDrStateTable(endpoint: string, table = LOCAL_DR_STATE_TABLE): Promise<void> {
  const client = localDynamoDb(endpoint);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') throw error;
  }
  try {
    while ((await client.send(new DescribeTableCommand({ TableName: table }))).Table?.TableStatus !== 'ACTIVE') await sleep(5);
  } finally {
    client.destroy();
  }
}

/** The same function configuration as it would be in the other region (both share the local engines). */
export function inRegion<T extends Pick<Config, 'region' | 'regionSuffix'>>(config: T, region: Region): T {
  return { ...config, region, regionSuffix: REGION_SUFFIXES[region] };
}

/** dynalite alone (no PostgreSQL) on a free port, with the DR state table created. */
export async function startDrStateDynamoDb(): Promise<LocalDynamoDb> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const dynamodb = await startDynalite(port);
  await createDrStateTable(dynamodb.endpoint);
  return dynamodb;
}

/**
 * The fence as `npm run dr -- init` records it for a new environment: us-east-1 active at epoch 1.
 * (A missing record fails closed: nothing is accepted anywhere until it exists.)
 */
export async function recordInitialFence(endpoint: string, table = LOCAL_DR_STATE_TABLE): Promise<void> {
  const client = localDynamoDb(endpoint);
  try {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          id: { S: 'active-region' },
          activeRegion: { S: 'us-east-1' },
          epoch: { N: '1' },
          updatedAt: { S: new Date().toISOString() },
          reason: { S: 'initial' },
          decidedBy: { S: 'jest' },
        },
      }),
    );
  } finally {
    client.destroy();
  }
}

/**
 * A dynalite of its own for one describe block, standing in for a DR state replica cut off from its
 * MRSC quorum (the tests SIGSTOP it with `dynalite.pause()`); started before the block, stopped after.
 */
export function isolatedDrState(): { dynalite: LocalDynamoDb; client: DynamoDBClient } {
  const isolated = {} as { dynalite: LocalDynamoDb; client: DynamoDBClient };
  beforeAll(async () => {
    isolated.dynalite = await startDrStateDynamoDb();
    isolated.client = localDynamoDb(isolated.dynalite.endpoint);
  });
  afterAll(async () => {
    isolated.client?.destroy();
    await isolated.dynalite?.close();
  });
  return isolated;
}

/**
 * Wraps a DR state client so that someone else records `record` just before this client's own write
 * of the active-region record (a decision that moved on meanwhile).
 */
export function recordedMeanwhile(real: DynamoDbItemApi, record: Omit<ActiveRegionChange, 'updatedAt'>): DynamoDbItemApi {
  return {
    send: async (command, options) => {
      if (command instanceof PutItemCommand && command.input.Item?.id?.S === ACTIVE_REGION_ID) {
        await recordActiveRegion(real, command.input.TableName as string, { ...record, updatedAt: new Date() });
      }
      return real.send(command, options);
    },
  };
}
