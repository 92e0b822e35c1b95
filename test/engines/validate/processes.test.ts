/**
 * Engine processes (engines/processes.ts, tools.ts): nothing outlives the process that
 * started it, and a tool that is missing or cannot start is one line naming it and the next step.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, TSX } from '../../support/npm-scripts';
import { EngineError } from '../../../engines/errors';
import { startEngine } from '../../../engines/processes';
import { toolPath } from '../../../engines/tools';

/** Running (a zombie waiting for a reaper counts as gone). */
const alive = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-processes-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a missing binary names the tool and `scripts/build-tools.sh <tool>`', () => {
  const run = spawnSync(
    process.execPath,
    [TSX, '-e', "try { require('./engines/tools').toolPath('etcd'); } catch (e) { console.log(e.message); }"],
    {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, PAYMENTS_DR_TOOLS: path.join(dir, 'none') },
    },
  );
  expect(run.stdout.trim()).toMatch(
    /^etcd: v3\.\S+ is not built \(.*\/none\/etcd-v3\.\S+\/etcd missing\); run scripts\/build-tools\.sh etcd$/,
  );
});

test('a process that cannot listen is one EngineError line with the end of its log', async () => {
  const failure = await startEngine({
    name: 'broken-engine',
    binary: 'bash',
    args: () => ['-c', 'echo "fatal: cannot open config" >&2; exit 3'],
    workDir: dir,
    timeoutSeconds: 10,
  }).catch((e) => e);
  expect(failure).toBeInstanceOf(EngineError);
  expect(failure.message).toMatch(
    /^broken-engine: exited before listening on 127\.0\.0\.1:\d+: fatal: cannot open config; see .*broken-engine\.log$/,
  );
});

test('a port taken at bind time is retried, then named in one line', async () => {
  const failure = await startEngine({
    name: 'busy-engine',
    binary: 'bash',
    args: (port) => ['-c', `echo "listen tcp 127.0.0.1:${port}: bind: address already in use" >&2; exit 1`],
    workDir: dir,
    timeoutSeconds: 10,
  }).catch((e) => e);
  expect(failure).toBeInstanceOf(EngineError);
  expect(failure.message).toMatch(/^busy-engine: could not listen on a free loopback port after 3 tries, last: 127\.0\.0\.1:\d+ is in use/);
});

test('engines die with the process that started them, even on SIGKILL', async () => {
  const pidFile = path.join(dir, 'pids');
  const script = `
    require('./engines/functions').startFunctions(${JSON.stringify(dir)}).then((fns) => {
      const pids = { self: process.pid, guards: fns.processes.map((p) => p.pid) };
      require('fs').writeFileSync(${JSON.stringify(pidFile)}, JSON.stringify(pids));
      setInterval(() => {}, 1000);
    });`;
  const child = spawn(process.execPath, [TSX, '-e', script], { cwd: REPO, stdio: 'ignore' });
  const deadline = Date.now() + 60_000;
  while (!fs.existsSync(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // tsx runs the script in a child of its own: kill the process that started the engines.
  const { self, guards }: { self: number; guards: number[] } = JSON.parse(fs.readFileSync(pidFile, 'utf8'));
  const childrenOf = (pid: number) =>
    spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .stdout.trim()
      .split('\n')
      .filter(Boolean)
      .map(Number);
  const children = guards.flatMap(childrenOf);
  // startFunctions starts the three functions, each under a guard (GUARD in engines/processes.ts) with exactly two
  // children: the engine itself and the subshell that waits for our pipe to close (argv[0] bash, like the guard).
  const program = (pid: number) => path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]);
  const perGuard = guards.map((pid) => childrenOf(pid).map(program).sort().join(' + ')).sort();
  try {
    expect(perGuard).toEqual(['function-auto-ready', 'function-cel-filter', 'function-patch-and-transform'].map((fn) => `bash + ${fn}`));
    expect([...guards, ...children].every(alive)).toBe(true);
  } finally {
    // also when an expectation above fails: else the engines, and this jest run, would wait forever
    process.kill(self, 'SIGKILL');
    child.kill('SIGKILL');
  }
  const gone = Date.now() + 30_000;
  while ([...guards, ...children].some(alive) && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
  expect([...guards, ...children].filter(alive)).toEqual([]);
});

test('toolPath finds every built tool', () => {
  for (const tool of [
    'crossplane-cli',
    'crossplane-core',
    'function-patch-and-transform',
    'function-cel-filter',
    'function-auto-ready',
    'apiextensions-apiserver',
    'etcd',
  ] as const) {
    expect(fs.existsSync(toolPath(tool))).toBe(true);
  }
});
