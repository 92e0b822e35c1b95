/**
 * The two composition functions as local gRPC servers with the mTLS Crossplane expects, and the
 * FunctionRevisions through which Crossplane finds them.
 *
 * Each function serves with TLS_SERVER_CERTS_DIR (flag --tls-certs-dir) holding ca.crt (Crossplane's root CA: it
 * verifies core's client certificate), tls.crt and tls.key (signed by that CA, SAN 127.0.0.1),
 * as Crossplane's package runtime would give it. Core dials the endpoint of the Active
 * FunctionRevision labelled pkg.crossplane.io/package=<function> with its own client
 * certificate (--tls-client-certs-dir).
 *
 * There is no package registry, so the revisions are made here, annotated
 * crossplane.io/paused: "true". Crossplane v2.3.4's revision reconciler
 * (internal/controller/pkg/revision/reconciler.go, Reconcile) checks meta.IsPaused first and
 * only records a ReconcilePaused condition (a status Update of the object it read), so the
 * endpoint and capabilities patched into status stay; the e2e checks that they do.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Json, Kube } from './kube';
import { condition } from './kube';
import { E2eError } from './log';
import { issue, type KeyPair } from './pki';
import { type Supervisor, waitFor } from './processes';

export interface FunctionSpec {
  /** Function name as the Compositions' functionRef names it (and the Function in dist/platform). */
  readonly name: string;
  /** The package the platform's Function installs (recorded on the revision). */
  readonly image: string;
  readonly binary: string;
  readonly port: number;
}

/** Starts every function server; resolves once each accepts TCP connections. */
export async function startFunctions(
  supervisor: Supervisor,
  functions: readonly FunctionSpec[],
  rootCa: KeyPair,
  root: string,
  debug: boolean,
): Promise<void> {
  for (const fn of functions) {
    const dir = path.join(root, fn.name);
    // function-sdk-go reads tls.crt, tls.key and ca.crt from the folder.
    issue(dir, rootCa, 'tls', `/CN=${fn.name}`, 'serverAuth', ['127.0.0.1'], [fn.name]);
    fs.copyFileSync(rootCa.crt, path.join(dir, 'ca.crt'));
    // The folder is given as Crossplane's package runtime gives it, by env (the flag is --tls-certs-dir).
    supervisor.start(fn.name, fn.binary, [`--address=127.0.0.1:${fn.port}`, ...(debug ? ['--debug'] : [])], { TLS_SERVER_CERTS_DIR: dir });
  }
  for (const fn of functions)
    await waitFor(
      `${fn.name} on 127.0.0.1:${fn.port}`,
      30_000,
      () => listening(fn.port),
      supervisor,
      100,
      `see ${supervisor.logFile(fn.name)}`,
    );
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

export const revisionName = (fn: FunctionSpec): string => `${fn.name}-local`;

/**
 * Creates (server-side apply) a paused, Active FunctionRevision per function and patches its
 * status with `kubectl patch --subresource=status`: endpoint (the local server) and the
 * capability Crossplane checks before it runs a Composition's pipeline.
 */
export async function registerFunctions(kube: Kube, functions: readonly FunctionSpec[]): Promise<void> {
  const revisions = functions.map((fn) => ({
    apiVersion: 'pkg.crossplane.io/v1',
    kind: 'FunctionRevision',
    metadata: {
      name: revisionName(fn),
      labels: { 'pkg.crossplane.io/package': fn.name },
      annotations: { 'crossplane.io/paused': 'true' },
    },
    spec: { desiredState: 'Active', image: fn.image, revision: 1, skipDependencyResolution: true },
  }));
  await kube.kubectlOk(
    ['apply', '--server-side', '--field-manager=payments-dr-e2e', '-f', '-'],
    revisions.map((r) => JSON.stringify(r)).join('\n'),
  );
  for (const fn of functions) {
    const status = { status: { endpoint: `dns:///127.0.0.1:${fn.port}`, capabilities: ['composition'] } };
    await kube.kubectlOk([
      'patch',
      'functionrevision',
      revisionName(fn),
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify(status),
    ]);
  }
  // The revision controller must have seen the pause (condition) and kept our status.
  for (const fn of functions) {
    const revision = await waitFor(`FunctionRevision ${revisionName(fn)} to report ReconcilePaused`, 60_000, async () => {
      const r = await kube.get(`/apis/pkg.crossplane.io/v1/functionrevisions/${revisionName(fn)}`);
      return condition(r, 'Synced')?.reason === 'ReconcilePaused' ? r : undefined;
    });
    checkKept(revision, fn);
  }
}

function checkKept(revision: Json, fn: FunctionSpec): void {
  const endpoint = revision.status?.endpoint;
  if (endpoint !== `dns:///127.0.0.1:${fn.port}`) {
    throw new E2eError(
      `Crossplane's revision controller did not leave the paused FunctionRevision ` +
        `${revisionName(fn)} alone: status.endpoint is now ${JSON.stringify(endpoint)}`,
    );
  }
}
