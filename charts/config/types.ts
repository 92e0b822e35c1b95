import { REGIONS, RegionSuffix } from './regions';

/** NAT gateways: one per AZ (survives an AZ outage; production) or a single shared one (cheaper; non-prod). */
export type NatMode = 'per-az' | 'single';

export interface RegionNetworkConfig {
  /** The AWS region; fixed per suffix (use1 → us-east-1, usw2 → us-west-2). */
  readonly region: (typeof REGIONS)[RegionSuffix]['region'];
  /** VPC IPv4 CIDR, an RFC 1918 range /16–/24; split into 3 private + 3 public subnets. Must not overlap the other region (peering). */
  readonly vpcCidr: string;
  /** Exactly three distinct availability zones of the region, e.g. us-east-1a. */
  readonly availabilityZones: readonly [string, string, string];
  /** Default 'per-az'. 'single' is allowed for non-production environments only. */
  readonly natMode: NatMode;
}

export interface DatabaseConfig {
  /** Aurora PostgreSQL 14 minor version, e.g. "14.15". */
  readonly engineVersion: string;
  /** Aurora instance class supported by Aurora Global Database, e.g. db.r6g.large. */
  readonly instanceClass: string;
  /** Instances per regional cluster, 1–5 (writer + readers in the primary; readers in the secondary); the Composition has 5 instance slots per region. */
  readonly instancesPerRegion: number;
  /** Automated backup retention in days, 1–35 (point-in-time recovery covers this window). */
  readonly backupRetentionDays: number;
  /** Daily backup window, UTC, "hh:mm-hh:mm", at least 30 minutes. */
  readonly preferredBackupWindow: string;
}

export interface EnvironmentConfig {
  /** Lowercase alphanumeric; appears in every AWS name (`{type}-{region}-{environmentSuffix}`). */
  readonly environmentSuffix: string;
  /**
   * The AWS account the environment lives in (12 digits). IAM policies name exact resource ARNs
   * (tables, secrets, log groups, topics), which contain it.
   */
  readonly awsAccountId: string;
  /** Lowercase prefix for globally unique names (S3 buckets), e.g. the company's short name. */
  readonly organisationPrefix: string;
  /** `true` for production: NAT mode 'single' is refused. */
  readonly production: boolean;
  readonly dns: {
    /** Route 53 public hosted zone id, e.g. Z0123456789ABCDEFGHIJ. */
    readonly hostedZoneId: string;
    /** The hosted zone's domain; API hostnames are created under it. */
    readonly domain: string;
  };
  /** Addresses subscribed to the alarm topics (each must confirm the SNS subscription e-mail). */
  readonly alertEmails: readonly string[];
  readonly regions: { readonly [S in RegionSuffix]: RegionNetworkConfig };
  readonly database: DatabaseConfig;
  readonly tables: {
    /** Point-in-time recovery period of the DynamoDB global tables, 1–35 days. */
    readonly pointInTimeRecoveryDays: number;
  };
  /** Lambda memory in MB; the requirement fixes it at 1024. */
  readonly lambdaMemoryMb: number;
  readonly healthCheck: {
    /** Route 53 request interval in seconds; the requirement fixes it at 30 (immutable after creation). */
    readonly intervalSeconds: number;
    /** Consecutive failures before Route 53 marks the endpoint unhealthy, 1–10. Default 3. */
    readonly failureThreshold: number;
  };
  /** Replication-lag alarm threshold in milliseconds; the requirement is 1 s (≤ 1000). */
  readonly replicationLagThresholdMs: number;
  /**
   * Version of each replicated secret, an integer from 1. Raise one by one after changing the
   * Kubernetes Secret it is read from: only a new version sends the (write-only) value to Secrets
   * Manager (docs/runbooks.md, "Rotate a secret").
   */
  readonly secretVersions: { readonly dbCredentials: number; readonly webhookSigning: number };
  readonly failover: {
    /**
     * `true` enables the failover controller's schedule in both regions (it may then promote the
     * standby on its own); `false` (the default in every example) leaves the schedule DISABLED and
     * promotion to an operator with `npm run dr`.
     */
    readonly automatic: boolean;
    /** Consecutive failed minutes before the controller promotes, 1–60. Default 3. */
    readonly failedMinutesBeforePromotion: number;
  };
}
