import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { Client } from 'pg';
import type { Config } from '../../../functions/shared/config';
import { loadConfig } from '../../../functions/shared/config';
import type { RestartableEngine } from '../../../functions/local/engine-process';
import type { LocalStack } from '../../../functions/local/stack';
import { LOCAL_DR_STATE_TABLE } from './dr-state';

/**
 * Configuration for functions running against the local stack; secrets come from a Secrets Manager
 * client (moto) instead of SECRETS_FILE. The DR state table is the stack's (its fence is recorded:
 * us-east-1 active at epoch 1).
 */
export function stackConfig(stack: LocalStack): Config {
  return loadConfig({ DR_STATE_TABLE: LOCAL_DR_STATE_TABLE, ...stack.env, SECRETS_FILE: undefined });
}

/** Reads what the functions wrote, straight from the engines. */
export class EngineInspector {
  private readonly dynamodb: DynamoDBClient;
  private readonly documents: DynamoDBDocumentClient;

  constructor(private readonly stack: LocalStack) {
    this.dynamodb = new DynamoDBClient({
      endpoint: stack.dynamodb.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    this.documents = DynamoDBDocumentClient.from(this.dynamodb);
  }

  /** A connected client to the functions' database (the caller ends it). */
  async postgresClient(): Promise<Client> {
    const { postgres, env } = this.stack;
    const client = new Client({
      host: postgres.host,
      port: postgres.port,
      user: postgres.user,
      password: postgres.password,
      database: env.DB_NAME,
    });
    await client.connect();
    return client;
  }

  async paymentEventRows(eventId: string): Promise<Record<string, unknown>[]> {
    return this.query('SELECT * FROM payment_events WHERE event_id = $1', [eventId]);
  }

  /** How many payment_events rows each event id has. */
  async paymentEventCounts(): Promise<Map<string, number>> {
    const rows = await this.query('SELECT event_id, count(*)::int AS rows FROM payment_events GROUP BY event_id');
    return new Map(rows.map((row) => [row.event_id as string, row.rows as number]));
  }

  /** Every item of a table (consistent reads). */
  async scan(table: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for await (const page of paginateScan({ client: this.documents }, { TableName: table, ConsistentRead: true }))
      items.push(...(page.Items ?? []));
    return items;
  }

  async session(sessionId: string): Promise<Record<string, unknown> | undefined> {
    return this.item(this.stack.env.SESSIONS_TABLE, { sessionId });
  }

  /**
   * The Powertools idempotency record of an event id. Its key is `payments-webhook#<base64 md5 of the JSON id>`:
   * no function name, so both regions' functions share it through the global table.
   */
  async idempotencyRecord(eventId: string): Promise<Record<string, unknown> | undefined> {
    return this.item(this.stack.env.IDEMPOTENCY_TABLE, { id: idempotencyKey(eventId) });
  }

  /** Removes an event's idempotency record (as its expiry, or `dr reconcile`, would). */
  async deleteIdempotencyRecord(eventId: string): Promise<void> {
    await this.documents.send(new DeleteCommand({ TableName: this.stack.env.IDEMPOTENCY_TABLE, Key: { id: idempotencyKey(eventId) } }));
  }

  async query(sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
    return this.rows(sql, values);
  }

  close(): void {
    this.dynamodb.destroy();
  }

  private async rows(sql: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
    const client = await this.postgresClient();
    try {
      return (await client.query(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  private async item(table: string, key: Record<string, string>) {
    return (await this.documents.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  }
}

/** The webhook's idempotency key of a (stored) event id: `payments-webhook#<base64 md5 of the JSON id>`. */
export function idempotencyKey(eventId: string): string {
  return `payments-webhook#${createHash('md5').update(JSON.stringify(eventId)).digest('base64')}`;
}

/** Runs `during` while the engine is stopped, then starts it again (also when `during` throws). */
export async function withStopped<T>(engine: RestartableEngine, during: () => Promise<T>): Promise<T> {
  await engine.stop();
  try {
    return await during();
  } finally {
    await engine.start();
  }
}
