/**
 * The AWS e2e's steps: the control plane with the real provider against moto, one environment of
 * dist/ applied, convergence, N forced reconciles with moto's request log read, a switchover on
 * moto's side and N more, then every claim deleted and moto's inventory compared with before.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPLICATED_SECRETS } from '../../compositions/payment-global/secrets';
import { ArgoStyleSync, skipReason } from '../argocd-sync';
import { CLAIM_GROUP, claimsOf } from '../claims';
import { ControlPlane } from '../control-plane';
import type { Json } from '../kube';
import { isInside, onInterrupt } from '../isolation';
import { E2eError, say, seconds } from '../log';
import { type Platform, groupOf, readPlatform } from '../platform';
import { ephemeralPort, type Ports } from '../ports';
import { waitFor } from '../processes';
import { ResourceIndex, type ResourceType } from '../resources';
import type { Tools } from '../tools';
import { driftDiffs, pollRound, type DriftContext, type Round } from './drift';
import { listManaged, type Managed } from './managed';
import { gapOf, MOTO_DIFFS, OUT_OF_RUN, withMotoAdaptations } from './moto-gaps';
import { MOTO_ACCOUNT_ID, Moto } from './moto';
import { Inventory } from './inventory';
import { printConvergence, printDeletion, printRounds } from './report';
import { findProvider, motoProviderConfig, motoServices, providerCrdFiles, startProvider, writeCrdsWithConversion } from './provider';

export interface AwsScenarioOptions {
  readonly repoRoot: string;
  readonly distDir: string;
  readonly environment: string;
  readonly workDir: string;
  readonly logDir: string;
  readonly tools: Tools;
  readonly ports: Ports;
  readonly crossplaneSource: string;
  readonly rounds: number;
  readonly timeoutMs: number;
  readonly keep: boolean;
  readonly debug: boolean;
}

const REGIONS = ['us-east-1', 'us-west-2'];

/** Every `awsAccountId` in a claim set to moto's account (the account the claims would name there). */
function inMotoAccount(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inMotoAccount);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'awsAccountId' ? MOTO_ACCOUNT_ID : inMotoAccount(v)]));
}

/**
 * dist/ for one environment on moto: its ProviderConfig points at moto, the claims name moto's
 * account, the gap kinds compose paused and the kinds moto keeps a diff on compose without Update.
 */
export function platformOnMoto(platform: Platform, environment: string, endpoint: string): ReturnType<typeof withMotoAdaptations> {
  const units = platform.units
    .filter((u) => u.folder === 'dist/platform' || u.folder.startsWith(`dist/${environment}/`))
    .map((unit) => ({
      ...unit,
      manifests: unit.manifests.flatMap((obj) => {
        if (groupOf(obj.apiVersion) === CLAIM_GROUP) return [inMotoAccount(obj) as Json];
        if (obj.kind !== 'ProviderConfig' || groupOf(obj.apiVersion) !== 'aws.upbound.io') return [obj];
        return motoProviderConfig(endpoint, motoServices(platform.managedKinds)).map((o) => ({
          ...o,
          metadata: {
            ...o.metadata,
            annotations: { 'argocd.argoproj.io/sync-wave': obj.metadata.annotations?.['argocd.argoproj.io/sync-wave'] },
          },
        }));
      }),
    }));
  if (units.length < 2) throw new E2eError(`dist/ has no units for the environment "${environment}"`);
  return withMotoAdaptations({ ...platform, units });
}

/**
 * The hosted zones the claims name (spec.dns.hostedZoneId): the account has them before the
 * platform, nothing composes them. The failover domain is api-<env>.<zone name>.
 */
export function hostedZones(platform: Platform): Array<{ id: string; name: string }> {
  const zones = new Map<string, string>();
  for (const claim of claimsOf(platform)) {
    const dns = claim.manifest.spec?.dns;
    if (dns?.hostedZoneId && dns.failoverDomain) zones.set(dns.hostedZoneId, String(dns.failoverDomain).split('.').slice(1).join('.'));
  }
  return [...zones].map(([id, name]) => ({ id, name }));
}

/**
 * The Kubernetes Secrets an operator creates before the first sync (docs/operations.md): every
 * replicated secret's source except the master password, which the Aurora cluster writes itself.
 */
export function operatorSecrets(environment: string): Json[] {
  return REPLICATED_SECRETS.filter((secret) => secret.name !== 'db-credentials').map((secret) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secret.kubernetesSecret.replace('%s', environment), namespace: 'crossplane-system' },
    stringData: { [secret.key]: secret.key === 'secrets' ? '["whsec_e2e_aws"]' : randomBytes(18).toString('base64url') },
  }));
}

interface Convergence {
  readonly managed: Managed[];
  readonly ms: number;
  readonly converged: boolean;
}

/**
 * Inside the private network namespace the host's resolver (/etc/resolv.conf) is unreachable: its
 * address is added to the namespace's loopback, where moto_runner.py answers every name with
 * 127.0.0.1. The provider resolves through /etc/resolv.conf like any Go program built without cgo.
 */
function loopbackResolver(): string {
  const nameserver = /^nameserver\s+(\d+\.\d+\.\d+\.\d+)/m.exec(fs.readFileSync('/etc/resolv.conf', 'utf8'))?.[1] ?? '127.0.0.53';
  if (nameserver !== '127.0.0.1') execFileSync('ip', ['addr', 'add', `${nameserver}/32`, 'dev', 'lo']);
  return nameserver;
}

const STALL_MS = 180_000;

/**
 * Waits until every MR that is not paused is Ready and Synced and no new MR appeared for 30 s —
 * or until nothing became Ready for 3 minutes (then the rest never will: their messages say why).
 */
async function waitConverged(plane: ControlPlane, types: readonly ResourceType[], since: number, timeoutMs: number): Promise<Convergence> {
  let managed: Managed[] = [];
  let count = -1;
  let stableSince = Date.now();
  let lastSay = 0;
  let done = -1;
  let progressAt = Date.now();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    plane.supervisor.check();
    managed = await listManaged(plane.kube, types);
    if (managed.length !== count) [count, stableSince] = [managed.length, Date.now()];
    const active = managed.filter((m) => !m.paused);
    const ready = active.filter((m) => m.ready && m.synced).length;
    if (ready !== done) [done, progressAt] = [ready, Date.now()];
    if (Date.now() - lastSay > 30_000) {
      lastSay = Date.now();
      const paused = managed.length - active.length;
      say(`${ready}/${active.length} MRs Ready and Synced (${paused} paused), ${seconds(Date.now() - since)}`);
    }
    if (active.length && ready === active.length && Date.now() - stableSince >= 30_000)
      return { managed, ms: Date.now() - since, converged: true };
    if (Date.now() - progressAt > STALL_MS && Date.now() - stableSince > STALL_MS) {
      say(`no MR became Ready for ${STALL_MS / 60_000} minutes: the other ${active.length - ready} will not`);
      return { managed, ms: Date.now() - since, converged: false };
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
  return { managed, ms: Date.now() - since, converged: false };
}

/** Waits until no MR is left; returns those still there at the timeout. */
async function waitDeleted(plane: ControlPlane, types: readonly ResourceType[], timeoutMs: number): Promise<Managed[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    plane.supervisor.check();
    const left = await listManaged(plane.kube, types);
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

export async function runAwsScenario(options: AwsScenarioOptions): Promise<number> {
  const started = Date.now();
  const build = findProvider();
  const moto = { api: await ephemeralPort(), control: await ephemeralPort() };
  const providerPorts = { webhook: await ephemeralPort(), metrics: await ephemeralPort(), health: await ephemeralPort() };
  const dist = readPlatform(options.repoRoot, options.distDir);
  const kinds = dist.managedKinds.filter((k) => !k.kind.endsWith('Usage'));
  const crdSources = providerCrdFiles(build.crdDir, kinds, (apiVersion, kind) => gapOf(apiVersion, kind) !== undefined);
  const crdDir = path.join(options.workDir, 'provider-crds');
  const crdFiles = crdSources.map((f) => path.join(crdDir, path.basename(f)));
  say(`provider-aws ${build.version} (${build.binary}); ${crdFiles.length} of its CRDs from ${build.crdDir}`);
  const plane = new ControlPlane({
    ...options,
    functions: dist.functions,
    providerCrds: { files: crdFiles, source: `provider-aws ${build.version} package/crds, converted by its webhook` },
  });
  writeCrdsWithConversion(crdSources, crdDir, plane.pki.ca.crt, providerPorts.webhook);
  let ok = false;
  let interrupted = false;
  onInterrupt((why) => {
    if (interrupted) return;
    interrupted = true;
    say(`${why}: stopping the control plane, moto and the provider (logs kept in ${options.logDir})`);
    void plane.stop().finally(() => process.exit(130));
  });
  try {
    const coldStart = Date.now();
    await plane.start(true);
    say(`control plane up in ${seconds(Date.now() - coldStart)}`);
    const aws = await Moto.start(plane.supervisor, moto, options.workDir, isInside() ? loopbackResolver() : undefined);
    const { platform, paused, noUpdate } = platformOnMoto(dist, options.environment, aws.providerEndpoint);
    for (const zone of hostedZones(platform)) await aws.existingHostedZone(zone.id, zone.name);
    const inventory = await Inventory.baseline(aws, motoServices(kinds), REGIONS);
    say(
      `moto on ${aws.endpoint} (account 000000000000); ${inventory.baselineSize} resources before the run (its defaults, the hosted zone)`,
    );
    startProvider(plane.supervisor, build, plane.pki, plane.adminKubeconfig, options.workDir, providerPorts);
    const ready = async () => (await fetch(`http://127.0.0.1:${providerPorts.health}/readyz`, { signal: AbortSignal.timeout(5000) })).ok;
    await waitFor('provider-aws ready (/readyz: its webhook server serving)', 180_000, ready, plane.supervisor, 1000);
    const providerLog = plane.supervisor.logFile('provider-aws');

    say(`paused (moto or this provider build cannot serve them): ${paused.length} templates — ${Object.keys(OUT_OF_RUN).join(', ')}`);
    say(`without Update (moto keeps a diff on them): ${noUpdate.length} templates — ${Object.keys(MOTO_DIFFS).join(', ')}`);
    const sync = new ArgoStyleSync(plane.kube, platform, plane.supervisor, options.timeoutMs);
    const isPlatform = (u: { folder: string }): boolean => u.folder === 'dist/platform';
    await sync.syncAll(isPlatform);
    await sync.apply('operator secrets', operatorSecrets(options.environment));
    const applyStart = Date.now();
    for (const unit of platform.units.filter((u) => !isPlatform(u)))
      await sync.apply(unit.application, unit.manifests.filter((o) => !skipReason(o)) as Json[]);
    const index = await ResourceIndex.load(plane.kube);
    const types = kinds.map(({ apiVersion, kind }) => index.find(apiVersion, kind)).filter((t): t is ResourceType => Boolean(t));
    const convergence = await waitConverged(plane, types, applyStart, options.timeoutMs);
    const claimsTable = await plane.kube.kubectlOk(['get', 'paymentregions,paymentglobals', '-n', 'payments-dr']);
    printConvergence(convergence, claimsTable);

    const kindIndex = new Map(types.map((t) => [`${t.group}|${t.kind.toLowerCase()}`, t]));
    const ctx: DriftContext = {
      moto: aws,
      supervisor: plane.supervisor,
      providerLog,
      kinds: kindIndex,
      timeoutMs: options.timeoutMs,
    };
    const converged = convergence.managed.filter((m) => !m.paused && m.ready && m.synced);
    const rounds: Round[] = [];
    for (let r = 1; r <= options.rounds; r++) rounds.push(await pollRound(ctx, `converged round ${r}`, converged));

    const global = converged.find((m) => m.type.kind === 'GlobalCluster');
    if (global) {
      const writer = await aws.switchover(global.identifiers[0], 'us-west-2');
      say(`switchover on moto's side: ${JSON.stringify(writer)}`);
      for (let r = 1; r <= options.rounds; r++) rounds.push(await pollRound(ctx, `after switchover round ${r}`, converged));
    }
    printRounds(rounds);

    const deleteStart = Date.now();
    for (const unit of [...platform.units].reverse().filter((u) => !isPlatform(u)))
      for (const obj of unit.manifests.filter((o) => !skipReason(o)))
        await plane.kube.kubectl([
          'delete',
          '--wait=false',
          '--ignore-not-found',
          `${obj.kind}.${groupOf(obj.apiVersion)}`,
          obj.metadata.name,
          ...(obj.metadata.namespace ? ['-n', obj.metadata.namespace] : []),
        ]);
    const left = await waitDeleted(plane, types, options.timeoutMs);
    const leftovers = await inventory.since(aws);
    printDeletion(left, leftovers, Date.now() - deleteStart);

    const mutating = rounds.reduce((n, r) => n + r.offenders.length, 0);
    const drift = rounds.reduce((n, r) => n + driftDiffs(r.diffs).length, 0);
    ok = convergence.converged && mutating === 0 && drift === 0 && left.length === 0 && leftovers.length === 0;
    say(`${ok ? 'PASSED' : 'FAILED'} in ${seconds(Date.now() - started)}`);
    return ok ? 0 : 1;
  } finally {
    await plane.stop().catch(() => undefined);
    plane.kube.close();
    if (ok && !options.keep) fs.rmSync(options.workDir, { recursive: true, force: true });
    else say(`logs kept in ${options.logDir}`);
  }
}
