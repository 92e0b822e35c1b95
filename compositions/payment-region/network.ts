import { LABEL } from '../../facts/labels';
import {
  Eip,
  InternetGateway,
  NatGateway,
  RouteTable,
  RouteTableAssociation,
  RouteV1Beta2,
  SecurityGroup,
  SecurityGroupEgressRule,
  SecurityGroupIngressRule,
  Subnet,
  Vpc,
} from '../../imports/ec2.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { composedWhenPresent } from '../lib/optional-resources';
import { type Patch, fromXr, toXr } from '../lib/patches';
import { regionFromXr, sameComposite } from '../lib/resources';
import { XR, ZONE_SLOTS, regionalName, regionalResource } from './common';

const NAME_TAG = 'spec.forProvider.tags[Name]';
const zoneLabel = (field: string) => `spec.forProvider.${field}.matchLabels[${LABEL.zone}]`;
const POSTGRES = 5432;

function vpcAndGateway(): ComposedResource[] {
  return [
    regionalResource({
      name: 'vpc',
      type: 'vpc',
      component: 'network',
      manifest: Vpc.manifest({ spec: { forProvider: regionFromXr({ enableDnsHostnames: true, enableDnsSupport: true }) } }),
      patches: [
        fromXr('spec.network.vpcCidr', 'spec.forProvider.cidrBlock'),
        regionalName('vpc', NAME_TAG),
        toXr('status.atProvider.id', 'status.vpcId'),
      ],
    }),
    regionalResource({
      name: 'internet-gateway',
      type: 'igw',
      component: 'network',
      manifest: InternetGateway.manifest({ spec: { forProvider: regionFromXr({ vpcIdSelector: sameComposite() }) } }),
      patches: [regionalName('igw', NAME_TAG)],
    }),
  ];
}

function subnets(): ComposedResource[] {
  return ZONE_SLOTS.flatMap(({ letter, index }) =>
    (['private', 'public'] as const).map((tier) =>
      regionalResource({
        name: `subnet-${tier}-${letter}`,
        type: `subnet-${tier}-${letter}`,
        component: 'network',
        purpose: tier,
        zoneSlot: index,
        manifest: Subnet.manifest({ spec: { forProvider: regionFromXr({ vpcIdSelector: sameComposite(), mapPublicIpOnLaunch: false }) } }),
        patches: [
          fromXr(`${XR.zone(index)}.${tier}SubnetCidr`, 'spec.forProvider.cidrBlock'),
          fromXr(`${XR.zone(index)}.availabilityZone`, 'spec.forProvider.availabilityZone'),
          regionalName(`subnet-${tier}-${letter}`, NAME_TAG),
          // The network-disruption drill (drills.ts) targets the private subnets by ARN.
          ...(tier === 'private' ? [toXr('status.atProvider.arn', `status.privateSubnetArns.${letter}`)] : []),
        ],
      }),
    ),
  );
}

/**
 * NAT gateway slot i exists only while spec.network.natGatewayZones has an i-th entry: three in
 * per-az mode, one in single mode. Each sits in the public subnet of its zone.
 */
function natGateways(): ComposedResource[] {
  return ZONE_SLOTS.flatMap(({ letter, index }) => {
    const natZone = `spec.network.natGatewayZones[${index}]`;
    const slot = [
      regionalResource({
        name: `nat-eip-${letter}`,
        type: `nat-eip-${letter}`,
        component: 'network',
        purpose: 'nat',
        manifest: Eip.manifest({ spec: { forProvider: regionFromXr({ domain: 'vpc' }) } }),
        patches: [fromXr(natZone, `metadata.labels[${LABEL.zone}]`), regionalName(`nat-eip-${letter}`, NAME_TAG)],
      }),
      regionalResource({
        name: `nat-${letter}`,
        type: `nat-${letter}`,
        component: 'network',
        purpose: 'nat',
        manifest: NatGateway.manifest({
          spec: {
            forProvider: regionFromXr({
              connectivityType: 'public',
              allocationIdSelector: sameComposite({ [LABEL.purpose]: 'nat' }),
              subnetIdSelector: sameComposite({ [LABEL.purpose]: 'public' }),
            }),
          },
        }),
        patches: [
          fromXr(natZone, `metadata.labels[${LABEL.zone}]`),
          fromXr(natZone, zoneLabel('allocationIdSelector')),
          fromXr(natZone, zoneLabel('subnetIdSelector')),
          regionalName(`nat-${letter}`, NAME_TAG),
        ],
      }),
    ];
    return slot.map((resource) => composedWhenPresent(resource, natZone));
  });
}

function publicRouting(): ComposedResource[] {
  return [
    regionalResource({
      name: 'route-table-public',
      type: 'rt-public',
      component: 'network',
      purpose: 'public',
      manifest: RouteTable.manifest({ spec: { forProvider: regionFromXr({ vpcIdSelector: sameComposite() }) } }),
      patches: [regionalName('rt-public', NAME_TAG)],
    }),
    regionalResource({
      name: 'route-public-internet',
      type: 'route-public-internet',
      component: 'network',
      purpose: 'public',
      manifest: RouteV1Beta2.manifest({
        spec: {
          forProvider: regionFromXr({
            destinationCidrBlock: '0.0.0.0/0',
            gatewayIdSelector: sameComposite(),
            routeTableIdSelector: sameComposite({ [LABEL.purpose]: 'public' }),
          }),
        },
      }),
    }),
    ...ZONE_SLOTS.map(({ letter, index }) =>
      routeTableAssociation('public', letter, index, sameComposite({ [LABEL.purpose]: 'public' }), [
        fromXr(`${XR.zone(index)}.availabilityZone`, zoneLabel('subnetIdSelector')),
      ]),
    ),
  ];
}

/** Associates zone `index`'s subnet of `tier` with the route table `routeTableIdSelector` selects. */
function routeTableAssociation(
  tier: 'public' | 'private',
  letter: string,
  index: number,
  routeTableIdSelector: Record<string, unknown>,
  patches: Patch[],
): ComposedResource {
  return regionalResource({
    name: `route-table-association-${tier}-${letter}`,
    type: `rta-${tier}-${letter}`,
    component: 'network',
    purpose: tier,
    zoneSlot: index,
    manifest: RouteTableAssociation.manifest({
      spec: { forProvider: regionFromXr({ routeTableIdSelector, subnetIdSelector: sameComposite({ [LABEL.purpose]: tier }) }) },
    }),
    patches,
  });
}

/** One private route table per zone (PaymentGlobal adds the peering routes to each), default route via the zone's NAT. */
function privateRouting(): ComposedResource[] {
  return ZONE_SLOTS.flatMap(({ letter, index }) => {
    const az = `${XR.zone(index)}.availabilityZone`;
    const privateTable = sameComposite({ [LABEL.purpose]: 'private' });
    return [
      regionalResource({
        name: `route-table-private-${letter}`,
        type: `rt-private-${letter}`,
        component: 'network',
        purpose: 'private',
        zoneSlot: index,
        manifest: RouteTable.manifest({ spec: { forProvider: regionFromXr({ vpcIdSelector: sameComposite() }) } }),
        patches: [regionalName(`rt-private-${letter}`, NAME_TAG)],
      }),
      regionalResource({
        name: `route-private-nat-${letter}`,
        type: `route-private-nat-${letter}`,
        component: 'network',
        purpose: 'private',
        zoneSlot: index,
        manifest: RouteV1Beta2.manifest({
          spec: {
            forProvider: regionFromXr({
              destinationCidrBlock: '0.0.0.0/0',
              routeTableIdSelector: privateTable,
              natGatewayIdSelector: sameComposite({ [LABEL.purpose]: 'nat' }),
            }),
          },
        }),
        patches: [
          fromXr(az, zoneLabel('routeTableIdSelector')),
          fromXr(`${XR.zone(index)}.egressNatZone`, zoneLabel('natGatewayIdSelector')),
        ],
      }),
      routeTableAssociation('private', letter, index, privateTable, [
        fromXr(az, zoneLabel('routeTableIdSelector')),
        fromXr(az, zoneLabel('subnetIdSelector')),
      ]),
    ];
  });
}

/**
 * Lambda SG: egress HTTPS (AWS APIs via NAT) and PostgreSQL to both VPCs (the writer can be in the
 * peer region after a failover). Aurora SG: PostgreSQL only from the Lambda SG and the peer VPC CIDR.
 */
function securityGroups(): ComposedResource[] {
  const group = (purpose: 'lambda' | 'aurora', description: string) =>
    regionalResource({
      name: `security-group-${purpose}`,
      type: `securitygroup-${purpose}`,
      component: 'network',
      purpose,
      manifest: SecurityGroup.manifest({ spec: { forProvider: regionFromXr({ description, vpcIdSelector: sameComposite() }) } }),
      patches: [regionalName(`securitygroup-${purpose}`, 'spec.forProvider.name'), regionalName(`securitygroup-${purpose}`, NAME_TAG)],
    });
  const ownGroup = (purpose: string) => sameComposite({ [LABEL.purpose]: purpose });
  const tcp = (port: number) => ({ ipProtocol: 'tcp', fromPort: port, toPort: port });
  const auroraIngress = (from: string, description: string, source: Record<string, unknown>, patches: Patch[] = []) =>
    regionalResource({
      name: `aurora-ingress-from-${from}`,
      type: `sgr-aurora-from-${from}`,
      component: 'network',
      purpose: 'aurora',
      manifest: SecurityGroupIngressRule.manifest({
        spec: { forProvider: regionFromXr({ ...tcp(POSTGRES), securityGroupIdSelector: ownGroup('aurora'), ...source, description }) },
      }),
      patches,
    });
  return [
    group('lambda', 'payment webhook and health Lambdas'),
    group('aurora', 'Aurora PostgreSQL: 5432 from the Lambdas and the peer region only'),
    auroraIngress('lambda', 'PostgreSQL from the Lambdas', { referencedSecurityGroupIdSelector: ownGroup('lambda') }),
    auroraIngress('peer', 'PostgreSQL from the peer region (Lambdas after a failover)', {}, [
      fromXr('spec.peer.vpcCidr', 'spec.forProvider.cidrIpv4'),
    ]),
    regionalResource({
      name: 'lambda-egress-https',
      type: 'sgr-lambda-https',
      component: 'network',
      purpose: 'lambda',
      manifest: SecurityGroupEgressRule.manifest({
        spec: {
          forProvider: regionFromXr({
            ...tcp(443),
            cidrIpv4: '0.0.0.0/0',
            securityGroupIdSelector: ownGroup('lambda'),
            description: 'HTTPS to AWS APIs (DynamoDB, Secrets Manager, RDS) via NAT',
          }),
        },
      }),
    }),
    ...(['vpcCidr', 'peer.vpcCidr'] as const).map((cidr) =>
      regionalResource({
        name: cidr === 'vpcCidr' ? 'lambda-egress-postgres-local' : 'lambda-egress-postgres-peer',
        type: cidr === 'vpcCidr' ? 'sgr-lambda-postgres-local' : 'sgr-lambda-postgres-peer',
        component: 'network',
        purpose: 'lambda',
        manifest: SecurityGroupEgressRule.manifest({
          spec: {
            forProvider: regionFromXr({
              ...tcp(POSTGRES),
              securityGroupIdSelector: ownGroup('lambda'),
              description: 'PostgreSQL to Aurora',
            }),
          },
        }),
        patches: [fromXr(cidr === 'vpcCidr' ? 'spec.network.vpcCidr' : 'spec.peer.vpcCidr', 'spec.forProvider.cidrIpv4')],
      }),
    ),
  ];
}

/** The region's network: VPC, 3 private + 3 public subnets, IGW, NAT, routing, security groups. */
export function networkResources(): ComposedResource[] {
  return [...vpcAndGateway(), ...subnets(), ...natGateways(), ...publicRouting(), ...privateRouting(), ...securityGroups()];
}
