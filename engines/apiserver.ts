/**
 * A scratch Kubernetes API for custom resources: etcd and apiextensions-apiserver on 127.0.0.1
 * (client-certificate auth, nothing beyond loopback). Flags follow upstream's own integration
 * fixture (apiextensions-apiserver test/integration/fixtures/server.go): a kubeconfig for the
 * delegated authn/authz and core API that is never reachable, no authentication configmap lookup,
 * no priority-and-fairness, and the admission plugins that need a kube-apiserver disabled. It
 * serves CRDs and custom resources only (no Namespaces, ConfigMaps, RBAC: those kinds are checked
 * by `crossplane resource validate`'s strict decoding into the Kubernetes Go types).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as path from 'node:path';
import { EngineError } from './errors';
import { makePki, type Pki } from './pki';
import { startEngine, type EngineProcess } from './processes';
import { toolPath } from './tools';
import type { Json } from './yaml';

const FAKE_KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster: {server: 'https://127.0.0.1:1'}
  name: unused
contexts:
- context: {cluster: unused, user: unused}
  name: unused
current-context: unused
users:
- name: unused
  user: {token: unused}
`;

export interface ApiResponse {
  readonly status: number;
  readonly body: Json;
}

export interface CrdInfo {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  readonly versions: readonly string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The message of a failed request: the Status message, or the start of the body. */
export function statusMessage(response: ApiResponse): string {
  const body = response.body;
  if (typeof body?.message === 'string') return body.message;
  return `HTTP ${response.status} ${JSON.stringify(body).slice(0, 300)}`;
}

export class ApiServer {
  private readonly agent: https.Agent;
  private readonly served = new Map<string, CrdInfo>();

  private constructor(
    private readonly etcd: EngineProcess,
    private readonly apiserver: EngineProcess,
    pki: Pki,
  ) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      ca: fs.readFileSync(pki.caCert),
      cert: fs.readFileSync(pki.clientCert),
      key: fs.readFileSync(pki.clientKey),
    });
  }

  get url(): string {
    return `https://127.0.0.1:${this.apiserver.port}`;
  }

  /** Starts etcd, then the API server, and waits for /readyz (minus informer-sync: see README). */
  static async start(workDir: string): Promise<ApiServer> {
    const etcdBinary = toolPath('etcd');
    const apiserverBinary = toolPath('apiextensions-apiserver');
    fs.mkdirSync(workDir, { recursive: true });
    const pki = await makePki(path.join(workDir, 'pki'));
    const kubeconfig = path.join(workDir, 'fake.kubeconfig');
    fs.writeFileSync(kubeconfig, FAKE_KUBECONFIG);
    const etcd = await startEngine({
      name: 'etcd',
      binary: etcdBinary,
      workDir,
      extraPorts: 1,
      args: (port, [peer]) => [
        '--name=scratch',
        `--data-dir=${path.join(workDir, 'etcd-data')}`,
        `--listen-client-urls=http://127.0.0.1:${port}`,
        `--advertise-client-urls=http://127.0.0.1:${port}`,
        `--listen-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
        `--initial-cluster=scratch=http://127.0.0.1:${peer}`,
        '--listen-metrics-urls=',
        '--unsafe-no-fsync',
        '--log-level=warn',
      ],
      ready: async (port) => (await plainGet(`http://127.0.0.1:${port}/health`)).includes('"health":"true"'),
    });
    try {
      const probeAgent = new https.Agent({
        ca: fs.readFileSync(pki.caCert),
        cert: fs.readFileSync(pki.clientCert),
        key: fs.readFileSync(pki.clientKey),
      });
      const apiserver = await startEngine({
        name: 'apiextensions-apiserver',
        binary: apiserverBinary,
        workDir,
        timeoutSeconds: 120,
        args: (port) => [
          `--etcd-servers=http://127.0.0.1:${etcd.port}`,
          '--etcd-prefix=/payments-dr',
          '--bind-address=127.0.0.1',
          `--secure-port=${port}`,
          `--tls-cert-file=${pki.serverCert}`,
          `--tls-private-key-file=${pki.serverKey}`,
          `--client-ca-file=${pki.caCert}`,
          '--authentication-skip-lookup',
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          `--kubeconfig=${kubeconfig}`,
          '--enable-priority-and-fairness=false',
          '--disable-admission-plugins=NamespaceLifecycle,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy',
        ],
        // The Service informer of the (unreachable) core API never syncs; it only serves
        // conversion-webhook lookups, which no vendored CRD uses.
        ready: async (port) => (await httpsStatus(`https://127.0.0.1:${port}/readyz?exclude=informer-sync`, probeAgent)) === 200,
      });
      probeAgent.destroy();
      return new ApiServer(etcd, apiserver, pki);
    } catch (error) {
      await etcd.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.agent.destroy();
    await this.apiserver.stop();
    await this.etcd.stop();
  }

  request(method: string, urlPath: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        `https://127.0.0.1:${this.apiserver.port}${urlPath}`,
        {
          method,
          agent: this.agent,
          headers: { Accept: 'application/json', ...(payload !== undefined ? { 'Content-Type': contentType } : {}) },
          timeout: 120_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => {
            let parsed: Json;
            try {
              parsed = text ? JSON.parse(text) : {};
            } catch {
              parsed = { message: text.trim().slice(0, 500) };
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
      req.on('error', (error) => reject(new EngineError('apiextensions-apiserver', `${method} ${urlPath}: ${error.message}`)));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** The served custom kind of group/kind, once its CRD is installed. */
  crdFor(group: string, kind: string): CrdInfo | undefined {
    return this.served.get(`${group}/${kind}`);
  }

  /**
   * Creates a CRD and waits until it is Established and its resource is served. Returns the
   * server's refusal message when it does not accept the CRD (e.g. a non-structural schema).
   */
  async installCrd(crd: Json): Promise<string | undefined> {
    const name = crd.metadata?.name;
    const body = structuredClone(crd);
    delete body.metadata.ownerReferences;
    delete body.metadata.resourceVersion;
    delete body.metadata.uid;
    delete body.status;
    const created = await this.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions?fieldValidation=Strict', body);
    if (created.status === 409) {
      // Installed already (another document defines the same CRD): wait for it like a new one.
    } else if (created.status !== 201) {
      return statusMessage(created);
    }
    const deadline = Date.now() + 120_000;
    let established = false;
    while (Date.now() < deadline) {
      const got = await this.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const conditions: Json[] = got.body?.status?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) {
        established = true;
        break;
      }
      const refused = conditions.find((c) => c.type === 'NamesAccepted' && c.status === 'False');
      if (refused) return `CRD ${name} names not accepted: ${refused.message}`;
      await sleep(100);
    }
    if (!established) return `CRD ${name} was not Established within 120s`;
    const served = crd.spec.versions.filter((v: Json) => v.served).map((v: Json) => v.name as string);
    const info: CrdInfo = {
      group: crd.spec.group,
      kind: crd.spec.names.kind,
      plural: crd.spec.names.plural,
      namespaced: crd.spec.scope === 'Namespaced',
      versions: served,
    };
    // Serving the new resource can lag a moment behind Established.
    while (Date.now() < deadline && served.length) {
      const list = await this.request('GET', `/apis/${info.group}/${served[0]}/${info.plural}?limit=1`);
      if (list.status === 200) break;
      await sleep(100);
    }
    this.served.set(`${info.group}/${info.kind}`, info);
    return undefined;
  }

  /** The URL path of an object of an installed CRD, or undefined when its kind is not served. */
  objectPath(object: Json, namespace: string): string | undefined {
    const [group, version] = String(object.apiVersion).includes('/')
      ? String(object.apiVersion).split('/')
      : ['', String(object.apiVersion)];
    const info = this.crdFor(group, object.kind);
    if (!info) return undefined;
    const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
    return `/apis/${group}/${version}${ns}/${info.plural}/${encodeURIComponent(String(object.metadata?.name ?? ''))}`;
  }

  /** Server-side apply with fieldValidation=Strict (dry-run or stored), on the object or a subresource. */
  apply(objectPath: string, object: Json, options: { dryRun: boolean; subresource?: 'status' }): Promise<ApiResponse> {
    const query = `fieldManager=payments-dr&fieldValidation=Strict&force=true${options.dryRun ? '&dryRun=All' : ''}`;
    return this.request(
      'PATCH',
      `${objectPath}${options.subresource ? `/${options.subresource}` : ''}?${query}`,
      object,
      'application/apply-patch+yaml',
    );
  }

  /** Deletes a CRD (and with it every object of its kind) and waits until it is gone. */
  async deleteCrd(name: string): Promise<void> {
    await this.request('DELETE', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if ((await this.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`)).status === 404) break;
      await sleep(100);
    }
    for (const [key, info] of this.served) if (`${info.plural}.${info.group}` === name) this.served.delete(key);
  }

  delete(objectPath: string): Promise<ApiResponse> {
    return this.request('DELETE', objectPath);
  }
}

function httpsStatus(url: string, agent: https.Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(url, { agent, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
  });
}

function plainGet(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', () => resolve(''));
    req.on('timeout', () => req.destroy());
  });
}
