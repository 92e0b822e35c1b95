/**
 * Crossplane's metadata on composite and composed resources (Crossplane's
 * RenderComposedResourceMetadata, without the controller owner reference): the
 * composition-resource-name annotation and the composite/claim labels inherited from the XR.
 * A composed resource nobody named is called `<xr name>-<resource name>`, where Crossplane would
 * let the API server generate `<xr name>-<random suffix>`.
 */
import { RenderError } from './errors';
import { isJsonObject, objectAt, type JsonObject } from './json';

export const ANNOTATION_RESOURCE_NAME = 'crossplane.io/composition-resource-name';
export const LABEL_COMPOSITE = 'crossplane.io/composite';
export const LABEL_CLAIM_NAME = 'crossplane.io/claim-name';
export const LABEL_CLAIM_NAMESPACE = 'crossplane.io/claim-namespace';

/** `metadata.name`, which must be set; `what` says whose it is in the error. */
export function nameOf(obj: JsonObject, what: string): string {
  const name = isJsonObject(obj.metadata) ? obj.metadata.name : undefined;
  if (typeof name !== 'string' || name === '') throw new RenderError(`the ${what} has no metadata.name`);
  return name;
}

/** The composition resource name an (observed) composed resource carries, if any. */
export function compositionResourceName(resource: JsonObject): string | undefined {
  const annotations = isJsonObject(resource.metadata) ? resource.metadata.annotations : undefined;
  const name = isJsonObject(annotations) ? annotations[ANNOTATION_RESOURCE_NAME] : undefined;
  return typeof name === 'string' ? name : undefined;
}

/**
 * The composed resource with the annotation, the inherited labels and (when still unnamed) the
 * deterministic name; apiVersion, kind and metadata come first, as in `kubectl get -o yaml`.
 */
export function withComposedMetadata(resource: JsonObject, resourceName: string, xr: JsonObject): JsonObject {
  const xrLabels = objectAt(objectAt(xr, 'metadata'), 'labels');
  const metadata = objectAt(resource, 'metadata');
  if (typeof metadata.name !== 'string' || metadata.name === '') metadata.name = `${xrLabels[LABEL_COMPOSITE]}-${resourceName}`;
  objectAt(metadata, 'annotations')[ANNOTATION_RESOURCE_NAME] = resourceName;
  const labels = objectAt(metadata, 'labels');
  for (const key of [LABEL_COMPOSITE, LABEL_CLAIM_NAME, LABEL_CLAIM_NAMESPACE]) {
    if (typeof xrLabels[key] === 'string') labels[key] = xrLabels[key];
  }
  return { apiVersion: resource.apiVersion, kind: resource.kind, metadata, ...resource };
}
