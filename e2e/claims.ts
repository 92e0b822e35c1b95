/**
 * The claims in dist/ and what Crossplane made of them, read from the real API: each claim bound
 * to its composite (claim.spec.resourceRef ↔ XR.spec.claimRef), every composed resource present,
 * served by its CRD at the storage version, named `{type}-{region}-{env}`, labelled with the
 * project's labels, and (where the kind has one) `spec.forProvider.region` matching its region.
 */
import type { SyncReport } from './argocd-sync';
import type { Json, Kube } from './kube';
import { condition, isTrue } from './kube';
import { E2eError, say } from './log';
import { groupOf, type Platform } from './platform';
import { waitFor, type Supervisor } from './processes';
import type { NeverReadyDetector } from './readiness';
import { unmatchedSelectors } from './references';
import { ResourceIndex } from './resources';

export const CLAIM_GROUP = 'payments-dr.io';
export const LABELS = {
  environment: 'payments-dr.io/environment',
  region: 'payments-dr.io/region',
  component: 'payments-dr.io/component',
} as const;

export interface Claim {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly manifest: Json;
}

export interface ClaimTiming {
  readonly claim: Claim;
  readonly applyToReadyMs: number;
}

export interface ComposedSummary {
  readonly claim: Claim;
  readonly composite: string;
  readonly resources: number;
  readonly managed: number;
  readonly kinds: Map<string, number>;
}

export function claimsOf(platform: Platform): Claim[] {
  return platform.units
    .filter((u) => u.folder !== 'dist/platform')
    .flatMap((u) => u.manifests)
    .filter((o) => groupOf(o.apiVersion) === CLAIM_GROUP && o.metadata?.namespace)
    .map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, manifest: o }));
}

async function getClaim(kube: Kube, index: ResourceIndex, claim: Claim): Promise<Json | undefined> {
  return kube.get(index.path(claim.apiVersion, claim.kind, claim.name, claim.namespace));
}

/** When each claim was applied (the last apply the sync made of it). */
export const appliedAtBySync =
  (sync: SyncReport) =>
  (claim: Claim): number | undefined =>
    [...sync.applied].reverse().find((a) => a.kind === claim.kind && a.name === claim.name && a.namespace === claim.namespace)?.appliedAt;

export interface ReadyResult {
  readonly timings: ClaimTiming[];
  /** Claims found never to become Ready, with the diagnosis (see readiness.ts). */
  readonly never: Map<Claim, string>;
}

/**
 * Waits until every claim is Synced and Ready; apply → READY from the Ready condition's
 * transition time. With a detector, a claim found never to become Ready is reported, not waited for.
 */
export async function waitClaimsReady(
  kube: Kube,
  claims: readonly Claim[],
  appliedAt: (claim: Claim) => number | undefined,
  timeoutMs: number,
  supervisor: Supervisor,
  detector?: NeverReadyDetector,
): Promise<ReadyResult> {
  const index = await ResourceIndex.load(kube);
  const timings: ClaimTiming[] = [];
  const never = new Map<Claim, string>();
  for (const claim of claims) {
    const live = await waitFor(
      `${claim.kind} ${claim.namespace}/${claim.name} to be Synced and Ready`,
      timeoutMs,
      async () => {
        const obj = await getClaim(kube, index, claim);
        if (isTrue(obj, 'Ready') && isTrue(obj, 'Synced')) return obj;
        const verdict = obj && detector ? await detector.check(obj) : undefined;
        if (verdict) never.set(claim, verdict);
        return verdict ? { never: true } : undefined;
      },
      supervisor,
      500,
    );
    if (never.has(claim)) {
      say(`DEFECT ${never.get(claim)}`);
      continue;
    }
    const applied = appliedAt(claim);
    // Ready's lastTransitionTime has 1 s resolution: round the apply time down to match.
    const readyAt = Date.parse(condition(live, 'Ready')!.lastTransitionTime);
    timings.push({ claim, applyToReadyMs: applied === undefined ? NaN : Math.max(0, readyAt - Math.floor(applied / 1000) * 1000) });
  }
  return { timings, never };
}

/** `allManaged`: every managed resource there is (the candidates selectors may match). */
export async function checkClaims(kube: Kube, claims: readonly Claim[], allManaged: () => Json[]): Promise<ComposedSummary[]> {
  const index = await ResourceIndex.load(kube);
  const crds = new Map(
    (await kube.list('/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).map((crd) => [
      `${crd.spec.group}|${crd.spec.names.kind}`,
      crd,
    ]),
  );
  // Region suffix → AWS region, from the region claims themselves.
  const regions = new Map(
    claims
      .filter((c) => c.manifest.spec?.regionSuffix)
      .map((c) => [c.manifest.spec.regionSuffix as string, c.manifest.spec.region as string]),
  );
  const problems: string[] = [];
  const notes: string[] = [];
  const summaries: ComposedSummary[] = [];
  for (const claim of claims) {
    const id = `${claim.kind} ${claim.namespace}/${claim.name}`;
    const live = await getClaim(kube, index, claim);
    const ref = live?.spec?.resourceRef;
    if (!ref?.name) {
      problems.push(`${id}: not bound (no spec.resourceRef)`);
      continue;
    }
    const xr = await kube.get(index.path(ref.apiVersion, ref.kind, ref.name));
    const back = xr?.spec?.claimRef;
    if (!xr || back?.name !== claim.name || back?.namespace !== claim.namespace || back?.kind !== claim.kind) {
      problems.push(`${id}: composite ${ref.kind} ${ref.name} ${xr ? `points back at ${JSON.stringify(back)}` : 'does not exist'}`);
      continue;
    }
    const env = claim.manifest.spec.environmentSuffix as string;
    const refs = (xr.spec.resourceRefs ?? xr.spec.crossplane?.resourceRefs ?? []) as Json[];
    const kinds = new Map<string, number>();
    const managedObjects: Json[] = [];
    let managed = 0;
    for (const r of refs) {
      kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      const what = `${id} → ${r.kind} ${r.name}`;
      const type = index.find(r.apiVersion, r.kind);
      const obj = type ? await kube.get(index.path(r.apiVersion, r.kind, r.name)) : undefined;
      if (!obj) {
        problems.push(`${what}: missing`);
        continue;
      }
      const owner = (obj.metadata.ownerReferences ?? []).find((o: Json) => o.controller);
      if (owner?.uid !== xr.metadata.uid) problems.push(`${what}: not controlled by ${ref.kind} ${ref.name}`);
      const labels = obj.metadata.labels ?? {};
      if (labels[LABELS.environment] !== env)
        problems.push(`${what}: label ${LABELS.environment}=${labels[LABELS.environment]}, want ${env}`);
      if (!labels[LABELS.component]) problems.push(`${what}: no ${LABELS.component} label`);
      const region = labels[LABELS.region] as string | undefined;
      if (!region || !regions.has(region))
        problems.push(`${what}: label ${LABELS.region}=${region}, want one of ${[...regions.keys()].join('/')}`);
      if (claim.manifest.spec.regionSuffix && region !== claim.manifest.spec.regionSuffix)
        problems.push(`${what}: label ${LABELS.region}=${region} in the ${claim.manifest.spec.regionSuffix} claim`);
      if (region && !new RegExp(`^[a-z0-9][a-z0-9-]*-${region}-${env}$`).test(r.name))
        problems.push(`${what}: name is not {type}-${region}-${env}`);
      if (!/(^|\.)aws\.upbound\.io$/.test(type!.group)) continue;
      managed++;
      managedObjects.push(obj);
      const crd = crds.get(`${type!.group}|${r.kind}`);
      const storage = (crd?.spec.versions ?? []).find((v: Json) => v.storage)?.name;
      if (`${type!.group}/${storage}` !== r.apiVersion)
        problems.push(`${what}: composed at ${r.apiVersion}, the CRD stores ${type!.group}/${storage}`);
      const hasRegion = Boolean(storageSchema(crd)?.properties?.spec?.properties?.forProvider?.properties?.region);
      const want = region ? regions.get(region) : undefined;
      const actual = obj.spec?.forProvider?.region;
      if (hasRegion && actual !== want) {
        // Route 53 publishes health-check metrics in us-east-1 only: an alarm on them lives there
        // whichever region's health check it watches (DESIGN.md §4).
        if (r.kind === 'MetricAlarm' && obj.spec.forProvider.namespace === 'AWS/Route53' && actual === 'us-east-1')
          notes.push(`${r.kind} ${r.name} (region label ${region}) lives in us-east-1: Route 53 metrics exist only there`);
        else problems.push(`${what}: spec.forProvider.region=${actual}, want ${want}`);
      }
    }
    for (const p of unmatchedSelectors(managedObjects, allManaged()))
      problems.push(
        `${id} → ${p.resource}: ${p.field} ${JSON.stringify(p.selector)} matches no managed resource (a provider could not resolve it)`,
      );
    summaries.push({ claim, composite: `${ref.kind}/${ref.name}`, resources: refs.length, managed, kinds });
    say(
      `${id} ↔ ${ref.kind} ${ref.name}: ${refs.length} composed resources ` +
        `(${managed} managed), ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`,
    );
  }
  notes.forEach((n) => say(`  note: ${n}`));
  if (problems.length) {
    problems.forEach((p) => say(`  PROBLEM ${p}`));
    throw new E2eError(`${problems.length} problem(s) in what Crossplane composed, first: ${problems[0]}`);
  }
  return summaries;
}

function storageSchema(crd: Json | undefined): Json | undefined {
  return (crd?.spec.versions ?? []).find((v: Json) => v.storage)?.schema?.openAPIV3Schema;
}
