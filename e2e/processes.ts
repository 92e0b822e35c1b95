/**
 * The control plane's processes: each writes stdout+stderr to <logs>/<name>.log, an unexpected
 * exit is reported with the tail of its log, and stopAll() ends them (SIGTERM, then SIGKILL after
 * a grace period), newest first. Only processes started here are ever signalled, by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { E2eError } from './log';

interface Component {
  readonly name: string;
  readonly child: ChildProcess;
  readonly log: string;
  exit?: string;
}

const GRACE_MS = 10_000;

export class Supervisor {
  private readonly components: Component[] = [];
  private stopping = false;

  constructor(readonly logDir: string) {
    fs.mkdirSync(logDir, { recursive: true });
  }

  logFile(name: string): string {
    return path.join(this.logDir, `${name}.log`);
  }

  start(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): void {
    const log = this.logFile(name);
    const fd = fs.openSync(log, 'a');
    fs.writeSync(fd, `# ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
    fs.closeSync(fd);
    const component: Component = { name, child, log };
    child.on('error', (error) => (component.exit = `could not start: ${error.message}`));
    child.on('exit', (code, signal) => (component.exit = signal ? `killed by ${signal}` : `exited with code ${code}`));
    this.components.push(component);
  }

  /** Throws one line for the first component (of `names`, default all) that is no longer running. */
  check(names?: readonly string[]): void {
    if (this.stopping) return;
    for (const component of this.components) {
      if (component.exit === undefined || (names && !names.includes(component.name))) continue;
      throw new E2eError(`${component.name} ${component.exit}: ${describeLog(component.log)}`);
    }
  }

  running(name: string): boolean {
    return this.components.some((c) => c.name === name && c.exit === undefined);
  }

  /** Ends one component (all of that name). */
  async stop(name: string): Promise<void> {
    await Promise.all(this.components.filter((c) => c.name === name).map((c) => terminate(c)));
    this.components.splice(0, this.components.length, ...this.components.filter((c) => c.name !== name));
  }

  /** Ends every component, newest first (Crossplane before the API server before etcd). */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const component of [...this.components].reverse()) await terminate(component);
    this.components.length = 0;
    this.stopping = false;
  }
}

async function terminate(component: Component): Promise<void> {
  if (component.exit !== undefined || component.child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => component.child.once('exit', () => resolve()));
  component.child.kill('SIGTERM');
  const timer = setTimeout(() => component.child.kill('SIGKILL'), GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/** The last meaningful lines of a log, on one line; "address already in use" named as such. */
export function describeLog(log: string): string {
  let text = '';
  try {
    text = fs.readFileSync(log, 'utf8');
  } catch {
    return `(no log at ${log})`;
  }
  const inUse = text.match(/listen tcp [^\s:]*:(\d+): bind: address already in use/);
  if (inUse) {
    const advice = 'another process listens there; stop it or choose other ports with --base-port';
    return `port ${inUse[1]} is already in use (${advice}); log: ${log}`;
  }
  const lines = text
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('# '))
    .slice(-3)
    .map((line) => line.trim().slice(0, 300));
  return `${lines.join(' | ') || '(empty log)'}; log: ${log}`;
}

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined/false; fails
 * with one line after `timeoutMs`, or as soon as a supervised process has died.
 */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined | false>,
  supervisor?: Supervisor,
  intervalMs = 250,
  hint = '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    supervisor?.check();
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      if (error instanceof E2eError) throw error;
      last = (error as Error).message;
    }
    if (Date.now() > deadline)
      throw new E2eError(
        `timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${last})` : ''}${hint ? `; ${hint}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
