import { z } from 'zod';
import { MAX_INSTANCES_PER_REGION } from '../../facts/naming';
import { REGIONS } from '../../facts/regions';
import { GLOBAL_DB_INSTANCE_CLASS, GLOBAL_DB_INSTANCE_CLASS_RULE, MAX_REPLICATION_LAG_THRESHOLD_MS } from '../../facts/requirements';

/**
 * The schema of one environment: strict objects (an unknown or misspelled field is an error naming
 * it), per-field rules with the message an operator reads. Rules that relate fields to each other
 * or to generated AWS names live in validate.ts; the TypeScript types are inferred from here.
 */
const integerIn = (min: number, max: number, rule: string) =>
  z
    .number({ error: `must be ${rule}` })
    .int(`must be ${rule}`)
    .min(min, `must be ${rule}`)
    .max(max, `must be ${rule}`);
const matching = (pattern: RegExp, rule: string) => z.string({ error: rule }).regex(pattern, rule);
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export const BACKUP_WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/** NAT gateways: one per AZ (survives an AZ outage; production) or a single shared one (cheaper; non-prod). */
const natMode = z.enum(['per-az', 'single'], { error: 'must be "per-az" or "single"' });
export type NatMode = z.infer<typeof natMode>;

const regionNetwork = <S extends keyof typeof REGIONS>(suffix: S) =>
  z.strictObject({
    /** VPC IPv4 CIDR, an RFC 1918 range /16–/24; split into 3 private + 3 public subnets. Must not overlap the other region (peering). */
    vpcCidr: z.string({ error: 'must be an IPv4 CIDR like 10.0.0.0/16' }),
    /** Exactly three distinct availability zones of the region, e.g. us-east-1a. */
    availabilityZones: z.tuple([z.string(), z.string(), z.string()], {
      error: `must be three distinct availability zones of ${REGIONS[suffix].region} (e.g. ${REGIONS[suffix].region}a)`,
    }),
    /** 'single' is allowed for non-production environments only. */
    natMode,
  });

const database = z.strictObject({
  /** Aurora PostgreSQL 14 minor version, e.g. "14.15". */
  engineVersion: matching(/^14\.\d+$/, 'must be an Aurora PostgreSQL 14 version, "14.<minor>"'),
  /** Aurora instance class supported by Aurora Global Database, e.g. db.r6g.large. */
  instanceClass: matching(GLOBAL_DB_INSTANCE_CLASS, `must be ${GLOBAL_DB_INSTANCE_CLASS_RULE}`),
  /** Instances per regional cluster (writer + readers in the primary; readers in the secondary); one per Composition slot. */
  instancesPerRegion: integerIn(
    1,
    MAX_INSTANCES_PER_REGION,
    `an integer 1-${MAX_INSTANCES_PER_REGION} (the PaymentGlobal Composition's instance slots per region)`,
  ),
  /** Automated backup retention in days (point-in-time recovery covers this window). */
  backupRetentionDays: integerIn(1, 35, 'an integer 1-35 days'),
  /** Daily backup window, UTC, at least 30 minutes. */
  preferredBackupWindow: matching(BACKUP_WINDOW, 'must be "hh:mm-hh:mm" in UTC'),
});
export type DatabaseConfig = z.infer<typeof database>;

export const environmentSchema = z.strictObject({
  /** Lowercase alphanumeric; appears in every AWS name (`{type}-{region}-{environmentSuffix}`). */
  environmentSuffix: matching(/^[a-z0-9]+$/, 'must be lowercase alphanumeric (a-z, 0-9), at least one character'),
  /** The AWS account the environment lives in; IAM policies name exact resource ARNs, which contain it. */
  awsAccountId: matching(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  /** Lowercase prefix for globally unique names (S3 buckets), e.g. the company's short name. */
  organisationPrefix: matching(
    /^[a-z0-9]+(-[a-z0-9]+)*$/,
    'must be lowercase letters, digits and single hyphens (it starts S3 bucket names)',
  ),
  /** `true` for production: NAT mode 'single' is refused. */
  production: z.boolean({ error: 'must be true or false' }),
  dns: z.strictObject({
    /** Route 53 public hosted zone id, e.g. Z0123456789ABCDEFGHIJ. */
    hostedZoneId: matching(/^Z[A-Z0-9]{1,31}$/, 'must be a Route 53 hosted zone id: "Z" then up to 31 uppercase letters/digits'),
    /** The hosted zone's domain; API hostnames are created under it (DNS rules checked in validate.ts). */
    domain: z.string({ error: 'must be a DNS name' }),
  }),
  /** Addresses subscribed to the alarm topics (each must confirm the SNS subscription e-mail). */
  alertEmails: z
    .array(matching(EMAIL, 'must be an e-mail address like name@example.com'), { error: 'must list at least one address' })
    .min(1, 'must list at least one address'),
  regions: z.strictObject({ use1: regionNetwork('use1'), usw2: regionNetwork('usw2') }),
  database,
  tables: z.strictObject({
    /** Point-in-time recovery period of the DynamoDB global tables. */
    pointInTimeRecoveryDays: integerIn(1, 35, 'an integer 1-35 days'),
  }),
  /** Route 53 health check; its request interval is not configurable (HEALTH_CHECK_INTERVAL_SECONDS, facts/requirements.ts). */
  healthCheck: z.strictObject({
    /** Consecutive failures before Route 53 marks the endpoint unhealthy. */
    failureThreshold: integerIn(1, 10, 'an integer 1-10 (Route 53 limit)'),
  }),
  /** Replication-lag alarm threshold in milliseconds; the requirement alerts at 1 s (≤ MAX_REPLICATION_LAG_THRESHOLD_MS). */
  replicationLagThresholdMs: integerIn(
    1,
    MAX_REPLICATION_LAG_THRESHOLD_MS,
    `an integer 1-${MAX_REPLICATION_LAG_THRESHOLD_MS} ms (the requirement alerts at 1 s)`,
  ),
  /**
   * Version of each replicated secret. Raise one by one after changing the Kubernetes Secret it is
   * read from: only a new version sends the (write-only) value to Secrets Manager (docs/runbooks.md, "Rotate a secret").
   */
  secretVersions: z.strictObject({
    dbCredentials: integerIn(1, 1_000_000, 'an integer 1-1000000 (raise it by one to push a rotated secret)'),
    /** The app role's password (db-app-credentials); a new version also re-runs the migrate function, which sets it on the role. */
    dbAppCredentials: integerIn(1, 1_000_000, 'an integer 1-1000000 (raise it by one to push a rotated secret)'),
    webhookSigning: integerIn(1, 1_000_000, 'an integer 1-1000000 (raise it by one to push a rotated secret)'),
  }),
  failover: z.strictObject({
    /**
     * `true` enables the failover controller's schedule in both regions (it may then promote the
     * standby on its own); `false` leaves the schedule DISABLED and promotion to an operator with `npm run dr`.
     */
    automatic: z.boolean({ error: 'must be true or false (false: promotion stays with operators)' }),
    /** Consecutive failed minutes before the controller promotes. */
    failedMinutesBeforePromotion: integerIn(1, 60, 'an integer 1-60 minutes'),
  }),
});

export type EnvironmentConfig = z.infer<typeof environmentSchema>;
export type RegionNetworkConfig = EnvironmentConfig['regions'][keyof EnvironmentConfig['regions']];
