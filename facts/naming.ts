import { HOME_REGION, REGION_SUFFIXES, type RegionSuffix } from './regions';

/**
 * Every AWS-facing name is `{resource-type}-{region-suffix}-{environment-suffix}`; resources homed
 * in the primary but serving both regions (global cluster, global tables, replicated secrets) carry
 * `use1`. Only S3 buckets, whose names are unique across all AWS accounts, get the organisation prefix.
 */
export function awsName(resourceType: string, region: RegionSuffix, environmentSuffix: string): string {
  return `${resourceType}-${region}-${environmentSuffix}`;
}

/** Name of an AWS-global-namespace resource (S3 bucket): `{organisation}-{resource-type}-{region}-{env}`. */
export function globallyUniqueName(
  organisationPrefix: string,
  resourceType: string,
  region: RegionSuffix,
  environmentSuffix: string,
): string {
  return `${organisationPrefix}-${awsName(resourceType, region, environmentSuffix)}`;
}

/** The AWS services whose naming rules the project's names must satisfy. */
export type NameService =
  | 'rds-cluster'
  | 'rds-global-cluster'
  | 'rds-instance'
  | 'rds-parameter-group'
  | 'rds-subnet-group'
  | 'lambda-function'
  | 'scheduler-schedule'
  | 'iam-role'
  | 'iam-policy'
  | 's3-bucket'
  | 'sns-topic'
  | 'dynamodb-table'
  | 'log-group'
  | 'secret'
  | 'kms-alias'
  | 'cloudwatch-alarm'
  | 'cloudwatch-dashboard'
  | 'apigateway-api'
  | 'ec2-name-tag'
  | 'security-group'
  | 'dns-name';

export interface NameRule {
  readonly minLength: number;
  readonly maxLength: number;
  readonly pattern: RegExp;
  /** The rule in words, as AWS documents it; printed when a name breaks it. */
  readonly description: string;
  /** Extra constraints a regular expression states poorly; each returns a violation or undefined. */
  readonly extraChecks?: ReadonlyArray<(name: string) => string | undefined>;
}

const noDoubleOrTrailingHyphen = (name: string) =>
  name.includes('--') || name.endsWith('-') ? 'must not contain two consecutive hyphens or end with a hyphen' : undefined;

const RDS_IDENTIFIER = {
  pattern: /^[a-z][a-z0-9-]*$/,
  description: 'RDS identifier: letters, digits and hyphens, starting with a letter',
  extraChecks: [noDoubleOrTrailingHyphen],
};

/** AWS naming rules, from each service's API reference (CreateDBCluster, CreateFunction, CreateRole, ...). */
export const NAME_RULES: Readonly<Record<NameService, NameRule>> = {
  'rds-cluster': { minLength: 1, maxLength: 63, ...RDS_IDENTIFIER },
  'rds-global-cluster': { minLength: 1, maxLength: 63, ...RDS_IDENTIFIER },
  'rds-instance': { minLength: 1, maxLength: 63, ...RDS_IDENTIFIER },
  'rds-parameter-group': { minLength: 1, maxLength: 255, ...RDS_IDENTIFIER },
  'rds-subnet-group': {
    minLength: 1,
    maxLength: 255,
    pattern: /^[a-z0-9 ._-]+$/,
    description: 'DB subnet group: lowercase letters, digits, spaces, periods, underscores and hyphens; not "default"',
    extraChecks: [(name) => (name === 'default' ? 'must not be "default"' : undefined)],
  },
  'lambda-function': {
    minLength: 1,
    maxLength: 64,
    pattern: /^[A-Za-z0-9_-]+$/,
    description: 'Lambda function name: letters, digits, hyphens and underscores',
  },
  'scheduler-schedule': {
    minLength: 1,
    maxLength: 64,
    pattern: /^[0-9a-zA-Z._-]+$/,
    description: 'EventBridge Scheduler schedule name: letters, digits and ._-',
  },
  'iam-role': { minLength: 1, maxLength: 64, pattern: /^[\w+=,.@-]+$/, description: 'IAM role name: letters, digits and +=,.@_-' },
  'iam-policy': { minLength: 1, maxLength: 128, pattern: /^[\w+=,.@-]+$/, description: 'IAM policy name: letters, digits and +=,.@_-' },
  's3-bucket': {
    minLength: 3,
    maxLength: 63,
    pattern: /^[a-z0-9][a-z0-9.-]*[a-z0-9]$/,
    description: 'S3 bucket name: lowercase letters, digits, periods and hyphens, starting and ending with a letter or digit',
    extraChecks: [
      (name) => (name.includes('..') ? 'must not contain two adjacent periods' : undefined),
      (name) => (/^\d+\.\d+\.\d+\.\d+$/.test(name) ? 'must not be formatted as an IP address' : undefined),
      (name) =>
        /^(xn--|sthree-|amzn-s3-demo-)/.test(name) ? 'must not start with a reserved prefix (xn--, sthree-, amzn-s3-demo-)' : undefined,
      (name) =>
        /(-s3alias|--ol-s3|--x-s3|\.mrap)$/.test(name)
          ? 'must not end with a reserved suffix (-s3alias, --ol-s3, --x-s3, .mrap)'
          : undefined,
    ],
  },
  'sns-topic': {
    minLength: 1,
    maxLength: 256,
    pattern: /^[A-Za-z0-9_-]+$/,
    description: 'SNS topic name: letters, digits, hyphens and underscores',
  },
  'dynamodb-table': {
    minLength: 3,
    maxLength: 255,
    pattern: /^[A-Za-z0-9_.-]+$/,
    description: 'DynamoDB table name: letters, digits, underscores, hyphens and periods',
  },
  'log-group': {
    minLength: 1,
    maxLength: 512,
    pattern: /^[A-Za-z0-9_\-/.#]+$/,
    description: 'CloudWatch log group name: letters, digits and _-/.#',
  },
  secret: {
    minLength: 1,
    maxLength: 512,
    pattern: /^[A-Za-z0-9/_+=.@-]+$/,
    description: 'Secrets Manager secret name: letters, digits and /_+=.@-',
    extraChecks: [
      // Secrets Manager appends "-" plus six random characters to the ARN; a name that already ends
      // that way makes partial-ARN lookups ambiguous, which AWS warns against.
      (name) =>
        /-[A-Za-z0-9]{6}$/.test(name) ? 'must not end with a hyphen followed by six characters (collides with the ARN suffix)' : undefined,
    ],
  },
  'kms-alias': {
    minLength: 7,
    maxLength: 256,
    pattern: /^alias\/[A-Za-z0-9/_-]+$/,
    description: 'KMS alias: "alias/" then letters, digits and /_-',
    extraChecks: [(name) => (name.startsWith('alias/aws') ? 'must not start with the reserved prefix alias/aws' : undefined)],
  },
  'cloudwatch-alarm': { minLength: 1, maxLength: 255, pattern: /^[\x20-\x7e]+$/, description: 'CloudWatch alarm name: printable ASCII' },
  'cloudwatch-dashboard': {
    minLength: 1,
    maxLength: 255,
    pattern: /^[A-Za-z0-9_-]+$/,
    description: 'CloudWatch dashboard name: letters, digits, - and _',
  },
  'apigateway-api': { minLength: 1, maxLength: 128, pattern: /^[\x20-\x7e]+$/, description: 'API Gateway API name: printable ASCII' },
  'ec2-name-tag': { minLength: 1, maxLength: 256, pattern: /^[\x20-\x7e]+$/, description: 'EC2 Name tag value: printable ASCII' },
  'security-group': {
    minLength: 1,
    maxLength: 255,
    pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/,
    description: 'security group name: letters, digits and ._-:/()#,@[]+=&;{}!$*',
    extraChecks: [(name) => (name.startsWith('sg-') ? 'must not start with "sg-"' : undefined)],
  },
  'dns-name': {
    minLength: 1,
    maxLength: 253,
    pattern: /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*$/,
    description: 'DNS name: dot-separated labels of 1-63 lowercase letters, digits and hyphens, not starting or ending with a hyphen',
  },
};

/** Every rule `name` breaks for `service` (empty when it is valid). */
export function nameViolations(service: NameService, name: string): string[] {
  const rule = NAME_RULES[service];
  const violations: string[] = [];
  if (name.length < rule.minLength || name.length > rule.maxLength) {
    violations.push(`length ${name.length} is outside ${rule.minLength}-${rule.maxLength}`);
  }
  if (!rule.pattern.test(name)) violations.push(`does not match the ${rule.description}`);
  for (const check of rule.extraChecks ?? []) {
    const violation = check(name);
    if (violation) violations.push(violation);
  }
  return violations;
}

/** What an environment's names are computed from. */
export interface NamingInputs {
  readonly environmentSuffix: string;
  readonly organisationPrefix: string;
  readonly domain: string;
}

export interface PlannedName {
  readonly service: NameService;
  readonly name: string;
}

/** Per-region resource types, each with the service whose rules its name must satisfy. */
const REGIONAL_TYPES: ReadonlyArray<[string, NameService]> = [
  ['vpc', 'ec2-name-tag'],
  ['subnet-private-c', 'ec2-name-tag'],
  ['subnet-public-c', 'ec2-name-tag'],
  ['nat-c', 'ec2-name-tag'],
  ['securitygroup-lambda', 'security-group'],
  ['securitygroup-aurora', 'security-group'],
  ['aurora', 'rds-cluster'],
  ['aurora-instance-5', 'rds-instance'],
  ['aurora-pg14-tls', 'rds-parameter-group'],
  ['db-subnets', 'rds-subnet-group'],
  ['webhook', 'lambda-function'],
  ['health', 'lambda-function'],
  ['failover-controller', 'lambda-function'],
  ['migrate', 'lambda-function'],
  ['role-webhook', 'iam-role'],
  ['role-health', 'iam-role'],
  ['role-failover-controller', 'iam-role'],
  ['role-migrate', 'iam-role'],
  ['role-scheduler', 'iam-role'],
  ['schedule-failover', 'scheduler-schedule'],
  ['alarm-lambda-throttles-failover-controller', 'cloudwatch-alarm'],
  ['policy-failover-controller', 'iam-policy'],
  ['alerts', 'sns-topic'],
  ['alarm-aurora-replication-lag', 'cloudwatch-alarm'],
  ['api-payments', 'apigateway-api'],
  ['dashboard-payments', 'cloudwatch-dashboard'],
];

/** Resource types homed in the primary region (they carry `use1` whatever region serves them). */
const HOME_TYPES: ReadonlyArray<[string, NameService]> = [
  ['aurora-global', 'rds-global-cluster'],
  ['sessions', 'dynamodb-table'],
  ['idempotency', 'dynamodb-table'],
  ['dr-state', 'dynamodb-table'],
  ['db-credentials', 'secret'],
  ['db-app-credentials', 'secret'],
  ['webhook-signing', 'secret'],
];

/**
 * Every AWS-facing name an environment produces, longest variant of each family included
 * (e.g. the 15th instance, the third AZ), so config validation can check real names rather than
 * guessing a safe suffix length.
 */
export function plannedNames(inputs: NamingInputs): PlannedName[] {
  const env = inputs.environmentSuffix;
  const names: PlannedName[] = HOME_TYPES.map(([type, service]) => ({ service, name: awsName(type, HOME_REGION, env) }));
  for (const region of REGION_SUFFIXES) {
    for (const [type, service] of REGIONAL_TYPES) names.push({ service, name: awsName(type, region, env) });
    names.push(
      { service: 's3-bucket', name: globallyUniqueName(inputs.organisationPrefix, 'artifacts', region, env) },
      { service: 'log-group', name: `/aws/lambda/${awsName('failover-controller', region, env)}` },
      { service: 'log-group', name: `/aws/apigateway/${awsName('api-payments', region, env)}` },
      { service: 'kms-alias', name: `alias/${awsName('payments', region, env)}` },
      { service: 'dns-name', name: regionalApiDomain(inputs.domain, region, env) },
    );
  }
  names.push({ service: 'dns-name', name: failoverApiDomain(inputs.domain, env) });
  return names;
}

/** The region's own API hostname (its custom domain; the failover record aliases to it). */
export function regionalApiDomain(domain: string, region: RegionSuffix, environmentSuffix: string): string {
  return `${awsName('api', region, environmentSuffix)}.${domain}`;
}

/** The hostname senders call; Route 53 failover records answer it with the healthy region. */
export function failoverApiDomain(domain: string, environmentSuffix: string): string {
  return `api-${environmentSuffix}.${domain}`;
}
