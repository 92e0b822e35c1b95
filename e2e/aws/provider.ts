/**
 * The real provider-upjet-aws (the monolith tools/provider-aws builds) as a local process of the
 * AWS e2e: its CRDs from the Go module it was built from, a serving certificate for its webhook
 * server, the admin kubeconfig, and a ProviderConfig `default` that sends every service the platform
 * uses to moto with static credentials (replacing dist/'s IRSA one, which needs EKS).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { crdDir as vendoredCrdDir, REPO_ROOT } from '../../engines/crds';
import type { Json } from '../kube';
import { E2eError } from '../log';
import { issue, type Pki } from '../pki';
import type { Supervisor } from '../processes';

const BUILD_TOOLS = path.join(REPO_ROOT, 'scripts', 'build-tools.sh');
export const PROVIDER_MODULE = 'github.com/upbound/provider-aws/v2';
export const CREDENTIALS_SECRET = { namespace: 'crossplane-system', name: 'moto-credentials', key: 'credentials' } as const;

/**
 * Terraform AWS provider endpoint keys (its `endpoints` block) for an API group's service, where
 * they differ: CloudWatch Logs is `logs`; S3 also needs S3 Control (a bucket's tags are read with
 * its ListTagsForResource first).
 */
const ENDPOINT_KEYS: Readonly<Record<string, readonly string[]>> = { cloudwatchlogs: ['logs'], s3: ['s3', 's3control'] };

/**
 * The endpoint key of every service the managed kinds call, plus STS (the provider reads the
 * account id from GetCallerIdentity): each is sent to moto.
 */
export function motoServices(kinds: ReadonlyArray<{ apiVersion: string }>): string[] {
  const services = kinds.map((k) => k.apiVersion.split('.')[0]).flatMap((service) => ENDPOINT_KEYS[service] ?? [service]);
  return [...new Set([...services, 'sts'])].sort();
}

export interface ProviderBuild {
  readonly binary: string;
  readonly version: string;
  /** package/crds of the module the binary was built from. */
  readonly crdDir: string;
}

/** The built monolith, its version and its CRDs; one line naming the build command when it is missing. */
export function findProvider(): ProviderBuild {
  const binary = execFileSync(BUILD_TOOLS, ['--path', 'provider-aws'], { encoding: 'utf8' }).trim();
  const version = path.basename(path.dirname(binary)).replace(/^provider-aws-/, '');
  if (!fs.existsSync(binary))
    throw new E2eError(
      `the provider-aws monolith is not built (${binary}): run scripts/build-tools.sh provider-aws ` +
        '(32-45 min cold on 2 cores, > 8 GB at link; seconds once built)',
    );
  const moduleDir = execFileSync('go', ['list', '-mod=readonly', '-m', '-f', '{{.Dir}}', PROVIDER_MODULE], {
    cwd: path.join(REPO_ROOT, 'tools', 'provider-aws'),
    encoding: 'utf8',
    env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=readonly' },
  }).trim();
  const crdDir = path.join(moduleDir, 'package', 'crds');
  if (!fs.existsSync(crdDir)) throw new E2eError(`${crdDir} is missing: run scripts/build-tools.sh provider-aws`);
  return { binary, version, crdDir };
}

/**
 * The CRD files of the provider's config kinds and of every managed kind the platform uses. A kind
 * in `vendoredKinds` (the paused ones: the provider never reconciles them) gets the vendored CRD
 * dist/ is written against instead: v2.5.0's Table lacks the KMS key selectors the Composition sets,
 * and a composed resource its CRD refuses stops Crossplane from applying any resource of the composite.
 */
export function providerCrdFiles(
  crdDir: string,
  kinds: ReadonlyArray<{ apiVersion: string; kind: string }>,
  vendoredKinds: (apiVersion: string, kind: string) => boolean = () => false,
): string[] {
  const files = fs.readdirSync(crdDir).filter((f) => f.endsWith('.yaml'));
  const byKind = new Map<string, string>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(crdDir, file), 'utf8');
    const group = /^\s+group: (\S+)$/m.exec(text)?.[1];
    const kind = /^\s+kind: (\S+)$/m.exec(text.slice(text.indexOf('names:')))?.[1];
    if (group && kind) byKind.set(`${group}|${kind}`, path.join(crdDir, file));
  }
  const wanted = new Set(files.filter((f) => f.startsWith('aws.upbound.io_')).map((f) => path.join(crdDir, f)));
  for (const { apiVersion, kind } of kinds) {
    const file = byKind.get(`${apiVersion.split('/')[0]}|${kind}`);
    if (!file) throw new E2eError(`the provider's ${crdDir} has no CRD for ${kind} (${apiVersion})`);
    const vendored = path.join(vendoredCrdDir(), 'provider-aws', path.basename(file));
    wanted.add(vendoredKinds(apiVersion, kind) && fs.existsSync(vendored) ? vendored : file);
  }
  return [...wanted].sort();
}

/**
 * Copies the provider's CRDs to `dir`, each one with more than one version converted by the
 * provider's own webhook server (https://127.0.0.1:<port>/convert, serving the certificate
 * startProvider issues) — what Crossplane's package manager does when it installs a provider. Without
 * it the API server relabels objects between versions field by field and, e.g., an ACM Certificate
 * the provider writes in its storage version v1beta1 cannot be read as the v1beta2 Crossplane composes.
 */
export function writeCrdsWithConversion(files: readonly string[], dir: string, caFile: string, webhookPort: number): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const caBundle = fs.readFileSync(caFile).toString('base64');
  return files.map((file) => {
    const crd = parse(fs.readFileSync(file, 'utf8')) as Json;
    // A vendored CRD (a paused kind) is written and read in its storage version only.
    if (crd.spec.versions.length > 1 && !file.startsWith(vendoredCrdDir()))
      crd.spec.conversion = {
        strategy: 'Webhook',
        webhook: { clientConfig: { url: `https://127.0.0.1:${webhookPort}/convert`, caBundle }, conversionReviewVersions: ['v1'] },
      };
    const target = path.join(dir, path.basename(file));
    fs.writeFileSync(target, stringify(crd));
    return target;
  });
}

/** The ProviderConfig and credentials Secret that point the provider at moto. */
export function motoProviderConfig(endpoint: string, services: readonly string[]): Json[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: CREDENTIALS_SECRET.name, namespace: CREDENTIALS_SECRET.namespace },
      stringData: { [CREDENTIALS_SECRET.key]: '[default]\naws_access_key_id = AKIAMOTOE2E000000000\naws_secret_access_key = moto\n' },
    },
    {
      apiVersion: 'aws.upbound.io/v1beta1',
      kind: 'ProviderConfig',
      metadata: { name: 'default' },
      spec: {
        credentials: { source: 'Secret', secretRef: { ...CREDENTIALS_SECRET } },
        endpoint: { url: { type: 'Static', static: endpoint }, services: [...services], hostnameImmutable: true },
        skip_credentials_validation: true,
        skip_metadata_api_check: true,
        skip_region_validation: true,
        skip_requesting_account_id: true,
        s3_use_path_style: true,
      },
    },
  ];
}

export interface ProviderPorts {
  readonly webhook: number;
  readonly metrics: number;
  readonly health: number;
}

/** Starts the monolith against the API server; debug logs, so each reconcile leaves a line. */
export function startProvider(
  supervisor: Supervisor,
  build: ProviderBuild,
  pki: Pki,
  kubeconfig: string,
  workDir: string,
  ports: ProviderPorts,
): void {
  const certs = path.join(workDir, 'provider-certs');
  const serving = issue(certs, pki.ca, 'provider-webhook', '/CN=provider-aws', 'serverAuth', ['127.0.0.1'], ['localhost']);
  fs.copyFileSync(serving.crt, path.join(certs, 'tls.crt'));
  fs.copyFileSync(serving.key, path.join(certs, 'tls.key'));
  supervisor.start(
    'provider-aws',
    build.binary,
    [
      '--debug',
      `--certs-dir=${certs}`,
      `--webhook-port=${ports.webhook}`,
      `--metrics-bind-address=127.0.0.1:${ports.metrics}`,
      `--health-probe-bind-addr=127.0.0.1:${ports.health}`,
      '--max-reconcile-rate=20',
      // The drift check every minute (default 10m): the e2e's reconcile rounds are these polls.
      '--poll=1m',
    ],
    { KUBECONFIG: kubeconfig },
  );
}
