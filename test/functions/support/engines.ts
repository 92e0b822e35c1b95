import { createHash } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { Client } from 'pg';
import type { Config } from '../../../functions/shared/config';
import { loadConfig } from '../../../functions/shared/config';
import type { LocalStack } from '../../../functions/local/stack';

/** Configuration for functions running against the local stack; secrets come from a fake client instead of SECRETS_FILE. */
export function stackConfig(stack: LocalStack): Config {
  return loadConfig({ ...stack.env, SECRETS_FILE: undefined });
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

  async paymentEventRows(eventId: string): Promise<Record<string, unknown>[]> {
    const { postgres, env } = this.stack;
    const client = new Client({ host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password, database: env.DB_NAME });
    await client.connect();
    try {
      return (await client.query('SELECT * FROM payment_events WHERE event_id = $1', [eventId])).rows;
    } finally {
      await client.end();
    }
  }

  async session(sessionId: string): Promise<Record<string, unknown> | undefined> {
    return this.item(this.stack.env.SESSIONS_TABLE, { sessionId });
  }

  /**
   * The Powertools idempotency record of an event id. Its key is `payments-webhook#<base64 md5 of the JSON id>`:
   * no function name, so both regions' functions share it through the global table.
   */
  async idempotencyRecord(eventId: string): Promise<Record<string, unknown> | undefined> {
    const key = `payments-webhook#${createHash('md5').update(JSON.stringify(eventId)).digest('base64')}`;
    return this.item(this.stack.env.IDEMPOTENCY_TABLE, { id: key });
  }

  close(): void {
    this.dynamodb.destroy();
  }

  private async item(table: string, key: Record<string, string>) {
    return (await this.documents.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  }
}

/** Runs `during` while PostgreSQL is stopped, then starts it again (also when `during` throws). */
export async function withPostgresStopped<T>(stack: LocalStack, during: () => Promise<T>): Promise<T> {
  await stack.postgres.stop();
  try {
    return await during();
  } finally {
    await stack.postgres.start();
  }
}
