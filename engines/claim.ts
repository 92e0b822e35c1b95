/**
 * The composite resource (XR) Crossplane creates for a claim, as core v2.3's claim syncer does
 * (internal/controller/apiextensions/claim, ClientSideCompositeSyncer):
 * - apiVersion `<XRD spec.group>/<the referenceable version>`, kind `spec.names.kind`;
 * - name: the claim's name + "-" + 5 characters (Crossplane's generateName is random; here the
 *   suffix is derived from the claim's namespace/name, so renders are reproducible);
 * - labels and annotations of the claim without keys whose prefix ends in `kubernetes.io` or
 *   `k8s.io`, plus the labels `crossplane.io/claim-name` and `crossplane.io/claim-namespace`;
 * - spec: the claim's without compositionRevisionRef, compositeDeletePolicy, resourceRef and
 *   writeConnectionSecretToRef, plus spec.claimRef {apiVersion, kind, name, namespace}.
 * An input that already is the XR is returned as it is.
 */
import { createHash } from 'node:crypto';
import type { Json } from './yaml';

const CLAIM_ONLY_SPEC_FIELDS = ['compositionRevisionRef', 'compositeDeletePolicy', 'resourceRef', 'writeConnectionSecretToRef'];
/** The alphabet of Kubernetes' generateName suffixes (k8s.io/apimachinery/pkg/util/rand). */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
/** The namespace kubectl puts an object in when its manifest names none. */
export const DEFAULT_NAMESPACE = 'default';

export class ClaimError extends Error {}

/** The referenceable version of an XRD (the one composites are created at). */
export function referenceableVersion(xrd: Json): string {
  const versions: Json[] = xrd.spec?.versions ?? [];
  const version = versions.find((v) => v.referenceable) ?? versions[0];
  if (!version) throw new ClaimError(`XRD ${xrd.metadata?.name} has no versions`);
  return version.name;
}

/** A deterministic generateName-style suffix for a claim. */
export function compositeSuffix(namespace: string, name: string): string {
  const digest = createHash('sha256').update(`${namespace}/${name}`).digest();
  return Array.from(digest.subarray(0, 5), (byte) => ALPHANUMS[byte % ALPHANUMS.length]).join('');
}

const reserved = (key: string) => {
  const prefix = key.includes('/') ? key.split('/')[0] : '';
  return prefix.endsWith('kubernetes.io') || prefix.endsWith('k8s.io');
};
const withoutReserved = (entries: Json | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(entries ?? {}).filter(([key]) => !reserved(key)));

export function isClaimOf(doc: Json, xrd: Json): boolean {
  const group = String(doc?.apiVersion ?? '').split('/')[0];
  return Boolean(xrd.spec?.claimNames?.kind) && doc?.kind === xrd.spec.claimNames.kind && group === xrd.spec.group;
}

export function isCompositeOf(doc: Json, xrd: Json): boolean {
  const group = String(doc?.apiVersion ?? '').split('/')[0];
  return doc?.kind === xrd.spec?.names?.kind && group === xrd.spec?.group;
}

/** The XR for a claim of `xrd` (or the input itself if it is an XR of it). */
export function toComposite(input: Json, xrd: Json): Json {
  if (isCompositeOf(input, xrd)) return structuredClone(input);
  if (!isClaimOf(input, xrd)) {
    const claimKind = xrd.spec?.claimNames?.kind;
    throw new ClaimError(
      `${input?.apiVersion} ${input?.kind} is neither the composite ${xrd.spec?.group} ${xrd.spec?.names?.kind} nor ` +
        `${claimKind ? `its claim ${claimKind}` : 'a claim (the XRD has no claimNames)'} (XRD ${xrd.metadata?.name})`,
    );
  }
  const name = String(input.metadata?.name ?? '');
  if (!name) throw new ClaimError(`the ${input.kind} claim has no metadata.name`);
  const namespace = String(input.metadata?.namespace ?? DEFAULT_NAMESPACE);
  const spec: Json = Object.fromEntries(Object.entries(input.spec ?? {}).filter(([key]) => !CLAIM_ONLY_SPEC_FIELDS.includes(key)));
  spec.claimRef = { apiVersion: input.apiVersion, kind: input.kind, name, namespace };
  const annotations = withoutReserved(input.metadata?.annotations);
  return structuredClone({
    apiVersion: `${xrd.spec.group}/${referenceableVersion(xrd)}`,
    kind: xrd.spec.names.kind,
    metadata: {
      name: `${name}-${compositeSuffix(namespace, name)}`,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      labels: { ...withoutReserved(input.metadata?.labels), 'crossplane.io/claim-name': name, 'crossplane.io/claim-namespace': namespace },
    },
    spec,
  });
}
