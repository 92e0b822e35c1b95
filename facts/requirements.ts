/**
 * The requirement values, each defined once. The config schema (charts/config), the XRDs and
 * Compositions (compositions/), the conformance checks (conformance/) and the tests import them
 * from here; none of them spells the number or the rule again. test/facts/requirements.test.ts
 * pins each value to the requirement as written, so a wrong change here fails there.
 */

/** Route 53 health-check request interval, seconds (Route 53 cannot change it after creation). */
export const HEALTH_CHECK_INTERVAL_SECONDS = 30;

/** Lambda memory of every function, MB. */
export const LAMBDA_MEMORY_MB = 1024;

/** The replication-lag alarm alerts at this lag or below, ms (the requirement: alert at 1 s). */
export const MAX_REPLICATION_LAG_THRESHOLD_MS = 1000;

/**
 * Aurora Global Database needs memory-optimised instance classes (no burstable db.t*); these are
 * the families it supports, in any size large, xlarge or <n>xlarge.
 */
export const GLOBAL_DB_INSTANCE_FAMILIES = ['r5', 'r6g', 'r6gd', 'r6i', 'r6id', 'r7g', 'r7i', 'r8g', 'x2g'] as const;
/** The instance-class rule as a regular expression (its `.source` is the XRD's pattern). */
const families = GLOBAL_DB_INSTANCE_FAMILIES;
export const GLOBAL_DB_INSTANCE_CLASS = new RegExp(`^db\\.(${families.join('|')})\\.(large|xlarge|[0-9]+xlarge)$`);
/** The instance-class rule in words, as config errors print it. */
export const GLOBAL_DB_INSTANCE_CLASS_RULE = `a memory-optimised class Aurora Global Database supports (db.${families.join('/')}.<size>)`;

/**
 * IAM, rule 1: no wildcard action. An action is `service:Action` with no `*` or `?` anywhere
 * (refuses `*`, `service:*`, `service:Get*`); NotAction/NotResource are refused too.
 */
export const EXACT_IAM_ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/**
 * IAM, rule 2: `Resource: "*"` only for these actions, each with the reason — AWS offers no
 * resource-level permission for them. Every other statement names exact ARNs.
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS: Readonly<Record<string, string>> = {
  'ec2:DescribeNetworkInterfaces':
    'EC2 Describe* actions support no resource-level permissions; Lambda needs it to manage its VPC network interfaces',
  'cloudwatch:GetMetricData':
    'CloudWatch GetMetricData supports no resource-level permissions; the failover controller reads the replication lag with it',
  'ec2:DescribeSubnets':
    'EC2 Describe* actions support no resource-level permissions; Lambda reads its subnets when it creates VPC network ' +
    'interfaces (AWSLambdaVPCAccessExecutionRole v3), and AWS FIS aws:network:disrupt-connectivity reads the target subnets',
  'ec2:DescribeNetworkAcls':
    'EC2 Describe* actions support no resource-level permissions; AWS FIS aws:network:disrupt-connectivity reads ' +
    "the subnets' network ACLs to swap them and restore them",
  'ec2:DescribeVpcs':
    'EC2 Describe* actions support no resource-level permissions; AWS FIS aws:network:disrupt-connectivity reads ' +
    "the subnets' VPC to create its deny-all network ACL there",
};

/** True when an action may be used with `Resource: "*"`. */
export const mayUseResourceStar = (action: string): boolean => Object.hasOwn(ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS, action);
