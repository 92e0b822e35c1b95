import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '../../functions/local/stack';
import { startLocalStack } from '../../functions/local/stack';
import { samplePaymentEvent } from '../../functions/local/sample-event';
import type { Config, Region } from '../../functions/shared/config';
import type { DynamoDbItemApi } from '../../functions/shared/fencing';
import {
  ACTIVE_REGION_ID,
  DrStateError,
  FenceMissingError,
  FenceRegressedError,
  fenceReader,
  initialiseActiveRegion,
  readActiveRegion,
  recordActiveRegion,
} from '../../functions/shared/fencing';
import type { HttpFunction } from '../../functions/shared/lambda';
import { createWebhook, WEBHOOK_TIMEOUTS } from '../../functions/webhook/create-webhook';
import { captureOutput } from '../support/functions/captured-output';
import { createDrStateTable, inRegion, isolatedDrState, LOCAL_DR_STATE_TABLE, localDynamoDb } from '../support/functions/dr-state';
import { EngineInspector, stackConfig, withStopped } from '../support/functions/engines';
import { runConcurrently, seededRandom } from '../support/functions/load';
import type { Moto } from '../support/functions/moto';
import { startMoto } from '../support/functions/moto';
import { motoSecrets } from '../support/functions/moto-fixtures';
import { errorCode, invocation, signedWebhookRequest } from '../support/functions/requests';

let stack: LocalStack;
let moto: Moto;
let dynamodb: DynamoDBClient;
let tables = 0;

/** A fresh DR state table (no record at all unless `initial` is given). */
async function freshTable(initial?: { region: Region; epoch: number }): Promise<string> {
  const name = `${LOCAL_DR_STATE_TABLE}-${(tables += 1)}`;
  await createDrStateTable(stack.dynamodb.endpoint, name);
  if (initial)
    await initialiseActiveRegion(dynamodb, name, {
      activeRegion: initial.region,
      epoch: initial.epoch,
      reason: 'initial',
      decidedBy: 'jest',
      updatedAt: new Date(),
    });
  return name;
}

function change(activeRegion: Region, epoch: number, reason = 'test') {
  return { activeRegion, epoch, reason, decidedBy: 'jest', updatedAt: new Date() };
}

beforeAll(async () => {
  [stack, moto] = await Promise.all([startLocalStack(), startMoto()]);
  dynamodb = localDynamoDb(stack.dynamodb.endpoint);
});

afterAll(async () => {
  dynamodb?.destroy();
  await Promise.all([stack?.stop(), moto?.stop()]);
});

describe('the fence record on dynalite (one dynalite stands for the MRSC table: every read sees the latest write)', () => {
  test('a missing record is an error, never "us-east-1 at epoch 0"', async () => {
    const name = await freshTable();
    await expect(readActiveRegion(dynamodb, name)).rejects.toThrow(FenceMissingError);
  });

  test(
    'a change is recorded only on top of the epoch it was decided on ' + '(compare-and-set): stale and skipping decisions are superseded',
    async () => {
      const name = await freshTable({ region: 'us-east-1', epoch: 1 });

      expect(
        await recordActiveRegion(dynamodb, name, {
          ...change('us-west-2', 2),
          reason: 'automatic failover',
          decidedBy: 'failover-controller@us-west-2',
        }),
      ).toBe('recorded');
      expect(await recordActiveRegion(dynamodb, name, change('us-east-1', 2))).toBe('superseded');
      expect(await recordActiveRegion(dynamodb, name, change('us-east-1', 4))).toBe('superseded');
      expect(await recordActiveRegion(dynamodb, name, change('us-east-1', 3))).toBe('recorded');

      expect(await readActiveRegion(dynamodb, name)).toMatchObject({
        activeRegion: 'us-east-1',
        epoch: 3,
        reason: 'test',
        decidedBy: 'jest',
      });
    },
  );

  test('a change cannot create a missing record (only `dr init` does, where there is none)', async () => {
    const name = await freshTable();
    expect(await recordActiveRegion(dynamodb, name, change('us-west-2', 2))).toBe('superseded');
    expect(await initialiseActiveRegion(dynamodb, name, change('us-east-1', 1))).toBe('recorded');
    expect(await initialiseActiveRegion(dynamodb, name, change('us-west-2', 7))).toBe('exists');
    expect(await readActiveRegion(dynamodb, name)).toMatchObject({ activeRegion: 'us-east-1', epoch: 1 });
  });

  test('two deciders racing from the same epoch: exactly one records it', async () => {
    const name = await freshTable({ region: 'us-east-1', epoch: 1 });

    const outcomes = await Promise.all([
      recordActiveRegion(dynamodb, name, change('us-west-2', 2)),
      recordActiveRegion(dynamodb, name, change('us-east-1', 2)),
    ]);

    expect(outcomes.sort()).toEqual(['recorded', 'superseded']);
    expect((await readActiveRegion(dynamodb, name)).epoch).toBe(2);
  });

  test(
    '(mock MRSC conflict) a ReplicatedWriteConflictException — the same item written from ' +
      'the other region at the same moment — is retried, the condition evaluated again',
    async () => {
      const name = await freshTable({ region: 'us-east-1', epoch: 1 });
      let conflicts = 2;
      const conflicting: DynamoDbItemApi = {
        send: async (command, options) => {
          if (command instanceof PutItemCommand && conflicts-- > 0)
            throw Object.assign(new Error('one or more items are being modified by a request in another Region'), {
              name: 'ReplicatedWriteConflictException',
            });
          return dynamodb.send(command as never, options);
        },
      };
      expect(await recordActiveRegion(conflicting, name, change('us-west-2', 2))).toBe('recorded');
      expect(conflicts).toBe(-1);
    },
  );

  test('a malformed record is an error, never a guess (the webhook then fails closed)', async () => {
    const name = await freshTable();
    await dynamodb.send(
      new PutItemCommand({ TableName: name, Item: { id: { S: ACTIVE_REGION_ID }, activeRegion: { S: 'eu-west-1' }, epoch: { N: '2' } } }),
    );
    await expect(readActiveRegion(dynamodb, name)).rejects.toThrow(DrStateError);
    await expect(readActiveRegion(dynamodb, name)).rejects.toThrow('activeRegion "eu-west-1"');
  });

  test('a reader refuses a record with a lower epoch than one it has seen, or another region at the same epoch', async () => {
    const name = await freshTable({ region: 'us-east-1', epoch: 1 });
    const reader = fenceReader((options) => readActiveRegion(dynamodb, name, options));
    await recordActiveRegion(dynamodb, name, change('us-west-2', 2));
    expect(await reader.read()).toMatchObject({ activeRegion: 'us-west-2', epoch: 2 });

    // e.g. a point-in-time restore of the table, or a hand-written item
    await dynamodb.send(
      new PutItemCommand({ TableName: name, Item: { id: { S: ACTIVE_REGION_ID }, activeRegion: { S: 'us-east-1' }, epoch: { N: '1' } } }),
    );
    await expect(reader.read()).rejects.toThrow(FenceRegressedError);
    await dynamodb.send(
      new PutItemCommand({ TableName: name, Item: { id: { S: ACTIVE_REGION_ID }, activeRegion: { S: 'us-east-1' }, epoch: { N: '2' } } }),
    );
    await expect(reader.read()).rejects.toThrow(FenceRegressedError);
  });
});

describe('fencing in the webhook on dynalite + embedded PostgreSQL 14, Secrets Manager on moto', () => {
  let config: Config;
  let secretsManager: Awaited<ReturnType<typeof motoSecrets>>;
  let engines: EngineInspector;
  let output: ReturnType<typeof captureOutput>;
  const opened: HttpFunction[] = [];

  /** A webhook execution environment in `region` reading `drStateTable` (through `drStateDynamodb` when given). */
  const webhookIn = (region: Region, drStateTable: string, drStateDynamodb?: DynamoDbItemApi) => {
    const fn = createWebhook({ ...inRegion(config, region), drStateTable }, { secretsManager, drStateDynamodb });
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

  beforeAll(async () => {
    output = captureOutput();
    config = stackConfig(stack);
    secretsManager = await motoSecrets(moto, stack.secrets);
    engines = new EngineInspector(stack);
  });

  afterAll(async () => {
    await Promise.all(opened.map((fn) => fn.close()));
    output?.restore();
    engines?.close();
    secretsManager?.destroy();
  });

  test('without a record every region answers 503 dependency_unavailable and stores nothing (fail closed)', async () => {
    const name = await freshTable();
    const event = samplePaymentEvent();
    for (const region of ['us-east-1', 'us-west-2'] as const) {
      const response = await deliver(webhookIn(region, name), JSON.stringify(event));
      expect(response.statusCode).toBe(503);
      expect(errorCode(response)).toBe('dependency_unavailable');
      expect(JSON.parse(response.body).error.message).toContain('no active-region record');
    }
    await expectNothingStored(event);
  });

  test('us-east-1 recorded active: it accepts, us-west-2 answers 503 region_not_active and stores nothing', async () => {
    const name = await freshTable({ region: 'us-east-1', epoch: 1 });
    const accepted = samplePaymentEvent();
    const refused = samplePaymentEvent();

    const eastResponse = await deliver(webhookIn('us-east-1', name), JSON.stringify(accepted));
    const westResponse = await deliver(webhookIn('us-west-2', name), JSON.stringify(refused));

    expect(eastResponse.statusCode).toBe(200);
    expect(await engines.paymentEventRows(accepted.id)).toHaveLength(1);
    expect(westResponse.statusCode).toBe(503);
    expect(errorCode(westResponse)).toBe('region_not_active');
    expect(JSON.parse(westResponse.body).error.message).toContain('this region (us-west-2) is not the active region (us-east-1, epoch 1)');
    expect(westResponse.headers?.['retry-after']).toBe('5');
    await expectNothingStored(refused);
  });

  test(
    'after a failover to us-west-2 (epoch 2) the old primary refuses ' + 'the very next delivery (no cache window) and us-west-2 accepts',
    async () => {
      const name = await freshTable({ region: 'us-east-1', epoch: 1 });
      const east = webhookIn('us-east-1', name);
      const west = webhookIn('us-west-2', name);
      expect((await deliver(east, JSON.stringify(samplePaymentEvent()))).statusCode).toBe(200);

      expect(await recordActiveRegion(dynamodb, name, change('us-west-2', 2, 'test failover'))).toBe('recorded');

      const stale = samplePaymentEvent();
      const staleResponse = await deliver(east, JSON.stringify(stale));
      expect(staleResponse.statusCode).toBe(503);
      expect(errorCode(staleResponse)).toBe('region_not_active');
      expect(JSON.parse(staleResponse.body).error.message).toContain('not the active region (us-west-2, epoch 2)');
      await expectNothingStored(stale);

      const promoted = samplePaymentEvent();
      expect((await deliver(west, JSON.stringify(promoted))).statusCode).toBe(200);
      expect((await engines.paymentEventRows(promoted.id))[0]).toMatchObject({ received_region: 'us-west-2' });

      const line = output.lines().find((entry) => entry.eventId === stale.id);
      expect(line).toMatchObject({
        level: 'WARN',
        region: 'us-east-1',
        outcome: 'fenced',
        statusCode: 503,
        errorCode: 'region_not_active',
        activeRegion: 'us-west-2',
        epoch: 2,
      });
    },
  );

  test(
    'a duplicate of an event the old primary applied is refused ' + 'there too; the promoted region answers it from the shared record',
    async () => {
      const name = await freshTable({ region: 'us-east-1', epoch: 1 });
      const event = samplePaymentEvent();
      expect((await deliver(webhookIn('us-east-1', name), JSON.stringify(event))).statusCode).toBe(200);
      await recordActiveRegion(dynamodb, name, change('us-west-2', 2, 'test failover'));

      const response = await deliver(webhookIn('us-east-1', name), JSON.stringify(event));
      expect(errorCode(response)).toBe('region_not_active');
      const west = await deliver(webhookIn('us-west-2', name), JSON.stringify(event));
      expect(JSON.parse(west.body)).toMatchObject({ received: true, duplicate: true });
    },
  );

  test('failback is one fence change: us-east-1 recorded active again (epoch 3) accepts, us-west-2 refuses', async () => {
    const name = await freshTable({ region: 'us-east-1', epoch: 1 });
    const east = webhookIn('us-east-1', name);
    const west = webhookIn('us-west-2', name);
    await recordActiveRegion(dynamodb, name, change('us-west-2', 2, 'failover'));
    expect((await deliver(west, JSON.stringify(samplePaymentEvent()))).statusCode).toBe(200);
    await recordActiveRegion(dynamodb, name, change('us-east-1', 3, 'failback'));

    expect((await deliver(east, JSON.stringify(samplePaymentEvent()))).statusCode).toBe(200);
    expect(errorCode(await deliver(west, JSON.stringify(samplePaymentEvent())))).toBe('region_not_active');
  });

  test('a webhook that saw epoch 3 refuses a record that went back to epoch 2 (503, nothing stored)', async () => {
    const name = await freshTable({ region: 'us-east-1', epoch: 1 });
    await recordActiveRegion(dynamodb, name, change('us-west-2', 2));
    await recordActiveRegion(dynamodb, name, change('us-east-1', 3));
    const east = webhookIn('us-east-1', name);
    expect((await deliver(east, JSON.stringify(samplePaymentEvent()))).statusCode).toBe(200);

    await dynamodb.send(
      new PutItemCommand({ TableName: name, Item: { id: { S: ACTIVE_REGION_ID }, activeRegion: { S: 'us-east-1' }, epoch: { N: '2' } } }),
    );
    const event = samplePaymentEvent();
    const response = await deliver(east, JSON.stringify(event));

    expect(response.statusCode).toBe(503);
    expect(JSON.parse(response.body).error.message).toContain('went back to an older epoch');
    await expectNothingStored(event);
  });

  test(
    'when the fence cannot be read (dynalite killed) the webhook answers 503 ' +
      'dependency_unavailable and stores nothing; with DynamoDB back it applies',
    async () => {
      const name = await freshTable({ region: 'us-east-1', epoch: 1 });
      const east = webhookIn('us-east-1', name);
      const event = samplePaymentEvent();

      const response = await withStopped(stack.dynamodb, () => deliver(east, JSON.stringify(event)));

      expect(response.statusCode).toBe(503);
      expect(errorCode(response)).toBe('dependency_unavailable');
      await expectNothingStored(event);
      expect((await deliver(east, JSON.stringify(event))).statusCode).toBe(200);
    },
  );

  test('a malformed record fails closed: 503 dependency_unavailable, nothing stored', async () => {
    const name = await freshTable();
    await dynamodb.send(
      new PutItemCommand({ TableName: name, Item: { id: { S: ACTIVE_REGION_ID }, activeRegion: { S: 'us-east-1' }, epoch: { N: '-1' } } }),
    );
    const event = samplePaymentEvent();

    const response = await deliver(webhookIn('us-east-1', name), JSON.stringify(event));

    expect(response.statusCode).toBe(503);
    expect(errorCode(response)).toBe('dependency_unavailable');
    await expectNothingStored(event);
  });

  describe('a region that cannot reach its quorum refuses payments (modelled: its DR-state client points at a SIGSTOPped dynalite)', () => {
    const isolated = isolatedDrState();

    test(
      'the active region, cut off from the quorum, answers 503 within the fence-read ' +
        'bound and stores nothing; the other region, recorded active meanwhile, accepts',
      async () => {
        const name = await freshTable({ region: 'us-east-1', epoch: 1 });
        await createDrStateTable(isolated.dynalite.endpoint, name);
        const east = webhookIn('us-east-1', name, isolated.client);
        await isolated.dynalite.pause();
        try {
          const event = samplePaymentEvent();
          const started = performance.now();
          const response = await deliver(east, JSON.stringify(event));
          const elapsed = performance.now() - started;

          expect(response.statusCode).toBe(503);
          expect(errorCode(response)).toBe('dependency_unavailable');
          expect(elapsed).toBeLessThan(WEBHOOK_TIMEOUTS.fenceReadMs + 1000);
          await expectNothingStored(event);

          // the quorum side (us-west-2 + the witness) records the failover; us-west-2 accepts
          await recordActiveRegion(dynamodb, name, change('us-west-2', 2, 'us-east-1 isolated'));
          expect((await deliver(webhookIn('us-west-2', name), JSON.stringify(samplePaymentEvent()))).statusCode).toBe(200);
        } finally {
          await isolated.dynalite.resume();
        }
      },
    );
  });

  test(
    'the fence moves after the database commit: 503 region_not_active (not acknowledged), ' +
      'the idempotency record is gone, and the redelivery to the active region is applied once',
    async () => {
      const name = await freshTable({ region: 'us-east-1', epoch: 1 });
      // the fence is read before anything is written and again after the commit: move it just before the second read
      let reads = 0;
      const movesAfterCommit: DynamoDbItemApi = {
        send: async (command, options) => {
          if (command instanceof GetItemCommand && (reads += 1) === 2)
            await recordActiveRegion(dynamodb, name, change('us-west-2', 2, 'failover during the write'));
          return dynamodb.send(command as never, options);
        },
      };
      const event = samplePaymentEvent();

      const response = await deliver(webhookIn('us-east-1', name, movesAfterCommit), JSON.stringify(event));

      expect(response.statusCode).toBe(503);
      expect(errorCode(response)).toBe('region_not_active');
      expect(JSON.parse(response.body).error.message).toContain(
        'changed from us-east-1 (epoch 1) to us-west-2 (epoch 2) while the event was being stored',
      );
      expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
      expect(await engines.idempotencyRecord(event.id)).toBeUndefined();
      expect(output.lines().find((entry) => entry.eventId === event.id)).toMatchObject({
        outcome: 'fenced_after_store',
        activeRegionNow: 'us-west-2',
        epochNow: 2,
      });

      const redelivered = await deliver(webhookIn('us-west-2', name), JSON.stringify(event));
      expect(redelivered.statusCode).toBe(200);
      expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
      expect((await engines.session(event.data.session_id))?.appliedEventCount).toBe(1);
    },
  );

  /**
   * The acknowledgement window of a fenced region: how long after the fence moved away from it a
   * region can still answer 2xx. Every 2xx is sent right after a fence read that began after the
   * event was durable; so the window is that read's duration plus the return, bounded by the read's
   * abort signal (WEBHOOK_TIMEOUTS.fenceReadMs). Measured here over 1200 deliveries: 25 rounds of 48
   * concurrent deliveries to us-east-1 (8 execution environments), the fence moved to us-west-2 at
   * a random moment of each round (then back for the next round).
   */
  test(
    'the fenced-region acknowledgement window, measured over 1200 deliveries ' +
      'with the fence moving mid-stream: every event ends up stored once',
    async () => {
      const ROUNDS = 25;
      const PER_ROUND = 48;
      const ENVIRONMENTS = 8;
      const random = seededRandom(20_250_601);
      const name = await freshTable({ region: 'us-east-1', epoch: 1 });
      const quiet = { ...inRegion(config, 'us-east-1'), drStateTable: name, logLevel: 'ERROR' as const };
      const east = Array.from({ length: ENVIRONMENTS }, () => createWebhook(quiet, { secretsManager }));
      const west = createWebhook({ ...quiet, ...inRegion(quiet, 'us-west-2') }, { secretsManager });
      opened.push(...east, west);

      let epoch = 1;
      const lateAcks: number[] = [];
      const outcomes = new Map<string, number>();
      let deliveries = 0;
      const allEvents: ReturnType<typeof samplePaymentEvent>[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const events = Array.from({ length: PER_ROUND }, () => samplePaymentEvent());
        allEvents.push(...events);
        // the fence moves when a random delivery of the round starts, so moves land all over the stream
        const moveAt = Math.floor(random() * PER_ROUND);
        let movedAt = Infinity;
        let mover: Promise<void> = Promise.resolve();
        const answers = await runConcurrently(events, ENVIRONMENTS, async (event, index, worker) => {
          if (index === moveAt) {
            movedAt = performance.now();
            mover = recordActiveRegion(dynamodb, name, change('us-west-2', (epoch += 1), `round ${round}`)).then((outcome) =>
              expect(outcome).toBe('recorded'),
            );
          }
          const response = await deliver(east[worker], JSON.stringify(event));
          return {
            event,
            status: response.statusCode,
            code: response.statusCode === 200 ? 'ok' : errorCode(response),
            at: performance.now(),
          };
        });
        await mover;
        deliveries += answers.length;
        for (const answer of answers) {
          outcomes.set(`${answer.status} ${answer.code}`, (outcomes.get(`${answer.status} ${answer.code}`) ?? 0) + 1);
          if (answer.status === 200 && answer.at > movedAt) lateAcks.push(answer.at - movedAt);
        }
        // every refused event is redelivered to the region now active, where it is applied once
        for (const answer of answers.filter((a) => a.status !== 200)) {
          expect(['region_not_active', 'dependency_unavailable']).toContain(answer.code);
          expect((await deliver(west, JSON.stringify(answer.event))).statusCode).toBe(200);
        }
        expect(await recordActiveRegion(dynamodb, name, change('us-east-1', (epoch += 1), `round ${round} back`))).toBe('recorded');
      }

      const counts = await engines.paymentEventCounts();
      const missing = allEvents.filter((event) => counts.get(event.id) !== 1);
      expect(missing).toEqual([]);
      expect(deliveries).toBe(ROUNDS * PER_ROUND);
      const p100 = Math.max(0, ...lateAcks);
      expect(p100).toBeLessThan(WEBHOOK_TIMEOUTS.fenceReadMs);
      summary(
        `fenced-region acknowledgement window: p100 ${p100.toFixed(1)} ms over ${deliveries} deliveries (${ROUNDS} fence moves); ` +
          `${lateAcks.length} acknowledgements completed after the move began, all within ` +
          `that; outcomes ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`,
      );
    },
  );
});

const summaries: string[] = [];
function summary(line: string): void {
  summaries.push(line);
}
afterAll(() => summaries.forEach((line) => console.log(line)));
