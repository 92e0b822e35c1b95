/**
 * `npm run e2e [-- options]`: a local control plane in a box — a real kube-apiserver on etcd,
 * kube-controller-manager's garbage collector, Crossplane core v2.3.4 and the two composition
 * functions over mTLS, all on loopback inside a private network namespace — then dist/ applied as
 * Argo CD would, a stand-in provider in place of provider-aws, and checks on the real API: claims
 * bind and become READY, composed resources exist with the project's names, labels and regions,
 * the operators' RBAC is read-only, an invalid claim is refused, deletion runs in Usage order.
 * Prints the operators' `kubectl get` table and the timings. See README "End-to-end on a local
 * control plane".
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fromCaller, parseCommandLine } from '../cli/command-line';
import { REPO_ROOT } from '../engines/crds';
import { runScenario } from './scenario';
import { isInside, isolationUnavailable, onInterrupt, runInside } from './isolation';
import { E2eError, say } from './log';
import { allocatePorts } from './ports';
import { crossplaneSourceDir, findTools } from './tools';

const spec = {
  name: 'e2e',
  arguments: '',
  summary:
    'Runs dist/ on a local control plane (kube-apiserver, etcd, Crossplane core, ' +
    'functions) and checks claims compose, report status and delete in order.',
  options: {
    'host-network': { type: 'boolean' },
    'base-port': { type: 'string' },
    keep: { type: 'boolean' },
    hold: { type: 'boolean' },
    debug: { type: 'boolean' },
    'no-restart': { type: 'boolean' },
    timeout: { type: 'string' },
    dist: { type: 'string' },
  },
  descriptions: {
    'host-network':
      "run on the host's loopback instead of a private network namespace (Crossplane " +
      "core's webhook/metrics/health ports then listen on all interfaces)",
    'base-port': 'use ports N..N+8 (default: free ephemeral ports)',
    keep: 'keep the work folder (certificates, kubeconfig, etcd data, logs) even on success',
    hold: 'on failure, keep the control plane running for inspection until Ctrl-C (prints how to reach it with kubectl)',
    debug: 'debug logs from Crossplane core and the functions',
    'no-restart': 'skip the warm restart of the control plane',
    timeout: 'seconds each wait may take (default 300)',
    dist: 'read the manifests from this folder instead of dist/ (e.g. DIST_DIR=/tmp/d npm run synth first)',
  },
} as const;

async function main(): Promise<number> {
  const { values } = parseCommandLine(spec);
  // Missing engines are one line before anything starts (inside the namespace too: cheap).
  const { tools, versions } = findTools();
  const crossplaneSource = crossplaneSourceDir();
  if (!values['host-network'] && !isInside()) {
    const why = isolationUnavailable();
    if (!why) return runInside();
    say(
      `no private network namespace (${why}): running on the host's loopback; Crossplane core's ` +
        `webhook/metrics/health ports and the functions' metrics port (:8080) listen on all interfaces`,
    );
  }
  const basePort = values['base-port'] === undefined ? undefined : Number(values['base-port']);
  if (basePort !== undefined && !(Number.isInteger(basePort) && basePort > 0 && basePort < 65536))
    throw new E2eError(`--base-port must be a port number, not "${values['base-port']}"`);
  const timeoutMs = 1000 * Number(values.timeout ?? 300);
  if (!(timeoutMs > 0)) throw new E2eError(`--timeout must be a number of seconds, not "${values.timeout}"`);

  const ports = await allocatePorts(basePort);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payments-dr-e2e-'));
  const logDir = path.join(workDir, 'logs');
  const distDir = values.dist ? fromCaller(values.dist) : path.join(REPO_ROOT, 'dist');
  if (!fs.existsSync(path.join(distDir, 'argocd', 'applications.yaml')))
    throw new E2eError(`${distDir} has no argocd/applications.yaml: give a folder \`npm run synth\` wrote (DIST_DIR=<dir> npm run synth)`);
  return runScenario({
    repoRoot: REPO_ROOT,
    distDir,
    workDir,
    logDir,
    tools,
    versions,
    ports,
    crossplaneSource,
    keep: Boolean(values.keep),
    hold: Boolean(values.hold),
    debug: Boolean(values.debug),
    restart: !values['no-restart'],
    timeoutMs,
    onInterrupt,
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof E2eError) {
      console.error(`[e2e] ERROR: ${error.message}`);
      process.exit(1);
    }
    console.error(error);
    process.exit(1);
  },
);
