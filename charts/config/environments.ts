import type { EnvironmentConfig } from './types';

/**
 * The environments `npm run synth` renders — the one place to declare them. Each entry becomes
 * dist/<environmentSuffix>/{global,use1,usw2}/. Every value is validated (charts/config/validate.ts)
 * before anything is written. The values below are examples: replace the hosted zone, domain and
 * e-mail addresses with your own before the first deploy.
 */
export const ENVIRONMENTS: readonly EnvironmentConfig[] = [
  {
    environmentSuffix: 'dev',
    awsAccountId: '111122223333',
    organisationPrefix: 'examplepay',
    production: false,
    dns: { hostedZoneId: 'Z0EXAMPLE0DEV0ZONE01', domain: 'dev.payments.example.com' },
    alertEmails: ['payments-oncall@example.com'],
    regions: {
      use1: {
        vpcCidr: '10.10.0.0/16',
        availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
        natMode: 'single',
      },
      usw2: {
        vpcCidr: '10.20.0.0/16',
        availabilityZones: ['us-west-2a', 'us-west-2b', 'us-west-2c'],
        natMode: 'single',
      },
    },
    database: {
      engineVersion: '14.15',
      instanceClass: 'db.r6g.large',
      instancesPerRegion: 1,
      backupRetentionDays: 7,
      preferredBackupWindow: '03:00-04:00',
    },
    tables: { pointInTimeRecoveryDays: 35 },
    healthCheck: { failureThreshold: 3 },
    replicationLagThresholdMs: 1000,
    secretVersions: { dbCredentials: 1, dbAppCredentials: 1, webhookSigning: 1 },
    failover: { automatic: false, failedMinutesBeforePromotion: 3 },
  },
];
