/**
 * The composite resource (XR) a render starts from: the input itself, or the XR Crossplane would
 * create for a claim (Crossplane's claim syncer: labels and annotations other than the
 * Kubernetes-reserved ones, `crossplane.io/claim-name`/`claim-namespace` labels, the claim's spec
 * without the claim-only and XR-machinery fields, and `spec.claimRef`).
 * Crossplane names that XR `<claim name>-<random suffix>`; the renderer uses the claim name so
 * output is deterministic.
 */
import { RenderError } from './errors';
import { cloneJson, isJsonObject, objectAt, type JsonObject } from './json';
import { LABEL_CLAIM_NAME, LABEL_CLAIM_NAMESPACE, LABEL_COMPOSITE, nameOf } from './metadata';

/** Claim spec fields Crossplane does not copy to the XR (claim-only fields and XR machinery). */
const CLAIM_SPEC_FIELDS_NOT_PROPAGATED = [
  'resourceRef',
  'writeConnectionSecretToRef',
  'compositeDeletePolicy',
  'compositionRevisionRef',
  'resourceRefs',
  'claimRef',
];

/** The namespace `kubectl apply` puts a claim in when its manifest names none. */
const DEFAULT_NAMESPACE = 'default';

export interface TypeRef {
  apiVersion: string;
  kind: string;
}

/** Labels/annotations without `*.kubernetes.io/` and `*.k8s.io/` keys, which Crossplane does not propagate. */
function withoutReservedKeys(entries: unknown): Record<string, string> {
  if (!isJsonObject(entries)) return {};
  return Object.fromEntries(
    Object.entries(entries).filter(([key]) => !/(kubernetes\.io|k8s\.io)$/.test(key.split('/')[0])) as [string, string][],
  );
}

function compositeFromClaim(claim: JsonObject, typeRef: TypeRef): JsonObject {
  const claimMeta = isJsonObject(claim.metadata) ? claim.metadata : {};
  const name = nameOf(claim, `claim (${claim.kind})`);
  const namespace = typeof claimMeta.namespace === 'string' ? claimMeta.namespace : DEFAULT_NAMESPACE;
  const spec = Object.fromEntries(
    Object.entries(isJsonObject(claim.spec) ? claim.spec : {}).filter(([field]) => !CLAIM_SPEC_FIELDS_NOT_PROPAGATED.includes(field)),
  );
  const metadata: JsonObject = {
    name,
    labels: { ...withoutReservedKeys(claimMeta.labels), [LABEL_CLAIM_NAME]: name, [LABEL_CLAIM_NAMESPACE]: namespace },
  };
  const annotations = withoutReservedKeys(claimMeta.annotations);
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return {
    apiVersion: typeRef.apiVersion,
    kind: typeRef.kind,
    metadata,
    spec: cloneJson({ ...spec, claimRef: { apiVersion: claim.apiVersion, kind: claim.kind, namespace, name } }),
  };
}

/**
 * The XR for `xrOrClaim`: an object whose apiVersion/kind differ from the Composition's
 * compositeTypeRef is a claim. Either way the XR carries the `crossplane.io/composite` label
 * with its own name, which composed resources inherit.
 */
export function toCompositeResource(xrOrClaim: unknown, typeRef: TypeRef): JsonObject {
  if (!isJsonObject(xrOrClaim)) throw new RenderError('the composite resource or claim must be an object');
  const isXr = xrOrClaim.apiVersion === typeRef.apiVersion && xrOrClaim.kind === typeRef.kind;
  const group = (apiVersion: unknown): string => String(apiVersion).split('/')[0];
  if (!isXr && group(xrOrClaim.apiVersion) !== group(typeRef.apiVersion)) {
    throw new RenderError(
      `${xrOrClaim.apiVersion} ${xrOrClaim.kind} is neither the Composition's composite resource (${typeRef.apiVersion} ${typeRef.kind}) nor a claim of it (claims share the API group)`,
    );
  }
  const xr = isXr ? cloneJson(xrOrClaim) : compositeFromClaim(xrOrClaim, typeRef);
  const labels = objectAt(objectAt(xr, 'metadata'), 'labels');
  labels[LABEL_COMPOSITE] ??= nameOf(xr, `composite resource (${typeRef.kind})`);
  return xr;
}
