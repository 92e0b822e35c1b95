import { ENVIRONMENTS } from '../../charts/config/environments';
import type { EnvironmentConfig } from '../../charts/config/types';
import { devWith } from './env-fixture';

/** A second environment added the way the README's "Adding an environment" says: dev's entry, its own suffix, DNS and CIDRs. */
export const STAGING: EnvironmentConfig = {
  ...devWith({ environmentSuffix: 'staging', 'dns.hostedZoneId': 'Z0EXAMPLE0STG0ZONE01', 'dns.domain': 'staging.payments.example.com' }),
};
STAGING.regions.use1.vpcCidr = '10.30.0.0/16';
STAGING.regions.usw2.vpcCidr = '10.40.0.0/16';

/** The declared environments plus staging. */
export const WITH_STAGING: readonly EnvironmentConfig[] = [...ENVIRONMENTS, STAGING];
