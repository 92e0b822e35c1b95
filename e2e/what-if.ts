/**
 * WHAT-IF (not dist/). When a claim from dist/ can never be Ready because P&T skips templates
 * gated by `policy.fromFieldPath: Required` on optional list slots (see readiness.ts), the e2e
 * fills those slots on the live claims — every NAT zone (natMode per-az), every alert e-mail
 * slot, every Aurora instance slot, up to the XRD's maxItems — with `kubectl patch`, so P&T
 * skips nothing. If the claims then become READY, nothing else in the chain (two-phase patches,
 * XR status, claim status, printer columns) keeps them from it. Argo CD's self-heal would undo
 * such a patch; it exists only to measure what the fix would buy.
 */
import type { Json, Kube } from './kube';
import type { Claim } from './claims';
import type { Platform } from './platform';

/** maxItems of a list in an XRD's schema (`path` like spec.alerting.emails; `*` for any map key). */
function maxItems(platform: Platform, kind: string, path: string): number {
  const xrd = platform.units
    .flatMap((u) => u.manifests)
    .find((o) => o.kind === 'CompositeResourceDefinition' && o.spec.claimNames?.kind === kind);
  let node: Json | undefined = xrd?.spec.versions.find((v: Json) => v.referenceable)?.schema.openAPIV3Schema;
  for (const part of path.split('.'))
    node = part === '*' ? (node?.additionalProperties ?? Object.values(node?.properties ?? {})[0]) : node?.properties?.[part];
  return Number(node?.maxItems ?? 1);
}

/** `aurora-instance-1-use1-dev` → `aurora-instance-<n>-use1-dev`. */
const nth = (first: string, n: number): string => (/-1-/.test(first) ? first.replace('-1-', `-${n}-`) : `${first}-${n}`);

/** The merge patch that fills every optional slot of the claim, or undefined when it has none to fill. */
export function fillOptionalSlots(platform: Platform, claim: Claim): Json | undefined {
  const spec = claim.manifest.spec as Json;
  if (claim.kind === 'PaymentRegion') {
    const zones = spec.network.zones as Json[];
    const emails = [...(spec.alerting.emails as string[])];
    for (let i = emails.length; i < maxItems(platform, claim.kind, 'spec.alerting.emails'); i++)
      emails.push(`e2e-what-if-${i}@example.com`);
    return {
      spec: {
        network: {
          natMode: 'per-az',
          natGatewayZones: zones.map((z) => z.availabilityZone),
          zones: zones.map((z) => ({ ...z, egressNatZone: z.availabilityZone })),
        },
        alerting: { emails },
      },
    };
  }
  if (claim.kind === 'PaymentGlobal') {
    const regions: Json = {};
    for (const [suffix, region] of Object.entries(spec.regions as Json)) {
      const ids = [...(region.instanceIdentifiers as string[])];
      for (let i = ids.length; i < maxItems(platform, claim.kind, 'spec.regions.*.instanceIdentifiers'); i++) ids.push(nth(ids[0], i + 1));
      regions[suffix] = { instanceIdentifiers: ids };
    }
    return { spec: { regions } };
  }
  return undefined;
}

export async function applyWhatIf(kube: Kube, claim: Claim, patch: Json): Promise<number> {
  await kube.kubectlOk([
    'patch',
    claim.kind.toLowerCase(),
    claim.name,
    '-n',
    claim.namespace,
    '--type=merge',
    '--field-manager=payments-dr-e2e-what-if',
    '-p',
    JSON.stringify(patch),
  ]);
  return Date.now();
}
