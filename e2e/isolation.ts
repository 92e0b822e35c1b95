/**
 * Runs the e2e inside a private network + PID namespace (`unshare --net --pid --fork
 * --kill-child`, plus --map-root-user when not root): the namespace's only interface is its own
 * loopback, so nothing the control plane opens is reachable from outside — including the
 * listeners that cannot be bound to 127.0.0.1 (Crossplane core's webhook/metrics/health ports,
 * the functions' :8080 metrics) — and when the e2e's main process ends, the kernel ends every
 * process left in the namespace.
 *
 * The outer process keeps a pipe to the inner one's stdin: Ctrl-C (or the outer process dying)
 * closes it, and the inner process stops the control plane and removes its files.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { say } from './log';

export const INSIDE_ENV = 'PAYMENTS_DR_E2E_ISOLATED';

export const isInside = (): boolean => process.env[INSIDE_ENV] === '1';

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

const unshareFlags = (): string[] => ['--net', '--pid', '--fork', '--kill-child', ...(process.getuid?.() === 0 ? [] : ['--map-root-user'])];

/** Why the e2e cannot isolate itself here, or undefined when it can. */
export function isolationUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  for (const command of ['unshare', 'ip']) if (!onPath(command)) return `${command} is not installed (util-linux / iproute2)`;
  const probe = spawnSync('unshare', [...unshareFlags(), '--', 'ip', 'link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (probe.status !== 0) return `unshare is not permitted here: ${(probe.stderr || probe.error?.message || '').trim().split('\n')[0]}`;
  return undefined;
}

/** Re-runs this command inside the namespaces; resolves with its exit code. */
export function runInside(): Promise<number> {
  const inner = [process.execPath, ...process.execArgv, process.argv[1], ...process.argv.slice(2)];
  const child = spawn('unshare', [...unshareFlags(), '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...inner], {
    stdio: ['pipe', 'inherit', 'inherit'],
    // Its own session: a Ctrl-C reaches this process only, which then asks the inner one to stop.
    detached: true,
    env: { ...process.env, [INSIDE_ENV]: '1' },
  });
  let interrupted = false;
  const interrupt = (signal: string): void => {
    if (!interrupted) say(`${signal}: stopping the control plane and removing its files (Ctrl-C again does not hurry it)`);
    interrupted = true;
    child.stdin?.end();
  };
  process.on('SIGINT', () => interrupt('SIGINT'));
  process.on('SIGTERM', () => interrupt('SIGTERM'));
  process.on('SIGHUP', () => interrupt('SIGHUP'));
  return new Promise((resolve) => {
    child.on('error', (error) => {
      say(`cannot start unshare: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
  });
}

/**
 * Calls `stop` when this run must end early: inside the namespaces when the outer process closes
 * our stdin (Ctrl-C there, or it died), on the host at SIGINT, SIGTERM or SIGHUP.
 */
export function onInterrupt(stop: (why: string) => void): void {
  if (!isInside()) {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
    return;
  }
  process.stdin.on('end', () => stop('interrupted'));
  process.stdin.on('error', () => stop('interrupted'));
  process.stdin.resume();
}
