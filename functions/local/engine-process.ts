import type { ChildProcess } from 'node:child_process';
import { fork } from 'node:child_process';
import { once } from 'node:events';

/** A local engine that can be taken down and brought back with its data: an outage, not a wipe. */
export interface RestartableEngine {
  /** Stops the engine, keeping its data. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Calls `listener` when the engine's process exits without having been asked to (killed, crashed). */
  onUnexpectedExit(listener: (what: string) => void): void;
  /** The engine process's pid while it runs. */
  pid(): number | undefined;
}

/**
 * Forks a TypeScript engine process (run through tsx) that owns one local engine. It runs in its
 * own process group, so Ctrl-C in a terminal reaches only the parent, which then stops its engines
 * in order; each engine process exits by itself when its parent goes away (IPC disconnect).
 */
export function forkEngine(file: string, args: string[]): ChildProcess {
  return fork(file, args, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], detached: true });
}

/** Resolves once the process has exited (at once if it already has). */
export async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}

/** Resolves on the process's first IPC message, rejects if it exits first. */
export function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${what} exited (code ${code}) before it was ready`));
    child.once('exit', onExit);
    child.once('message', (message: T) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}
