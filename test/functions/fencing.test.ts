import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../../functions/local/stack';
import { startLocalStack } from '../../functions/local/stack';
import { samplePaymentEvent } from '../../functions/local/sample-event';
import type { Config, Region } from '../../functions/shared/config';
import { ACTIVE_REGION_CACHE_MS, ACTIVE_REGION_ID, cachedActiveRegion, DrStateError, readActiveRegion, recordActiveRegion } from '../../functions/shared/fencing';
import type { HttpFunction } from '../../functions/shared/lambda';
import { createWebhook } from '../../functions/webhook/create-webhook';
import { captureOutput } from './support/captured-output';
import { createDrStateTable, inRegion, LOCAL_DR_STATE_TABLE, localDynamoDb } from './support/dr-state';
import { EngineInspector, stackConfig, withStopped } from './support/engines';
import { FakeSecretsManager } from './support/fake-secrets-manager';
import { errorCode, invocation, signedWebhookRequest } from './support/requests';

let stack: LocalStack;
let dynamodb: DynamoDBClient;
let tables = 0;

/** A fresh DR state table, so each test starts with no active-region item. */
async function freshTable(): Promise<string> {
  const name = `${LOCAL_DR_STATE_TABLE}-${(tables += 1)}`;
  await createDrStateTable(stack.dynamodb.endpoint, name);
  return name;
}

function change(activeRegion: Region, epoch: number, reason = 'test') {
  return { activeRegion, epoch, reason, decidedBy: 'jest', updatedAt: new Date() };
}

beforeAll(async () => {
  stack = await startLocalStack();
  dynamodb = localDynamoDb(stack.dynamodb.endpoint);
});

afterAll(async () => {
  dynamodb?.destroy();
  await stack?.stop();
});

describe('fencing: the active-region item on dynalite', () => {
  test('an absent item means us-east-1 is active at epoch 0', async () => {
    expect(await readActiveRegion(dynamodb, await freshTable())).toEqual({ activeRegion: 'us-east-1', epoch: 0 });
  });

  test('epoch + 1 is recorded with its reason; the same or an older epoch is superseded and changes nothing', async () => {
    const name = await freshTable();

    expect(await recordActiveRegion(dynamodb, name, { ...change('us-west-2', 1), reason: 'automatic failover', decidedBy: 'failover-controller@us-west-2' })).toBe('recorded');
    expect(await recordActiveRegion(dynamodb, name, change('us-east-1', 1))).toBe('superseded');
    expect(await recordActiveRegion(dynamodb, name, change('us-east-1', 3))).toBe('recorded');
    expect(await recordActiveRegion(dynamodb, name, change('us-west-2', 2))).toBe('superseded');

    expect(await readActiveRegion(dynamodb, name)).toMatchObject({ activeRegion: 'us-east-1', epoch: 3, reason: 'test', decidedBy: 'jest' });
  });

  test('two deciders racing for the same epoch: exactly one records it', async () => {
    const name = await freshTable();

    const outcomes = await Promise.all([recordActiveRegion(dynamodb, name, change('us-west-2', 1)), recordActiveRegion(dynamodb, name, change('us-east-1', 1))]);

    expect(outcomes.sort()).toEqual(['recorded', 'superseded']);
    expect((await readActiveRegion(dynamodb, name)).epoch).toBe(1);
  });

  test('a malformed item is an error, never a guess (the webhook then fails closed)', async () => {
    const name = await freshTable();
    await dynamodb.send(new PutItemCommand({ TableName: name, Item: { id: { S: ACTIVE_REGION_ID }, activeRegion: { S: 'eu-west-1' }, epoch: { N: '2' } } }));
    await expect(readActiveRegion(dynamodb, name)).rejects.toThrow(DrStateError);
    await expect(readActiveRegion(dynamodb, name)).rejects.toThrow('activeRegion "eu-west-1"');
  });

  test(`the cache serves one read for ${ACTIVE_REGION_CACHE_MS} ms, shares it between concurrent callers, and does not keep a failure`, async () => {
    let clock = 0;
    let reads = 0;
    let fail = false;
    const cached = cachedActiveRegion(
      async () => {
        reads += 1;
        if (fail) throw new Error('DynamoDB unavailable');
        return { activeRegion: 'us-east-1', epoch: reads };
      },
      ACTIVE_REGION_CACHE_MS,
      () => clock,
    );

    expect((await Promise.all([cached(), cached(), cached()])).map((active) => active.epoch)).toEqual([1, 1, 1]);
    clock = ACTIVE_REGION_CACHE_MS - 1;
    expect((await cached()).epoch).toBe(1);
    clock = ACTIVE_REGION_CACHE_MS;
    fail = true;
    await expect(cached()).rejects.toThrow('DynamoDB unavailable');
    fail = false;
    expect((await cached()).epoch).toBe(3);
    expect(reads).toBe(3);
  });
});

describe('fencing in the webhook on dynalite + embedded PostgreSQL 14 (mock Secrets Manager): a stale region refuses writes', () => {
  let config: Config;
  let secretsManager: FakeSecretsManager;
  let engines: EngineInspector;
  let output: ReturnType<typeof captureOutput>;
  let clock = 0;
  const opened: HttpFunction[] = [];

  /** A webhook execution environment in `region` reading `drStateTable`; its active-region cache runs on `clock`. */
  const webhookIn = (region: Region, drStateTable: string) => {
    const fn = createWebhook({ ...inRegion(config, region), drStateTable }, { secretsManager, now: () => clock });
    opened.push(fn);
    return fn;
  };
  const deliver = (fn: HttpFunction, body: string) => fn.handle(signedWebhookRequest(body, stack.signingSecrets), invocation());
  /** Nothing of the event reached PostgreSQL, the session or the idempotency table. */
  const expectNothingStored = async (event: ReturnType<typeof samplePaymentEvent>) => {
    expect(await engines.paymentEventRows(event.id)).toHaveLength(0);
    expect(await engines.session(event.data.session_id)).toBeUndefined();
    expect(await engines.idempotencyRecord(event.id)).toBeUndefined();
  };

  beforeAll(() => {
    output = captureOutput();
    config = stackConfig(stack);
    secretsManager = new FakeSecretsManager(stack.secrets);
    engines = new EngineInspector(stack);
  });

  afterAll(async () => {
    output?.restore();
    engines?.close();
    await Promise.all(opened.map((fn) => fn.close()));
  });

  test('with no failover recorded, us-east-1 accepts and us-west-2 answers 503 region_not_active, storing nothing', async () => {
    const name = await freshTable();
    const east = webhookIn('us-east-1', name);
    const west = webhookIn('us-west-2', name);
    const accepted = samplePaymentEvent();
    const refused = samplePaymentEvent();

    const eastResponse = await deliver(east, JSON.stringify(accepted));
    const westResponse = await deliver(west, JSON.stringify(refused));

    expect(eastResponse.statusCode).toBe(200);
    expect(await engines.paymentEventRows(accepted.id)).toHaveLength(1);
    expect(westResponse.statusCode).toBe(503);
    expect(errorCode(westResponse)).toBe('region_not_active');
    expect(JSON.parse(westResponse.body).error.message).toContain('this region (us-west-2) is not the active region (us-east-1, epoch 0)');
    expect(westResponse.headers?.['retry-after']).toBeDefined();
    await expectNothingStored(refused);
  });

  test('after a failover to us-west-2 (epoch 1), the old primary rejects once its cache expires and us-west-2 accepts', async () => {
    const name = await freshTable();
    const east = webhookIn('us-east-1', name);
    const west = webhookIn('us-west-2', name);
    clock = 0;
    expect((await deliver(east, JSON.stringify(samplePaymentEvent()))).statusCode).toBe(200);

    // the controller (or the CLI) records the failover
    expect(await recordActiveRegion(dynamodb, name, change('us-west-2', 1, 'test failover'))).toBe('recorded');

    // within the cache time the old primary still holds epoch 0 (the documented window) ...
    clock = ACTIVE_REGION_CACHE_MS - 1;
    expect((await deliver(east, JSON.stringify(samplePaymentEvent()))).statusCode).toBe(200);
    // ... after it, it reads epoch 1 and refuses
    clock = ACTIVE_REGION_CACHE_MS;
    const stale = samplePaymentEvent();
    const staleResponse = await deliver(east, JSON.stringify(stale));
    expect(staleResponse.statusCode).toBe(503);
    expect(errorCode(staleResponse)).toBe('region_not_active');
    expect(JSON.parse(staleResponse.body).error.message).toContain('not the active region (us-west-2, epoch 1)');
    await expectNothingStored(stale);

    const promoted = samplePaymentEvent();
    const promotedResponse = await deliver(west, JSON.stringify(promoted));
    expect(promotedResponse.statusCode).toBe(200);
    expect((await engines.paymentEventRows(promoted.id))[0]).toMatchObject({ received_region: 'us-west-2' });

    // the refusal is logged as a warning with the active region and epoch
    const line = output.lines().find((entry) => entry.eventId === stale.id);
    expect(line).toMatchObject({ level: 'WARN', region: 'us-east-1', outcome: 'fenced', statusCode: 503, errorCode: 'region_not_active', activeRegion: 'us-west-2', epoch: 1 });
  });

  test('a duplicate of an event the old primary applied is refused there too (fencing comes before the idempotency replay)', async () => {
    const name = await freshTable();
    const event = samplePaymentEvent();
    clock = 0;
    expect((await deliver(webhookIn('us-east-1', name), JSON.stringify(event))).statusCode).toBe(200);
    await recordActiveRegion(dynamodb, name, change('us-west-2', 1, 'test failover'));

    const response = await deliver(webhookIn('us-east-1', name), JSON.stringify(event));
    expect(response.statusCode).toBe(503);
    expect(errorCode(response)).toBe('region_not_active');
    // the promoted region answers the duplicate from the shared idempotency record
    const west = await deliver(webhookIn('us-west-2', name), JSON.stringify(event));
    expect(JSON.parse(west.body)).toMatchObject({ received: true, duplicate: true });
  });

  test('failback: us-east-1 recorded active again (epoch 2) is accepted there and refused in us-west-2', async () => {
    const name = await freshTable();
    await recordActiveRegion(dynamodb, name, change('us-west-2', 1, 'failover'));
    await recordActiveRegion(dynamodb, name, change('us-east-1', 2, 'failback'));

    expect((await deliver(webhookIn('us-east-1', name), JSON.stringify(samplePaymentEvent()))).statusCode).toBe(200);
    expect(errorCode(await deliver(webhookIn('us-west-2', name), JSON.stringify(samplePaymentEvent())))).toBe('region_not_active');
  });

  test('when the active region cannot be read (DynamoDB down) the webhook answers 503 dependency_unavailable and stores nothing', async () => {
    const name = await freshTable();
    const east = webhookIn('us-east-1', name);
    const event = samplePaymentEvent();

    const response = await withStopped(stack.dynamodb, () => deliver(east, JSON.stringify(event)));

    expect(response.statusCode).toBe(503);
    expect(errorCode(response)).toBe('dependency_unavailable');
    expect(JSON.parse(response.body).error.message).toContain('the active region could not be read');
    await expectNothingStored(event);
    // the failed read was not cached: with DynamoDB back the same delivery is applied
    expect((await deliver(east, JSON.stringify(event))).statusCode).toBe(200);
  });

  test('a malformed active-region item fails closed: 503 dependency_unavailable, nothing stored', async () => {
    const name = await freshTable();
    await dynamodb.send(new PutItemCommand({ TableName: name, Item: { id: { S: ACTIVE_REGION_ID }, activeRegion: { S: 'us-east-1' }, epoch: { N: '-1' } } }));
    const event = samplePaymentEvent();

    const response = await deliver(webhookIn('us-east-1', name), JSON.stringify(event));

    expect(response.statusCode).toBe(503);
    expect(errorCode(response)).toBe('dependency_unavailable');
    await expectNothingStored(event);
  });

  test('without DR_STATE_TABLE the webhook refuses to start, naming the variable', () => {
    expect(() => createWebhook({ ...config, drStateTable: undefined }, { secretsManager })).toThrow('invalid configuration: DR_STATE_TABLE is required');
  });
});
