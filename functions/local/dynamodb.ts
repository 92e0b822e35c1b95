import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynaliteReady } from './dynalite-process';
import type { RestartableEngine } from './engine-process';
import { exited, firstMessage, forkEngine } from './engine-process';

/** `stop()` kills the engine process (as a crash would); `start()` brings back every write it acknowledged. */
export interface LocalDynamoDb extends RestartableEngine {
  endpoint: string;
  /**
   * SIGSTOP: the process keeps its port and the kernel still accepts connections, but nothing is
   * ever answered — a hung endpoint, or a region that cannot reach its DynamoDB quorum (dynalite has
   * no multi-region strong consistency to cut: the tests point a region's client at a paused engine).
   */
  pause(): Promise<void>;
  /** SIGCONT: answers again (requests that waited meanwhile are answered now). */
  resume(): Promise<void>;
  /** Stops the engine and deletes its data directory. */
  close(): Promise<void>;
}

/**
 * dynalite (the DynamoDB API) in its own process on 127.0.0.1:`port`, its tables in LevelDB files in
 * a temporary directory, so a stop/start is an outage, not a data wipe.
 */
export async function startDynalite(port: number): Promise<LocalDynamoDb> {
  const directory = await mkdtemp(path.join(tmpdir(), 'payments-dr-dynalite-'));
  let child: ChildProcess | undefined;
  const listeners: ((what: string) => void)[] = [];
  const start = async () => {
    if (child) return;
    const started = forkEngine(path.join(__dirname, 'dynalite-process.ts'), [String(port), path.join(directory, 'data')]);
    child = started;
    started.once('exit', (code, signal) => {
      if (child !== started) return; // stopped on purpose
      child = undefined;
      listeners.forEach((listener) => listener(`dynalite (pid ${started.pid}) exited (${signal ?? `code ${code}`})`));
    });
    try {
      await firstMessage<DynaliteReady>(started, 'dynalite');
    } catch (error) {
      child = undefined;
      throw error;
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running) return;
    running.kill('SIGKILL');
    await exited(running);
  };
  const signal = async (name: 'SIGSTOP' | 'SIGCONT') => {
    if (!child?.pid) throw new Error('dynalite is not running');
    process.kill(child.pid, name);
  };
  const close = async () => {
    await stop();
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await start();
  } catch (error) {
    await close();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop,
    start,
    close,
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    onUnexpectedExit: (listener) => void listeners.push(listener),
    pid: () => child?.pid,
  };
}

/**
 * The tables the functions use, keyed as in AWS: sessions by `sessionId`, idempotency records by
 * `id` (Powertools' layout; in AWS its TTL attribute is `expiration` — dynalite has no TTL API), the
 * DR state (active region + fencing epoch) by `id`.
 */
export async function createTables(
  endpoint: string,
  tables: { sessionsTable: string; idempotencyTable: string; drStateTable: string },
): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    for (const [table, key] of [
      [tables.sessionsTable, 'sessionId'],
      [tables.idempotencyTable, 'id'],
      [tables.drStateTable, 'id'],
    ]) {
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        }),
      );
    }
  } finally {
    client.destroy();
  }
}
