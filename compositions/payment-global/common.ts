import { HOME_REGION, REGIONS, type RegionSuffix } from '../../facts/regions';
import { LABEL } from '../../facts/labels';
import { awsNameFormat } from '../../facts/naming';
import type { ComposedResource } from '../lib/composition';
import { type Patch, combine, fromXr, patchSet } from '../lib/patches';
import { type BaseLabels, withLabels } from '../lib/resources';

/** XR field paths the PaymentGlobal composition reads. */
export const XR = {
  environment: 'spec.environmentSuffix',
  region: (suffix: RegionSuffix) => `spec.regions.${suffix}`,
} as const;

export const PATCH_SETS = { labels: 'labels' } as const;

export const patchSets: Record<string, Patch[]> = {
  [PATCH_SETS.labels]: [fromXr(XR.environment, `metadata.labels[${LABEL.environment}]`)],
};

/** Namespace of the Kubernetes Secrets Crossplane writes (generated master password) and reads (operator-supplied signing secrets). */
export const SECRETS_NAMESPACE = 'crossplane-system';

/** `{type}-{region}-{env}` into toFieldPath: the naming convention for a resource homed in `region`. */
export function homedName(type: string, region: RegionSuffix, toFieldPath = 'metadata.name'): Patch {
  return combine(awsNameFormat(type, region), [XR.environment], toFieldPath);
}

export interface HomedResourceProps extends BaseLabels {
  /** Composition resource name. */
  readonly name: string;
  /** Resource type in the name: `{type}-{region}-{env}`. */
  readonly type: string;
  /** Region the resource lives in; global resources are homed in use1. Default use1. */
  readonly region?: RegionSuffix;
  readonly manifest: Record<string, unknown>;
  readonly patches?: readonly Patch[];
  /** Replaces the default `{type}-{region}-{env}` metadata.name patch. */
  readonly namePatch?: Patch;
}

/**
 * A composed resource of PaymentGlobal. Its region is a fact of the resource (the writer cluster is
 * in us-east-1, the reader in us-west-2), so it sits in the base next to the region label.
 */
export function homedResource(props: HomedResourceProps): ComposedResource {
  const region = props.region ?? HOME_REGION;
  const base = withLabels(props.manifest, props);
  const metadata = base.metadata as { labels: Record<string, string> };
  metadata.labels[LABEL.region] = region;
  return {
    name: props.name,
    base,
    patches: [patchSet(PATCH_SETS.labels), props.namePatch ?? homedName(props.type, region), ...(props.patches ?? [])],
  };
}

/** The AWS region name of a suffix. */
export const awsRegion = (suffix: RegionSuffix) => REGIONS[suffix].region;

/**
 * Selects a resource composed by this environment's PaymentRegion claim in `region` by labels;
 * returns the selector (environment filled by the patch) and the patch that fills it.
 */
export function regionResourceSelector(
  region: RegionSuffix,
  labels: Record<string, string>,
  selectorPath: string,
): { selector: Record<string, unknown>; patch: Patch } {
  return {
    selector: { matchLabels: { [LABEL.region]: region, ...labels } },
    patch: fromXr(XR.environment, `${selectorPath}.matchLabels[${LABEL.environment}]`),
  };
}
