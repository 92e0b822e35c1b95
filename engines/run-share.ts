/**
 * Results shared by the jest workers of ONE test run: a check is a function of its documents and
 * the pinned engines, and five test files check the very same synthesized environments, so the
 * first worker to need a result computes it with the real engines and the others read it (waiting
 * while it is being computed). Outside jest nothing is shared. The folder is keyed by the jest
 * process and its start time, so a new run never reads an old run's results; folders older than
 * a day are removed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(os.tmpdir(), 'payments-dr-run-share');
const WAIT_MS = 30 * 60 * 1000;

function startTime(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[19];
  } catch {
    return undefined;
  }
}

/** The jest process of this run: our parent when we are a worker, else ourselves (in band). */
function runDir(): string | undefined {
  if (!process.env.JEST_WORKER_ID) return undefined;
  let owner = process.pid;
  try {
    if (/jest/.test(fs.readFileSync(`/proc/${process.ppid}/cmdline`, 'utf8'))) owner = process.ppid;
  } catch {
    // not Linux: no sharing
    return undefined;
  }
  const started = startTime(owner);
  if (!started) return undefined;
  const dir = path.join(ROOT, `${owner}-${started}`);
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true });
    for (const old of fs.readdirSync(ROOT)) {
      const full = path.join(ROOT, old);
      if (full !== dir && Date.now() - fs.statSync(full).mtimeMs > 24 * 3600 * 1000) fs.rmSync(full, { recursive: true, force: true });
    }
  }
  return dir;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

type Claim =
  | { kind: 'result'; value: unknown }
  | { kind: 'mine'; publish: (value: unknown) => void; release: () => void }
  | { kind: 'wait' };

function claim(key: string): Claim {
  const dir = runDir();
  if (!dir) return { kind: 'mine', publish: () => undefined, release: () => undefined };
  const result = path.join(dir, `${key}.json`);
  const lock = path.join(dir, `${key}.lock`);
  if (fs.existsSync(result)) return { kind: 'result', value: JSON.parse(fs.readFileSync(result, 'utf8')) };
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(fs.readFileSync(lock, 'utf8') || 0);
    if (holder && alive(holder)) return { kind: 'wait' };
    fs.rmSync(lock, { force: true });
    return claim(key);
  }
  return {
    kind: 'mine',
    publish: (value) => {
      fs.writeFileSync(`${result}.${process.pid}.tmp`, JSON.stringify(value));
      fs.renameSync(`${result}.${process.pid}.tmp`, result);
    },
    release: () => fs.rmSync(lock, { force: true }),
  };
}

export async function sharedAsync<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const c = claim(key);
    if (c.kind === 'result') return c.value as T;
    if (c.kind === 'mine') {
      try {
        const value = await compute();
        c.publish(value);
        return value;
      } finally {
        c.release();
      }
    }
    if (Date.now() > deadline) return compute();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function sharedSync<T>(key: string, compute: () => T): T {
  const deadline = Date.now() + WAIT_MS;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    const c = claim(key);
    if (c.kind === 'result') return c.value as T;
    if (c.kind === 'mine') {
      try {
        const value = compute();
        c.publish(value);
        return value;
      } finally {
        c.release();
      }
    }
    if (Date.now() > deadline) return compute();
    Atomics.wait(nap, 0, 0, 250);
  }
}
