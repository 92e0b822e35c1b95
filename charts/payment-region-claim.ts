import { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { type Artifact, FAILOVER_CONTROLLER, LAMBDA_RUNTIME, MIGRATE } from '../functions/build';
import { PAYMENT_REGION_KIND } from '../compositions/payment-region';
import { REGIONS, REGION_SUFFIXES, type RegionSuffix } from '../facts/regions';
import type { EnvironmentConfig } from './config/types';
import { API_GROUP } from '../facts/labels';
import { failoverApiDomain, regionalApiDomain } from '../facts/naming';
import { HEALTH_CHECK_INTERVAL_SECONDS, LAMBDA_MEMORY_MB } from '../facts/requirements';
import { subnetLayout } from './network-layout';
import { CLAIM_NAMESPACE } from './platform-chart';

export interface PaymentRegionClaimProps {
  /** A validated environment. */
  readonly environment: EnvironmentConfig;
  readonly region: RegionSuffix;
  /** The function bundles (identical in both regions). */
  readonly artifacts: readonly Artifact[];
}

/** Finds one function's artifact or fails naming it. */
export function artifactOf(artifacts: readonly Artifact[], name: Artifact['name']): Artifact {
  const artifact = artifacts.find((a) => a.name === name);
  if (!artifact) throw new Error(`no bundle for function "${name}" (got ${artifacts.map((a) => a.name).join(', ') || 'none'})`);
  return artifact;
}

/**
 * The PaymentRegion claim of one region of one environment, in namespace payments-dr, named
 * `paymentregion-{region}-{env}`. Everything the Composition needs is computed here from the
 * environment config: subnet CIDRs, NAT placement, hostnames, the function artifacts.
 */
export class PaymentRegionClaim extends ApiObject {
  constructor(scope: Construct, id: string, props: PaymentRegionClaimProps) {
    super(scope, id, {
      apiVersion: `${API_GROUP}/v1alpha1`,
      kind: PAYMENT_REGION_KIND,
      metadata: { name: `paymentregion-${props.region}-${props.environment.environmentSuffix}`, namespace: CLAIM_NAMESPACE },
      spec: paymentRegionSpec(props),
    });
  }
}

/** The claim's spec, computed from the environment config. */
export function paymentRegionSpec(props: PaymentRegionClaimProps): Record<string, unknown> {
  const env = props.environment;
  const suffix = props.region;
  const peer = REGION_SUFFIXES.find((s) => s !== suffix) as RegionSuffix;
  const network = env.regions[suffix];
  const layout = subnetLayout(network.vpcCidr);
  const zones = network.availabilityZones;
  const egressZone = (zone: string) => (network.natMode === 'per-az' ? zone : zones[0]);
  const artifactSpec = (name: Artifact['name']) => {
    const artifact = artifactOf(props.artifacts, name);
    return { s3Key: artifact.key, sourceCodeHash: artifact.sourceCodeHash };
  };
  return {
    environmentSuffix: env.environmentSuffix,
    awsAccountId: env.awsAccountId,
    organisationPrefix: env.organisationPrefix,
    region: REGIONS[suffix].region,
    regionSuffix: suffix,
    failoverRole: REGIONS[suffix].role,
    peer: {
      region: REGIONS[peer].region,
      regionSuffix: peer,
      vpcCidr: env.regions[peer].vpcCidr,
      regionalDomain: regionalApiDomain(env.dns.domain, peer, env.environmentSuffix),
    },
    network: {
      vpcCidr: network.vpcCidr,
      natMode: network.natMode,
      natGatewayZones: network.natMode === 'per-az' ? [...zones] : [zones[0]],
      zones: zones.map((zone, i) => ({
        availabilityZone: zone,
        privateSubnetCidr: layout.private[i],
        publicSubnetCidr: layout.public[i],
        egressNatZone: egressZone(zone),
      })),
    },
    dns: {
      hostedZoneId: env.dns.hostedZoneId,
      regionalDomain: regionalApiDomain(env.dns.domain, suffix, env.environmentSuffix),
      failoverDomain: failoverApiDomain(env.dns.domain, env.environmentSuffix),
    },
    healthCheck: { requestInterval: HEALTH_CHECK_INTERVAL_SECONDS, failureThreshold: env.healthCheck.failureThreshold },
    alerting: { emails: [...env.alertEmails], replicationLagThresholdMs: env.replicationLagThresholdMs },
    functions: {
      memoryMb: LAMBDA_MEMORY_MB,
      runtime: LAMBDA_RUNTIME,
      webhook: artifactSpec('webhook'),
      health: artifactSpec('health'),
      failoverController: artifactSpec(FAILOVER_CONTROLLER),
      migrate: artifactSpec(MIGRATE),
    },
    failover: { automatic: env.failover.automatic, failedMinutesBeforePromotion: env.failover.failedMinutesBeforePromotion },
    // The FIS drills rehearse the loss of the PRIMARY, guarded by the standby's health alarm (compositions/payment-region/drills.ts).
    ...(REGIONS[suffix].role === 'PRIMARY' ? { drills: { standbyRegionSuffix: peer } } : {}),
  };
}
