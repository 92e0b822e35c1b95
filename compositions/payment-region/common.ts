import { LABEL } from '../../facts/labels';
import { awsNameFormat } from '../../facts/naming';
import { type BaseLabels, withLabels } from '../lib/resources';
import type { ComposedResource } from '../lib/composition';
import { type Patch, combine, fromXr, patchSet } from '../lib/patches';

/** XR field paths the PaymentRegion composition reads. */
export const XR = {
  environment: 'spec.environmentSuffix',
  account: 'spec.awsAccountId',
  region: 'spec.region',
  regionSuffix: 'spec.regionSuffix',
  role: 'spec.failoverRole',
  peerRegion: 'spec.peer.region',
  peerRegionSuffix: 'spec.peer.regionSuffix',
  zone: (slot: number) => `spec.network.zones[${slot}]`,
} as const;

/** Zone slots: composition resource names use the letter, the XR's zones[] the index. */
export const ZONE_SLOTS = [
  { letter: 'a', index: 0 },
  { letter: 'b', index: 1 },
  { letter: 'c', index: 2 },
] as const;

export const PATCH_SETS = {
  /** Environment and region labels on every composed resource (cross-claim selectors match them). */
  labels: 'labels',
  /** spec.forProvider.region, for every regional kind (not Route 53, not IAM). */
  region: 'region',
} as const;

export const patchSets: Record<string, Patch[]> = {
  [PATCH_SETS.labels]: [
    fromXr(XR.environment, `metadata.labels[${LABEL.environment}]`),
    fromXr(XR.regionSuffix, `metadata.labels[${LABEL.region}]`),
  ],
  [PATCH_SETS.region]: [fromXr(XR.region, 'spec.forProvider.region')],
};

/** `{type}-{region}-{env}` into toFieldPath — the naming convention, applied by the composition. */
export function regionalName(type: string, toFieldPath = 'metadata.name'): Patch {
  return combine(awsNameFormat(type), [XR.regionSuffix, XR.environment], toFieldPath);
}

export interface RegionalResourceProps extends BaseLabels {
  /** Composition resource name, e.g. "subnet-private-a". */
  readonly name: string;
  /** Resource type in the AWS/Kubernetes name, e.g. "subnet-private-a" → subnet-private-a-use1-dev. */
  readonly type: string;
  readonly manifest: Record<string, unknown>;
  readonly patches?: readonly Patch[];
  /** Route 53 and IAM kinds have no region field. Default true. */
  readonly regional?: boolean;
  /** Zone slot whose availability zone goes into the zone label. */
  readonly zoneSlot?: number;
  /** Replaces the default `{type}-{region}-{env}` metadata.name patch (e.g. the organisation-prefixed bucket). */
  readonly namePatch?: Patch;
}

/** A composed resource with the project's labels, region and name patches. */
export function regionalResource(props: RegionalResourceProps): ComposedResource {
  return {
    name: props.name,
    base: withLabels(props.manifest, props),
    patches: [
      patchSet(PATCH_SETS.labels),
      ...(props.regional === false ? [] : [patchSet(PATCH_SETS.region)]),
      props.namePatch ?? regionalName(props.type),
      ...(props.zoneSlot === undefined ? [] : [fromXr(`${XR.zone(props.zoneSlot)}.availabilityZone`, `metadata.labels[${LABEL.zone}]`)]),
      ...(props.patches ?? []),
    ],
  };
}
