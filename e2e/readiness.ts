/**
 * Why a claim is not Ready, from the real API. The case that matters: every composed resource
 * is Ready, yet the composite stays Ready=False/Creating. function-patch-and-transform v0.10.x
 * does that on purpose: when it skips a resource template because a `policy.fromFieldPath:
 * Required` patch finds no value (fn.go: `if skipped > 0 { desired composite Ready =
 * READY_FALSE }`), it marks the composite NOT ready, on every reconcile. A template skipped
 * forever (e.g. a patch from spec.network.natGatewayZones[1] in single-NAT mode) therefore keeps
 * the XR and its claim from ever becoming Ready. Crossplane reports each skip as a Warning event
 * on the composite ("not adding new composed resource ... because ... Required").
 */
import type { Json, Kube } from './kube';
import { condition, isTrue } from './kube';
import type { ResourceIndex } from './resources';

/**
 * How long everything composed must have been Ready (with the XR still not) before the verdict:
 * over one function TTL (60 s) plus Crossplane's ±10% jitter.
 */
export const NEVER_READY_AFTER_MS = 75_000;

export interface Skip {
  readonly template: string;
  readonly reason: string;
  /** Skipped for a spec.* path that is absent: only a change of the claim can compose it. */
  readonly permanent: boolean;
}

export interface Diagnosis {
  readonly composite: string;
  readonly unready: string[];
  readonly skipped: Skip[];
}

const SKIP = /not adding new composed resource "([^"]+)" to desired state because (.+)$/;

export async function diagnose(kube: Kube, index: ResourceIndex, claim: Json): Promise<Diagnosis | undefined> {
  const ref = claim.spec?.resourceRef;
  if (!ref?.name) return undefined;
  const xr = await kube.get(index.path(ref.apiVersion, ref.kind, ref.name));
  if (!xr) return undefined;
  const unready: string[] = [];
  const composedNames = new Set<string>();
  for (const r of (xr.spec.resourceRefs ?? []) as Json[]) {
    const type = index.find(r.apiVersion, r.kind);
    const obj = type ? await kube.get(index.path(r.apiVersion, r.kind, r.name)) : undefined;
    if (!isTrue(obj, 'Ready')) unready.push(`${r.kind}/${r.name}`);
    const template = obj?.metadata?.annotations?.['crossplane.io/composition-resource-name'];
    if (template) composedNames.add(template);
  }
  // Templates of the XR's Composition that are not composed, with P&T's reason: from its
  // Warning event when the event correlator kept one, else the first Required patch whose path
  // is absent on the live XR (what P&T checks).
  const composition = await kube.get(`/apis/apiextensions.crossplane.io/v1/compositions/${xr.spec.compositionRef?.name}`);
  const templates = ((composition?.spec?.pipeline ?? []) as Json[]).flatMap((step) => (step.input?.resources ?? []) as Json[]);
  const events = await kube.list(`/api/v1/namespaces/default/events?fieldSelector=involvedObject.name=${ref.name},type=Warning`);
  const reasons = new Map<string, string>();
  for (const e of events) {
    const m = String(e.message).match(SKIP);
    if (m) reasons.set(m[1], m[2]);
  }
  // Any other warning that names the template (e.g. the API server refusing to apply it).
  const mentioning = (template: string): string | undefined => {
    const e = events.filter((ev) => String(ev.message).includes(`"${template}"`)).pop();
    return e ? `${e.reason}: ${String(e.message).slice(0, 400)}` : undefined;
  };
  const skipped = templates
    .filter((t) => !composedNames.has(t.name))
    .map((t) => {
      const reason =
        reasons.get(t.name) ?? missingRequired(t, xr) ?? mentioning(t.name) ?? `not composed (the composite is ${syncedText(xr)})`;
      const path = reason.match(/'policy\.fromFieldPath: Required': ([^:]+): no such/)?.[1];
      return { template: t.name as string, reason, permanent: Boolean(path?.startsWith('spec.') && valueAt(xr, path) === undefined) };
    });
  return { composite: `${ref.kind}/${ref.name}`, unready, skipped };
}

function syncedText(xr: Json): string {
  const synced = condition(xr, 'Synced');
  return synced ? `Synced=${synced.status}${synced.message ? `: ${String(synced.message).slice(0, 300)}` : ''}` : 'not Synced yet';
}

/** `a.b[1].c` / `metadata.labels[x/y]` → its value in obj, or undefined. */
function valueAt(obj: unknown, path: string): unknown {
  const parts = path.match(/[^.[\]]+|\[[^\]]*\]/g) ?? [];
  // biome-ignore lint/suspicious/noExplicitAny: walks an untyped document by a field path
  let cur: any = obj;
  for (const raw of parts) {
    const part = raw.startsWith('[') ? raw.slice(1, -1) : raw;
    if (cur === null || cur === undefined) return undefined;
    cur = Array.isArray(cur) && /^\d+$/.test(part) ? cur[Number(part)] : cur[part];
  }
  return cur;
}

function missingRequired(template: Json, xr: Json): string | undefined {
  for (const [i, p] of ((template.patches ?? []) as Json[]).entries()) {
    if (p.policy?.fromFieldPath !== 'Required') continue;
    const paths: string[] = p.fromFieldPath ? [p.fromFieldPath] : ((p.combine?.variables ?? []) as Json[]).map((v) => v.fromFieldPath);
    const missing = paths.find((path) => valueAt(xr, path) === undefined);
    if (missing) return `"${p.type}" patch at index ${i} has 'policy.fromFieldPath: Required': ${missing}: no such element`;
  }
  return undefined;
}

/** P&T's reason for skipping a template held back by a Required patch; its index is kept. */
const REQUIRED_PATCH = /^"\w+" patch at index (\d+) has 'policy.fromFieldPath: Required': /;

/** One line: the composite, what P&T skips and why, and the consequence. */
export function neverReadyMessage(claimId: string, d: Diagnosis, xr?: Json): string {
  const ready = condition(xr, 'Ready');
  const text = (list: Skip[]): string =>
    list.map((s) => `${s.template} (${s.reason.replace(REQUIRED_PATCH, 'Required patch $1: ')})`).join('; ');
  const permanent = d.skipped.filter((s) => s.permanent);
  const pending = d.skipped.filter((s) => !s.permanent);
  return (
    `${claimId} never becomes Ready: all composed resources of ${d.composite} are ` +
    `Ready, but function-patch-and-transform skips ${permanent.length} template(s) ` +
    'whose Required fromFieldPath is a spec field the claim does not set, and therefore marks the ' +
    `composite Ready=False${ready ? ` (${ready.reason})` : ''} on every reconcile: ${text(permanent)}` +
    (pending.length ? ` [also not composed at that moment: ${text(pending)}]` : '')
  );
}

/**
 * Decides, while a wait goes on, that a claim will NEVER be Ready: everything it composed has
 * been Ready for NEVER_READY_AFTER_MS and P&T still skips templates. Checks at most every 10 s.
 */
export class NeverReadyDetector {
  private readonly since = new Map<string, number>();
  private readonly lastCheck = new Map<string, number>();

  constructor(
    private readonly kube: Kube,
    private readonly index: () => Promise<ResourceIndex>,
  ) {}

  async check(claim: Json): Promise<string | undefined> {
    const key = `${claim.kind}/${claim.metadata.namespace}/${claim.metadata.name}`;
    const now = Date.now();
    if (now - (this.lastCheck.get(key) ?? 0) < 10_000) return undefined;
    this.lastCheck.set(key, now);
    const index = await this.index();
    const d = await diagnose(this.kube, index, claim);
    if (!d || d.unready.length || !d.skipped.some((skip) => skip.permanent)) {
      this.since.delete(key);
      return undefined;
    }
    const since = this.since.get(key) ?? now;
    this.since.set(key, since);
    if (now - since < NEVER_READY_AFTER_MS) return undefined;
    const ref = claim.spec.resourceRef;
    return neverReadyMessage(
      `${claim.kind} ${claim.metadata.namespace}/${claim.metadata.name}`,
      d,
      await this.kube.get(index.path(ref.apiVersion, ref.kind, ref.name)),
    );
  }
}
