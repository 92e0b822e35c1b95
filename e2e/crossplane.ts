/**
 * Crossplane core v2.3.4 as two local processes, the way its Helm chart runs it in a pod:
 * `crossplane core init` (installs Crossplane's CRDs and webhook configuration from the release's
 * own cluster/ folder, generates the root CA and client certificate into Secrets) and then
 * `crossplane core start` with the chart's flags, `--package-runtime=External` and its
 * certificates written to the folders the chart mounts them at. The chart's secret and service
 * names are kept. Two local differences, both because there is no Pod network:
 * - the webhook serving certificate is ours (SAN 127.0.0.1), put into crossplane-tls-server
 *   before init, which keeps a complete secret as it finds it;
 * - the ValidatingWebhookConfiguration init writes points at the Service crossplane-webhooks;
 *   it is re-pointed at https://127.0.0.1:<webhook port> with the same path and CA bundle.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Json, Kube } from './kube';
import { E2eError, say } from './log';
import type { KeyPair, Pki } from './pki';
import { type Supervisor, describeLog, waitFor } from './processes';

export const NAMESPACE = 'crossplane-system';
const SECRETS = { ca: 'crossplane-root-ca', server: 'crossplane-tls-server', client: 'crossplane-tls-client' } as const;
const WEBHOOK_SERVICE = 'crossplane-webhooks';
const INIT_ATTEMPTS = 5;

/** The first `crossplane: error:` line of a log. */
function lastError(log: string): string {
  const line = fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('crossplane: error:'));
  return line ? line.replace('crossplane: error: ', '') : 'no error line';
}

export interface CrossplanePorts {
  readonly webhook: number;
  readonly metrics: number;
  readonly health: number;
}

export interface CrossplaneDirs {
  readonly root: string;
  readonly serverCerts: string;
  readonly clientCerts: string;
}

/** Env of the chart's init container and core container (names as in its deployment.yaml). */
function chartEnv(kubeconfig: string, ports: CrossplanePorts, dirs?: CrossplaneDirs): NodeJS.ProcessEnv {
  return {
    KUBECONFIG: kubeconfig,
    POD_NAMESPACE: NAMESPACE,
    POD_SERVICE_ACCOUNT: 'crossplane',
    WEBHOOK_SERVICE_NAME: WEBHOOK_SERVICE,
    WEBHOOK_SERVICE_NAMESPACE: NAMESPACE,
    WEBHOOK_SERVICE_PORT: '9443',
    TLS_CA_SECRET_NAME: SECRETS.ca,
    TLS_SERVER_SECRET_NAME: SECRETS.server,
    TLS_CLIENT_SECRET_NAME: SECRETS.client,
    ...(dirs
      ? {
          TLS_SERVER_CERTS_DIR: dirs.serverCerts,
          TLS_CLIENT_CERTS_DIR: dirs.clientCerts,
          WEBHOOK_PORT: String(ports.webhook),
          LEADER_ELECTION: 'false',
        }
      : {}),
  };
}

const b64 = (file: string): string => fs.readFileSync(file).toString('base64');

/** Namespace and the pre-filled webhook server secret (what the chart creates, filled with our certificate). */
async function prepare(kube: Kube, webhook: KeyPair, ca: string): Promise<void> {
  const manifests = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: SECRETS.server, namespace: NAMESPACE },
      type: 'Opaque',
      data: { 'tls.crt': b64(webhook.crt), 'tls.key': b64(webhook.key), 'ca.crt': b64(ca) },
    },
  ];
  await kube.kubectlOk(
    ['apply', '--server-side', '--field-manager=payments-dr-e2e', '-f', '-'],
    manifests.map((m) => JSON.stringify(m)).join('\n'),
  );
}

/** Runs `crossplane core init` to completion (one line with its log's tail if it fails). */
export async function initCrossplane(
  supervisor: Supervisor,
  binary: string,
  kube: Kube,
  pki: Pki,
  kubeconfig: string,
  sourceDir: string,
  ports: CrossplanePorts,
): Promise<void> {
  await prepare(kube, pki.webhook, pki.ca.crt);
  const log = supervisor.logFile('crossplane-init');
  const args = ['core', 'init'];
  // The image ships these folders as /crds and /webhookconfigurations (init's defaults); the
  // flag for the first is spelled --cr-ds-path by kong, so both are given by env.
  const folders = {
    CRDS_PATH: path.join(sourceDir, 'cluster', 'crds'),
    WEBHOOK_CONFIGS_PATH: path.join(sourceDir, 'cluster', 'webhookconfigurations'),
  };
  // On a fresh API server init can fail right after installing the CRDs ("no matches for kind
  // Lock": its REST mapper predates them); in a pod the kubelet restarts the init container.
  // So does this, up to INIT_ATTEMPTS times.
  for (let attempt = 1; ; attempt++) {
    const fd = fs.openSync(log, 'a');
    fs.writeSync(
      fd,
      `# ${new Date().toISOString()} attempt ${attempt}: CRDS_PATH=${folders.CRDS_PATH} ` +
        `WEBHOOK_CONFIGS_PATH=${folders.WEBHOOK_CONFIGS_PATH} ${binary} ${args.join(' ')}\n`,
    );
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn(binary, args, { stdio: ['ignore', fd, fd], env: { ...process.env, ...chartEnv(kubeconfig, ports), ...folders } });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c ?? 1));
    });
    fs.closeSync(fd);
    if (code === 0) {
      if (attempt > 1) say(`  crossplane core init succeeded on attempt ${attempt} (earlier: ${lastError(log)})`);
      break;
    }
    if (attempt >= INIT_ATTEMPTS) throw new E2eError(`crossplane core init exited with code ${code} ${attempt} times: ${describeLog(log)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await pointWebhooksAtLoopback(kube, ports.webhook);
}

/** Re-points every webhook of Crossplane's webhook configurations from the Service to 127.0.0.1. */
async function pointWebhooksAtLoopback(kube: Kube, port: number): Promise<void> {
  const configs = await kube.list('/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations');
  const crossplane = configs.filter((c) => (c.webhooks ?? []).some((w: Json) => w.clientConfig?.service?.name === WEBHOOK_SERVICE));
  if (!crossplane.length)
    throw new E2eError('crossplane core init wrote no webhook configuration for the Service crossplane-webhooks; see its log');
  for (const config of crossplane) {
    const patch = config.webhooks.map((w: Json, i: number) => ({
      op: 'replace',
      path: `/webhooks/${i}/clientConfig`,
      value: { url: `https://127.0.0.1:${port}${w.clientConfig.service.path ?? ''}`, caBundle: w.clientConfig.caBundle },
    }));
    const res = await kube.request(
      'PATCH',
      `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${config.metadata.name}`,
      patch,
      'application/json-patch+json',
    );
    if (res.status !== 200)
      throw new E2eError(`cannot re-point webhook configuration ${config.metadata.name} at 127.0.0.1: HTTP ${res.status}`);
  }
}

/** The root CA (to sign the functions' certificates) and the certificate folders core reads. */
export async function writeCrossplaneCerts(kube: Kube, pki: Pki, root: string): Promise<{ dirs: CrossplaneDirs; rootCa: KeyPair }> {
  const secret = async (name: string): Promise<Record<string, string>> => {
    const s = await kube.get(`/api/v1/namespaces/${NAMESPACE}/secrets/${name}`);
    if (!s?.data) throw new E2eError(`secret ${NAMESPACE}/${name} is missing or empty after crossplane core init`);
    return s.data as Record<string, string>;
  };
  const write = (dir: string, files: Record<string, string>): void => {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const [name, base64] of Object.entries(files))
      fs.writeFileSync(path.join(dir, name), Buffer.from(base64, 'base64'), { mode: 0o600 });
  };
  const dirs = { root, serverCerts: path.join(root, 'tls', 'server'), clientCerts: path.join(root, 'tls', 'client') };
  const ca = await secret(SECRETS.ca);
  const client = await secret(SECRETS.client);
  write(path.join(root, 'tls', 'ca'), { 'tls.crt': ca['tls.crt'], 'tls.key': ca['tls.key'] });
  write(dirs.clientCerts, { 'ca.crt': client['ca.crt'], 'tls.crt': client['tls.crt'], 'tls.key': client['tls.key'] });
  write(dirs.serverCerts, { 'tls.crt': b64(pki.webhook.crt), 'tls.key': b64(pki.webhook.key), 'ca.crt': b64(pki.ca.crt) });
  return { dirs, rootCa: { crt: path.join(root, 'tls', 'ca', 'tls.crt'), key: path.join(root, 'tls', 'ca', 'tls.key') } };
}

/** `crossplane core start`, ready when its health server's /readyz (which includes the webhook server) answers 200. */
export async function startCrossplane(
  supervisor: Supervisor,
  binary: string,
  kubeconfig: string,
  dirs: CrossplaneDirs,
  ports: CrossplanePorts,
  debug: boolean,
): Promise<void> {
  supervisor.start(
    'crossplane',
    binary,
    [
      ...(debug ? ['--debug'] : []),
      'core',
      'start',
      '--package-runtime=External',
      `--metrics-port=${ports.metrics}`,
      `--health-probe-port=${ports.health}`,
      `--xpkg-cache-dir=${path.join(dirs.root, 'cache', 'xpkg')}`,
      `--xfn-cache-dir=${path.join(dirs.root, 'cache', 'xfn')}`,
    ],
    chartEnv(kubeconfig, ports, dirs),
  );
  await waitFor(
    'Crossplane core /readyz',
    120_000,
    () => httpOk(ports.health, '/readyz'),
    supervisor,
    250,
    `see ${supervisor.logFile('crossplane')}`,
  );
}

function httpOk(port: number, urlPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false));
  });
}
