import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalServer } from '../../functions/local/http-server';
import { OVERSIZED_DRAIN_MS, serveHandlers } from '../../functions/local/http-server';
import { startLocalStack } from '../../functions/local/stack';
import { freePort } from '../support/functions/ports';

const REPOSITORY = path.resolve(__dirname, '..', '..');

/** Whether a process is still there. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids of `pid`'s direct children (Linux /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** The postgres server's pid from its postmaster.pid (undefined when gone). */
function serverPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

describe('local HTTP adapter (npm run local, tests, bench)', () => {
  let server: LocalServer;
  let invoked = 0;

  beforeAll(async () => {
    server = await serveHandlers(
      {
        '/webhooks/payments': async () => {
          invoked += 1;
          return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: '{"received":true}' };
        },
      },
      '127.0.0.1',
      0,
    );
  });

  afterAll(() => server?.close());

  test(
    'an oversized body gets 413 with Connection: close, and the connection is closed at once (not ' +
      'kept alive with the rest of the body unread); nothing after it on that connection is handled',
    async () => {
      const port = Number(new URL(server.url).port);
      const socket = connect(port, '127.0.0.1');
      await once(socket, 'connect');
      const size = 7 * 1024 * 1024;
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
      socket.on('error', () => undefined); // the server may reset a socket that keeps sending
      const started = performance.now();
      socket.write(`POST /webhooks/payments HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 97);
      for (let sent = 0; sent < size && !socket.destroyed; sent += chunk.length) {
        if (!socket.write(chunk)) await Promise.race([once(socket, 'drain'), once(socket, 'close')]);
      }
      // a second request pipelined behind the oversized one
      if (!socket.destroyed) socket.write('POST /webhooks/payments HTTP/1.1\r\nHost: local\r\nContent-Length: 2\r\n\r\n{}');
      if (!socket.destroyed) await once(socket, 'close');
      const closedAfterMs = performance.now() - started;

      expect(received).toMatch(/^HTTP\/1\.1 413 /);
      expect(received.toLowerCase()).toContain('connection: close');
      expect(received).toContain('payload_too_large');
      expect(received.match(/HTTP\/1\.1 /g)).toHaveLength(1);
      expect(invoked).toBe(0);
      // Node's keep-alive would hold it for its 5 s keepAliveTimeout; here: the drain bound at most
      expect(closedAfterMs).toBeLessThan(OVERSIZED_DRAIN_MS + 1500);
    },
  );
});

describe('local engines whose process is killed', () => {
  test('the stack reports the dead PostgreSQL engine, and stop() also stops the server it left running and removes the data', async () => {
    const stack = await startLocalStack();
    const reports: string[] = [];
    stack.onEngineExit((what) => reports.push(what));
    const engine = stack.postgres.pid() as number;
    const postgresServer = serverPid(stack.postgres.dataDir) as number;
    expect(alive(postgresServer)).toBe(true);

    process.kill(engine, 'SIGKILL');
    for (const deadline = Date.now() + 5000; !reports.length && Date.now() < deadline; ) await sleep(20);
    expect(reports).toEqual([expect.stringContaining('the PostgreSQL engine process')]);
    // the engine's own server survives its parent's SIGKILL ...
    expect(alive(postgresServer)).toBe(true);

    await stack.stop();

    // ... and is stopped with the stack, its directory gone
    for (const deadline = Date.now() + 5000; alive(postgresServer) && Date.now() < deadline; ) await sleep(20);
    expect(alive(postgresServer)).toBe(false);
    expect(existsSync(stack.postgres.dataDir)).toBe(false);
  });

  test(
    'npm run local shuts down cleanly when a child engine is killed: ' + 'it says which, stops the rest, leaves no process behind, exits 1',
    async () => {
      const port = await freePort();
      const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'cli/local.ts'], {
        cwd: REPOSITORY,
        env: { ...process.env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        for (
          const deadline = Date.now() + 60_000;
          !stdout.includes('Ctrl-C stops everything') && Date.now() < deadline && child.exitCode === null;
        )
          await sleep(100);
        expect(stdout).toContain('Ctrl-C stops everything');
        const engines = childrenOf(child.pid as number).filter((pid) => /dynalite-process|postgres-process/.test(commandLine(pid)));
        expect(engines).toHaveLength(2);
        const postgresEngine = engines.find((pid) => commandLine(pid).includes('postgres-process')) as number;
        const dataDir = commandLine(postgresEngine)
          .split(' ')
          .find((arg) => arg.endsWith('/data')) as string;
        const postgresServer = serverPid(dataDir) as number;
        const dynalite = engines.find((pid) => commandLine(pid).includes('dynalite-process')) as number;

        process.kill(dynalite, 'SIGKILL');
        const [code] = (await Promise.race([once(child, 'exit'), sleep(20_000).then(() => ['timeout'])])) as [number | string];

        expect(code).toBe(1);
        expect(stderr).toMatch(
          /dynalite \(pid \d+\) exited \(SIGKILL\) unexpectedly: stopping the server, PostgreSQL and dynalite, removing their data/,
        );
        expect(stderr).toContain('stopped');
        expect([postgresEngine, postgresServer].filter(alive)).toEqual([]);
        expect(existsSync(path.dirname(dataDir))).toBe(false);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  );
});
