/**
 * Long-running engine processes (functions, etcd, the API server) on loopback ports chosen free.
 *
 * Each runs under a small bash guard that holds the read end of a pipe from us: when this process
 * exits for any reason (normal exit, exception, SIGINT, even SIGKILL) the pipe closes and the guard
 * kills the engine, so nothing outlives the command or the jest worker that started it. stop() and
 * the exit/SIGINT/SIGTERM handlers stop them explicitly too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { EngineError } from './errors';

/** Runs "$@" and kills it when stdin reaches EOF (our end closed) or on TERM/INT. */
const GUARD = [
  'exec 3<&0',
  '"$@" </dev/null & child=$!',
  "trap 'kill -TERM $child 2>/dev/null; wait $child 2>/dev/null; exit 143' TERM INT",
  '( read -r _ <&3; kill -TERM $child 2>/dev/null ) & watcher=$!',
  'wait $child; rc=$?',
  'kill $watcher 2>/dev/null',
  'exit $rc',
].join('\n');

export interface EngineProcess {
  readonly name: string;
  readonly port: number;
  readonly log: string;
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  stop(): Promise<void>;
}

const running = new Set<EngineProcess>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const proc of running) {
      try {
        process.kill(proc.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

/** Stops every engine process this process started. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.stop()));
}

/** A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The last few lines of a log, joined, for a one-line error. */
export function logTail(log: string, lines = 3): string {
  try {
    return fs.readFileSync(log, 'utf8').trim().split('\n').slice(-lines).join(' | ').slice(0, 400);
  } catch {
    return '(no log)';
  }
}

export interface StartOptions {
  readonly name: string;
  readonly binary: string;
  /** Arguments, given the port chosen for the process (and `extraPorts` more free ports). */
  readonly args: (port: number, extra: number[]) => string[];
  readonly extraPorts?: number;
  /** Directory for the log file. */
  readonly workDir: string;
  /** Seconds to wait for the port to accept connections (default 60: machines are busy). */
  readonly timeoutSeconds?: number;
  /** Extra readiness check after the port accepts connections; resolves true when ready. */
  readonly ready?: (port: number) => Promise<boolean>;
  readonly env?: NodeJS.ProcessEnv;
}

function spawnGuarded(options: StartOptions, port: number, extra: number[], log: string): EngineProcess {
  const logFd = fs.openSync(log, 'a');
  let child: ChildProcess;
  try {
    child = spawn('bash', ['-c', GUARD, options.name, options.binary, ...options.args(port, extra)], {
      stdio: ['pipe', logFd, logFd],
      env: options.env ?? process.env,
    });
  } finally {
    fs.closeSync(logFd);
  }
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? 128 : null);
      resolve(exitCode);
    });
    child.once('error', () => {
      exitCode = 127;
      resolve(127);
    });
  });
  // Our end of the guard's pipe: never written, closed when we exit. Do not keep the loop alive.
  (child.stdin as unknown as { unref?: () => void })?.unref?.();
  child.unref();
  const proc: EngineProcess = {
    name: options.name,
    port,
    log,
    pid: child.pid ?? -1,
    exited,
    hasExited: () => exitCode !== undefined,
    stop: async () => {
      running.delete(proc);
      if (exitCode === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      child.stdin?.destroy();
    },
  };
  running.add(proc);
  return proc;
}

/**
 * Starts a process on a free loopback port and waits until it accepts connections (and passes
 * `ready`). A port taken between choosing and binding is retried on another port; anything else is
 * one EngineError line with the end of the process's log.
 */
export async function startEngine(options: StartOptions): Promise<EngineProcess> {
  installExitHandlers();
  fs.mkdirSync(options.workDir, { recursive: true });
  const timeout = (options.timeoutSeconds ?? 60) * 1000;
  let lastProblem = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const extra: number[] = [];
    while (extra.length < (options.extraPorts ?? 0)) {
      const candidate = await freePort();
      if (candidate !== port && !extra.includes(candidate)) extra.push(candidate);
    }
    const log = path.join(options.workDir, `${options.name}.log`);
    fs.writeFileSync(log, '');
    const proc = spawnGuarded(options, port, extra, log);
    const deadline = Date.now() + timeout;
    let listening = false;
    while (Date.now() < deadline && !proc.hasExited()) {
      if (!listening) listening = await canConnect(port);
      if (listening && (!options.ready || (await options.ready(port).catch(() => false)))) return proc;
      await sleep(listening ? 100 : 50);
    }
    const tail = logTail(log);
    await proc.stop();
    if (/address already in use|bind: /i.test(tail)) {
      lastProblem = `127.0.0.1:${port} is in use (${tail})`;
      continue;
    }
    if (proc.hasExited() && !listening) {
      throw new EngineError(options.name, `exited before listening on 127.0.0.1:${port}: ${tail}; see ${log}`);
    }
    throw new EngineError(options.name, `not ready on 127.0.0.1:${port} within ${timeout / 1000}s: ${tail}; see ${log}`);
  }
  throw new EngineError(
    options.name,
    `could not listen on a free loopback port after 3 tries, last: ${lastProblem}; free some ports or retry`,
  );
}
