import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { readHeartbeat } from '../../functions/failover-controller/heartbeat';
import type { Region } from '../../functions/shared/config';
import { REGIONS } from '../../functions/shared/config';
import { initialiseActiveRegion, readActiveRegion, readActiveRegionRecord } from '../../functions/shared/fencing';
import { awsCall } from './errors';
import type { DrContext, DrDatabase } from './commands';
import { activeText, confirmAndRun, EXIT, fail, tableCall } from './commands';

// ------------------------------------------------------------------------------------------------ init

/**
 * `dr init`: the first active-region record of an environment, or its re-creation after it was
 * lost. A missing record fails closed (every webhook answers 503), so a new environment accepts
 * payments only once this ran. The epoch is 1 for a new environment; when the controllers'
 * heartbeats show that epochs were seen before, it is one above the highest, so a
 * reader that remembers a later epoch does not refuse the new record as a regression. Conditional
 * on there being no record: it never overwrites one.
 */
export async function init(ctx: DrContext, options: { region: Region; dryRun: boolean; yes: boolean }): Promise<number> {
  const { names, io } = ctx;
  const home = options.region;
  io.print(`Initialise the active-region record of ${names.environmentSuffix} in ${names.drStateTable} (${home} replica)`);
  let seen: number;
  try {
    const existing = await awsCall(tableCall('dynamodb:GetItem', names, home), () =>
      readActiveRegionRecord(ctx.aws.dynamodb(home), names.drStateTable),
    );
    if (existing) {
      io.print(`nothing to do: the record exists: ${activeText(existing)}`);
      return EXIT.ok;
    }
    seen = await highestEpochSeen(ctx, home);
  } catch (error) {
    return fail(io, error);
  }
  const epoch = seen + 1;
  io.print(
    seen
      ? `epochs up to ${seen} were seen before (the controllers' heartbeats): the record starts above them`
      : 'no epoch was seen before: a new environment',
  );
  const plan = [`1. record ${options.region} active at epoch ${epoch}, only if there is still no record`];
  return confirmAndRun(ctx, options, plan, async () => {
    try {
      const outcome = await awsCall(tableCall('dynamodb:PutItem', names, home), () =>
        initialiseActiveRegion(ctx.aws.dynamodb(home), names.drStateTable, {
          activeRegion: options.region,
          epoch,
          reason: 'initial record (dr init)',
          decidedBy: ctx.operator,
          updatedAt: ctx.now(),
        }),
      );
      if (outcome === 'exists') {
        io.print('not recorded: someone else recorded it meanwhile; run status');
        return EXIT.failed;
      }
    } catch (error) {
      return fail(io, error);
    }
    io.print(`recorded: ${options.region} is the active region at epoch ${epoch}; its webhooks accept from their next request`);
    return EXIT.ok;
  });
}

async function highestEpochSeen(ctx: DrContext, region: Region): Promise<number> {
  const { names } = ctx;
  const dynamodb = ctx.aws.dynamodb(region);
  const beats = await Promise.all(
    REGIONS.map((beating) =>
      awsCall(tableCall('dynamodb:GetItem', names, region), () => readHeartbeat(dynamodb, names.drStateTable, beating)),
    ),
  );
  return Math.max(0, ...beats.map((beat) => beat?.epoch ?? 0));
}

// ------------------------------------------------------------------------------------------- reconcile

/** Powertools' idempotency record layout (DynamoDBPersistenceLayer defaults) and the webhook's key prefix. */
const KEY_PREFIX = 'payments-webhook#';
const RECORD_LIFETIME_S = 7 * 24 * 60 * 60;

export interface ReconcileOptions {
  since: Date;
  until?: Date;
  region?: Region;
  dryRun: boolean;
  yes: boolean;
}

interface CompletedRecord {
  id: string;
  eventId: string;
  completedAt: Date;
  expiration: number;
}

/**
 * `dr reconcile`: after a failover that allowed data loss, the payment_events rows of the last
 * seconds before the cut may be gone from Aurora while their idempotency records (a global table,
 * replicated on its own) survived — a redelivery would then be answered "duplicate" from the record
 * and the payment never stored. This lists the COMPLETED idempotency records of the window, looks
 * each event id up in payment_events on the (new) writer, and removes the records whose row is
 * missing, each conditional on being unchanged, so the sender's redeliveries are applied again.
 * `--dry-run` lists them and changes nothing. Records IN_PROGRESS or outside the window are left alone.
 */
export async function reconcile(ctx: DrContext, options: ReconcileOptions): Promise<number> {
  const { names, io } = ctx;
  const until = options.until ?? ctx.now();
  let region: Region;
  try {
    region =
      options.region ??
      (
        await awsCall(tableCall('dynamodb:GetItem', names, 'us-west-2'), () =>
          readActiveRegion(ctx.aws.dynamodb('us-west-2'), names.drStateTable),
        )
      ).activeRegion;
  } catch (error) {
    return fail(io, error);
  }
  io.print(
    `Reconcile ${names.idempotencyTable} (${region} replica) with payment_events: ` +
      `records completed from ${options.since.toISOString()} to ${until.toISOString()}`,
  );

  let records: CompletedRecord[];
  try {
    records = await awsCall(tableCall('dynamodb:Scan', { ...names, drStateTable: names.idempotencyTable }, region), () =>
      completedRecords(ctx, region, options.since, until),
    );
  } catch (error) {
    return fail(io, error);
  }
  let missing: CompletedRecord[];
  let database: DrDatabase;
  try {
    database = await ctx.database();
  } catch (error) {
    io.print(
      `error: cannot connect to the database (${(error as Error).message}); set DATABASE_URL to the writer, ` +
        'e.g. postgres://<user>@<writer endpoint>:5432/payments?sslmode=verify-full&sslrootcert=<RDS CA bundle>',
    );
    return EXIT.failed;
  }
  try {
    const present = new Set<string>();
    for (let from = 0; from < records.length; from += 500) {
      const ids = records.slice(from, from + 500).map((record) => record.eventId);
      const { rows } = await database.query<{ event_id: string }>('SELECT event_id FROM payment_events WHERE event_id = ANY($1::text[])', [
        ids,
      ]);
      rows.forEach((row) => present.add(row.event_id));
    }
    missing = records.filter((record) => !present.has(record.eventId));
  } catch (error) {
    io.print(`error: payment_events could not be read: ${(error as Error).message}`);
    return EXIT.failed;
  } finally {
    await database.end().catch(() => undefined);
  }

  io.print(`Checks`);
  io.print(
    `  ${records.length} completed idempotency records in the window; ${records.length - missing.length} have their payment_events row`,
  );
  io.print(`  ${missing.length} records have NO row (lost with the replication lag window):`);
  missing.slice(0, 50).forEach((record) => io.print(`    ${record.eventId}  completed ${record.completedAt.toISOString()}`));
  if (missing.length > 50) io.print(`    ... and ${missing.length - 50} more`);
  if (!missing.length) {
    io.print('nothing to do: every acknowledged event of the window is in payment_events');
    return EXIT.ok;
  }
  const plan = [
    `1. DeleteItem of those ${missing.length} records in ${names.idempotencyTable} ` +
      `(${region}), each only if still COMPLETED with the same expiration`,
  ];
  return confirmAndRun(ctx, options, plan, async () => {
    let removed = 0;
    let changed = 0;
    try {
      for (const record of missing) {
        const deleted = await awsCall(tableCall('dynamodb:DeleteItem', { ...names, drStateTable: names.idempotencyTable }, region), () =>
          deleteIfUnchanged(ctx, region, record),
        );
        if (deleted) removed += 1;
        else changed += 1;
      }
    } catch (error) {
      io.print(`stopped after removing ${removed} records`);
      return fail(io, error);
    }
    io.print(`removed ${removed} records${changed ? ` (${changed} had changed meanwhile and were left alone)` : ''}.`);
    io.print(
      'Next: the sender redelivers those events (its retries, or ask for a resend of the window); the webhooks apply them again, once.',
    );
    return EXIT.ok;
  });
}

async function completedRecords(ctx: DrContext, region: Region, since: Date, until: Date): Promise<CompletedRecord[]> {
  const dynamodb = ctx.aws.dynamodb(region);
  const records: CompletedRecord[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = (await dynamodb.send(
      new ScanCommand({
        TableName: ctx.names.idempotencyTable,
        ConsistentRead: true,
        FilterExpression: 'begins_with(#id, :prefix) AND #status = :completed AND #expiration BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#id': 'id', '#status': 'status', '#expiration': 'expiration' },
        ExpressionAttributeValues: {
          ':prefix': { S: KEY_PREFIX },
          ':completed': { S: 'COMPLETED' },
          ':from': { N: String(Math.floor(since.getTime() / 1000) + RECORD_LIFETIME_S) },
          ':to': { N: String(Math.ceil(until.getTime() / 1000) + RECORD_LIFETIME_S) },
        },
        ExclusiveStartKey: start,
      }),
    )) as { Items?: Record<string, AttributeValue>[]; LastEvaluatedKey?: Record<string, AttributeValue> };
    for (const item of page.Items ?? []) {
      // Powertools stores the function's answer ({ eventId, duplicate }) as the map `data`
      const eventId = item.data?.M?.eventId?.S;
      const expiration = Number(item.expiration?.N);
      if (!item.id?.S || !eventId || !Number.isSafeInteger(expiration)) continue;
      records.push({ id: item.id.S, eventId, expiration, completedAt: new Date((expiration - RECORD_LIFETIME_S) * 1000) });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return records;
}

async function deleteIfUnchanged(ctx: DrContext, region: Region, record: CompletedRecord): Promise<boolean> {
  try {
    await ctx.aws.dynamodb(region).send(
      new DeleteItemCommand({
        TableName: ctx.names.idempotencyTable,
        Key: { id: { S: record.id } },
        ConditionExpression: '#status = :completed AND #expiration = :expiration',
        ExpressionAttributeNames: { '#status': 'status', '#expiration': 'expiration' },
        ExpressionAttributeValues: { ':completed': { S: 'COMPLETED' }, ':expiration': { N: String(record.expiration) } },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
