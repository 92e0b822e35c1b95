import { REGION_SUFFIXES, type RegionSuffix } from '../../facts/regions';
import { LABEL } from '../../facts/labels';
import { RouteV1Beta2, VpcPeeringConnectionAccepterV1Beta2, VpcPeeringConnectionV1Beta2 } from '../../imports/ec2.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { fromXr } from '../lib/patches';
import { awsRegion, homedName, homedResource, regionResourceSelector, XR } from './common';

const ZONE_SLOTS = [0, 1, 2] as const;
const peerOf = (region: RegionSuffix) => REGION_SUFFIXES.find((r) => r !== region) as RegionSuffix;
const NAME_TAG = 'spec.forProvider.tags[Name]';

/** Requester in us-east-1 (selects both PaymentRegion VPCs by labels), accepter in us-west-2. */
function peeringConnection(): ComposedResource[] {
  const ownVpc = regionResourceSelector('use1', { [LABEL.component]: 'network' }, 'spec.forProvider.vpcIdSelector');
  const peerVpc = regionResourceSelector('usw2', { [LABEL.component]: 'network' }, 'spec.forProvider.peerVpcIdSelector');
  return [
    homedResource({
      name: 'peering-requester',
      type: 'peering',
      component: 'network',
      purpose: 'peering',
      manifest: VpcPeeringConnectionV1Beta2.manifest({
        spec: {
          forProvider: {
            region: awsRegion('use1'),
            peerRegion: awsRegion('usw2'),
            autoAccept: false,
            vpcIdSelector: ownVpc.selector,
            peerVpcIdSelector: peerVpc.selector,
          },
        },
      }),
      patches: [ownVpc.patch, peerVpc.patch, homedName('peering', 'use1', NAME_TAG)],
    }),
    homedResource({
      name: 'peering-accepter',
      type: 'peering-accepter',
      region: 'usw2',
      component: 'network',
      purpose: 'peering',
      manifest: VpcPeeringConnectionAccepterV1Beta2.manifest({
        spec: {
          forProvider: { region: awsRegion('usw2'), autoAccept: true, vpcPeeringConnectionIdSelector: { matchControllerRef: true } },
        },
      }),
      patches: [homedName('peering-accepter', 'usw2', NAME_TAG)],
    }),
  ];
}

/** A route to the peer VPC in the private route table of zone slot i of `region`. */
function peerRoute(region: RegionSuffix, slot: number): ComposedResource {
  const letter = 'abc'[slot];
  const table = regionResourceSelector(region, { [LABEL.purpose]: 'private' }, 'spec.forProvider.routeTableIdSelector');
  return homedResource({
    name: `route-to-peer-${region}-${letter}`,
    type: `route-peer-private-${letter}`,
    region,
    component: 'network',
    purpose: 'peering',
    manifest: RouteV1Beta2.manifest({
      spec: {
        forProvider: {
          region: awsRegion(region),
          routeTableIdSelector: table.selector,
          vpcPeeringConnectionIdSelector: { matchControllerRef: true },
        },
      },
    }),
    patches: [
      table.patch,
      fromXr(`${XR.region(region)}.availabilityZones[${slot}]`, `spec.forProvider.routeTableIdSelector.matchLabels[${LABEL.zone}]`),
      fromXr(`${XR.region(peerOf(region))}.vpcCidr`, 'spec.forProvider.destinationCidrBlock'),
    ],
  });
}

/** Cross-region VPC peering and a route to the peer CIDR in all six private route tables. */
export function peeringResources(): ComposedResource[] {
  return [...peeringConnection(), ...REGION_SUFFIXES.flatMap((region) => ZONE_SLOTS.map((slot) => peerRoute(region, slot)))];
}
