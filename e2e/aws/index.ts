/**
 * `npm run e2e:aws [-- options]`: the e2e's control plane plus the REAL provider-upjet-aws (the
 * monolith tools/provider-aws builds) reconciling one environment of dist/ against moto on
 * loopback. It proves what only the provider can: every managed resource moto can serve becomes
 * Ready and Synced; N forced reconciles afterwards — and N more after a switchover on moto's side —
 * make zero mutating AWS calls (offenders printed by MR and action); deleting the claims leaves
 * nothing in moto. Not part of `npm test` (the provider build alone is 32-45 min cold). README
 * "End-to-end against moto".
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fromCaller, parseCommandLine } from '../../cli/command-line';
import { REPO_ROOT } from '../../engines/crds';
import { isInside, isolationUnavailable, runInside } from '../isolation';
import { E2eError, say } from '../log';
import { allocatePorts } from '../ports';
import { crossplaneSourceDir, findTools } from '../tools';
import { runAwsScenario } from './scenario';

const spec = {
  name: 'e2e:aws',
  arguments: '',
  summary: 'Runs one environment of dist/ with the real provider-aws against moto and proves it converges without drift.',
  options: {
    env: { type: 'string' },
    rounds: { type: 'string' },
    timeout: { type: 'string' },
    keep: { type: 'boolean' },
    debug: { type: 'boolean' },
    'host-network': { type: 'boolean' },
    dist: { type: 'string' },
  },
  descriptions: {
    env: 'the environment whose units are applied (default dev)',
    rounds: 'forced reconciles of every MR after convergence, and again after the switchover (default 3, at least 3)',
    timeout: 'seconds each wait may take (default 1200)',
    keep: 'keep the work folder (kubeconfig, moto request log, provider log) even on success',
    debug: 'debug logs from Crossplane core and the functions',
    'host-network': "run on the host's loopback instead of a private network namespace",
    dist: 'read the manifests from this folder instead of dist/',
  },
} as const;

async function main(): Promise<number> {
  const { values } = parseCommandLine(spec);
  const { tools } = findTools();
  const crossplaneSource = crossplaneSourceDir();
  const rounds = Number(values.rounds ?? 3);
  if (!(Number.isInteger(rounds) && rounds >= 3))
    throw new E2eError(`--rounds must be a whole number of at least 3, not "${values.rounds}"`);
  const timeoutMs = 1000 * Number(values.timeout ?? 1200);
  if (!(timeoutMs > 0)) throw new E2eError(`--timeout must be a number of seconds, not "${values.timeout}"`);
  if (!values['host-network'] && !isInside()) {
    const why = isolationUnavailable();
    if (!why) return runInside();
    say(`no private network namespace (${why}): running on the host's loopback`);
  }
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payments-dr-e2e-aws-'));
  return runAwsScenario({
    repoRoot: REPO_ROOT,
    distDir: values.dist ? fromCaller(values.dist) : path.join(REPO_ROOT, 'dist'),
    environment: values.env ?? 'dev',
    workDir,
    logDir: path.join(workDir, 'logs'),
    tools,
    ports: await allocatePorts(),
    crossplaneSource,
    rounds,
    timeoutMs,
    keep: Boolean(values.keep),
    debug: Boolean(values.debug),
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof E2eError ? `[e2e:aws] ERROR: ${error.message}` : error);
    process.exit(1);
  },
);
