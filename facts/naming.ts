import { HOME_REGION, REGION_SUFFIXES, type RegionSuffix } from './regions';

/**
 * Every AWS-facing name is `{resource-type}-{region-suffix}-{environment-suffix}`; resources homed
 * in the primary but serving both regions (global cluster, global tables, replicated secrets) carry
 * `use1`. Only S3 buckets, whose names are unique across all AWS accounts, get the organisation prefix.
 */
export function awsName(resourceType: string, region: RegionSuffix, environmentSuffix: string): string {
  return `${resourceType}-${region}-${environmentSuffix}`;
}

/**
 * The same convention as a Crossplane combine format, for the Compositions' name patches:
 * `{type}-%s-%s` (region and environment from the XR), or `{type}-{region}-%s` for a resource homed in `region`.
 */
export function awsNameFormat(resourceType: string, region?: RegionSuffix): string {
  return `${resourceType}-${region ?? '%s'}-%s`;
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

/** Instance slots of each regional Aurora cluster (the PaymentGlobal Composition composes one per slot). */
export const MAX_INSTANCES_PER_REGION = 5;

/** Zone letters of the three availability-zone slots of a region. */
export const ZONE_LETTERS = ['a', 'b', 'c'] as const;

/**
 * How a name is built from its type: `regional` is `{type}-{region}-{env}` (the default); the
 * others wrap that: the organisation prefix in front (S3, a global namespace), a log-group path,
 * a KMS alias; and the two API hostnames under the environment's domain.
 */
export type NameForm =
  | 'regional'
  | 'organisation'
  | 'lambda-log-group'
  | 'apigateway-log-group'
  | 'kms-alias'
  | 'regional-domain'
  | 'failover-domain';

/** One row of the naming table: a resource type, the AWS service whose rules its name must satisfy, how it is built. */
export interface AwsNameEntry {
  /** Resource type in the name; `{zone}` stands for a zone letter (a-c), `{slot}` for an instance slot (1-MAX_INSTANCES_PER_REGION). */
  readonly type: string;
  readonly service: NameService;
  /** Default 'regional'. */
  readonly form?: NameForm;
  /** Set for resources homed in one region whichever region serves them (global cluster, global tables, secrets). */
  readonly home?: RegionSuffix;
}

const regionalTypes = (service: NameService, types: readonly string[]): AwsNameEntry[] => types.map((type) => ({ type, service }));
const homedTypes = (service: NameService, types: readonly string[]): AwsNameEntry[] =>
  types.map((type) => ({ type, service, home: HOME_REGION }));
const FUNCTIONS = ['webhook', 'health', 'failover-controller', 'migrate'];
const ROLES = [...FUNCTIONS, 'scheduler', 'fis-aurora-writer-failover', 'fis-network-disruption'];

/**
 * Every AWS-facing name the project composes: the one table that the Compositions' name patches
 * are checked against at construction (compositions/lib/naming.ts), that config validation expands
 * into the longest real names (plannedNames), and that test/facts/naming.test.ts holds every
 * rendered name to.
 */
export const AWS_NAMES: readonly AwsNameEntry[] = [
  ...regionalTypes('ec2-name-tag', [
    'vpc',
    'igw',
    'subnet-private-{zone}',
    'subnet-public-{zone}',
    'nat-{zone}',
    'nat-eip-{zone}',
    'rt-public',
    'rt-private-{zone}',
    'securitygroup-lambda',
    'securitygroup-aurora',
    'healthcheck',
    'fis-aurora-writer-failover',
    'fis-network-disruption',
  ]),
  { type: 'peering', service: 'ec2-name-tag', home: HOME_REGION },
  { type: 'peering-accepter', service: 'ec2-name-tag', home: 'usw2' },
  ...regionalTypes('security-group', ['securitygroup-lambda', 'securitygroup-aurora']),
  ...regionalTypes('rds-cluster', ['aurora']),
  ...regionalTypes('rds-instance', ['aurora-instance-{slot}']),
  ...regionalTypes('rds-parameter-group', ['aurora-pg14-tls']),
  ...regionalTypes('rds-subnet-group', ['db-subnets']),
  ...homedTypes('rds-global-cluster', ['aurora-global']),
  ...regionalTypes('lambda-function', FUNCTIONS),
  ...regionalTypes(
    'iam-role',
    ROLES.map((role) => `role-${role}`),
  ),
  ...regionalTypes(
    'iam-policy',
    ROLES.map((role) => `policy-${role}`),
  ),
  ...regionalTypes('scheduler-schedule', ['schedule-failover']),
  ...regionalTypes('sns-topic', ['alerts']),
  ...regionalTypes('cloudwatch-alarm', [
    'alarm-api-5xx',
    'alarm-healthcheck',
    'alarm-aurora-replication-lag',
    'alarm-aurora-rpo-lag',
    'alarm-ddb-replication-sessions',
    'alarm-ddb-replication-idempotency',
    ...['webhook', 'health', 'failover-controller'].flatMap((fn) => [`alarm-lambda-errors-${fn}`, `alarm-lambda-throttles-${fn}`]),
  ]),
  ...homedTypes(
    'cloudwatch-alarm',
    ['sessions', 'idempotency', 'dr-state'].map((table) => `alarm-ddb-system-errors-${table}`),
  ),
  ...regionalTypes('cloudwatch-dashboard', ['dashboard-payments']),
  ...regionalTypes('apigateway-api', ['api-payments']),
  ...homedTypes('dynamodb-table', ['sessions', 'idempotency', 'dr-state']),
  ...homedTypes('secret', ['db-credentials', 'db-app-credentials', 'webhook-signing']),
  { type: 'artifacts', service: 's3-bucket', form: 'organisation' },
  ...FUNCTIONS.map((type): AwsNameEntry => ({ type, service: 'log-group', form: 'lambda-log-group' })),
  { type: 'api-payments', service: 'log-group', form: 'apigateway-log-group' },
  { type: 'payments', service: 'kms-alias', form: 'kms-alias' },
  { type: 'api', service: 'dns-name', form: 'regional-domain' },
  { type: 'api', service: 'dns-name', form: 'failover-domain' },
];

/** The variants of a type: `{zone}` and `{slot}` expanded (a type without them is its only variant). */
export function typeVariants(type: string): string[] {
  const slots = Array.from({ length: MAX_INSTANCES_PER_REGION }, (_, i) => String(i + 1));
  return type.includes('{zone}')
    ? ZONE_LETTERS.map((letter) => type.replace('{zone}', letter))
    : type.includes('{slot}')
      ? slots.map((slot) => type.replace('{slot}', slot))
      : [type];
}

/** The regions an entry's name may carry: its home, or either region. */
export const entryRegions = (entry: AwsNameEntry): readonly RegionSuffix[] => (entry.home ? [entry.home] : REGION_SUFFIXES);

/** The name of one variant of an entry, in one region, for one environment. */
export function entryName(entry: AwsNameEntry, type: string, region: RegionSuffix, inputs: NamingInputs): string {
  const env = inputs.environmentSuffix;
  switch (entry.form ?? 'regional') {
    case 'organisation':
      return globallyUniqueName(inputs.organisationPrefix, type, region, env);
    case 'lambda-log-group':
      return `/aws/lambda/${awsName(type, region, env)}`;
    case 'apigateway-log-group':
      return `/aws/apigateway/${awsName(type, region, env)}`;
    case 'kms-alias':
      return `alias/${awsName(type, region, env)}`;
    case 'regional-domain':
      return regionalApiDomain(inputs.domain, region, env);
    case 'failover-domain':
      return failoverApiDomain(inputs.domain, env);
    default:
      return awsName(type, region, env);
  }
}

/** Every name the table allows for an environment, each with its entry (for matching rendered names). */
export function allowedNames(inputs: NamingInputs): Array<PlannedName & { readonly entry: AwsNameEntry }> {
  const names = new Map<string, PlannedName & { entry: AwsNameEntry }>();
  for (const entry of AWS_NAMES)
    for (const type of typeVariants(entry.type))
      for (const region of entryRegions(entry)) {
        const name = entryName(entry, type, region, inputs);
        names.set(`${entry.service} ${name}`, { service: entry.service, name, entry });
      }
  return [...names.values()];
}

/** True when the table has an entry of `service` whose type (or one of its variants) is `type`. */
export function isNamedType(service: NameService, type: string): boolean {
  return AWS_NAMES.some((entry) => entry.service === service && typeVariants(entry.type).includes(type));
}

/**
 * `awsName` for a type the table lists for `service`, or an error: code outside the Compositions
 * (the claims, the dr commands) names only what the Compositions compose and validation checked.
 */
export function tableName(service: NameService, type: string, region: RegionSuffix, environmentSuffix: string): string {
  if (!isNamedType(service, type)) throw new Error(`no ${service} row for "${type}" in the naming table (facts/naming.ts AWS_NAMES)`);
  return awsName(type, region, environmentSuffix);
}

/**
 * Every AWS-facing name an environment produces (every row of AWS_NAMES, every variant, every
 * region it may carry), so config validation checks the real names rather than guessing a safe
 * suffix length.
 */
export function plannedNames(inputs: NamingInputs): PlannedName[] {
  return allowedNames(inputs).map(({ service, name }) => ({ service, name }));
}

/** The region's own API hostname (its custom domain; the failover record aliases to it). */
export function regionalApiDomain(domain: string, region: RegionSuffix, environmentSuffix: string): string {
  return `${awsName('api', region, environmentSuffix)}.${domain}`;
}

/** The hostname senders call; Route 53 failover records answer it with the healthy region. */
export function failoverApiDomain(domain: string, environmentSuffix: string): string {
  return `api-${environmentSuffix}.${domain}`;
}

/**
 * The longest environment suffix any environment can have: every name of the table fits with the
 * shortest organisation prefix and domain. The XRDs state it as `maxLength`; config validation
 * checks an environment's real names, whose prefix and domain may allow less.
 */
export const MAX_ENVIRONMENT_SUFFIX_LENGTH: number = (() => {
  const fits = (length: number): boolean =>
    plannedNames({ environmentSuffix: 'a'.repeat(length), organisationPrefix: 'a', domain: 'a.io' }).every(
      ({ service, name }) => nameViolations(service, name).length === 0,
    );
  let length = 64;
  while (length > 0 && !fits(length)) length--;
  return length;
})();
