import { REGIONS, REGION_SUFFIXES } from '../../facts/regions';
import { LABEL } from '../../facts/labels';
import { Group } from '../../imports/cloudwatchlogs.aws.upbound.io';
import { Role, RolePolicy } from '../../imports/iam.aws.upbound.io';
import { FunctionV1Beta2 } from '../../imports/lambda.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { DATABASE } from '../lib/database';
import { type Statement, policyDocument, serviceTrustPolicy } from '../lib/iam';
import { type Patch, type Transform, combine, fromXr, required, templated } from '../lib/patches';
import { regionFromXr, sameComposite } from '../lib/resources';
import { XR, regionalName, regionalResource } from './common';

/** Days Lambda and API access logs are kept. */
export const LOG_RETENTION_DAYS = 30;

/** XR fields the policy templates may use, by token. */
const POLICY_FIELDS = {
  account: XR.account,
  region: XR.region,
  regionSuffix: XR.regionSuffix,
  env: XR.environment,
  kmsKeyArn: 'status.kmsKeyArn',
} as const;

/** Resources homed in the primary (global tables, replicated secrets) keep their `use1` names in every region. */
const tableArn = (table: string) => `arn:aws:dynamodb:{{region}}:{{account}}:table/${table}-use1-{{env}}`;
const SESSIONS_TABLE_ARN = tableArn('sessions');
const IDEMPOTENCY_TABLE_ARN = tableArn('idempotency');
/** The active-region record (fencing) lives in this global table. */
const DR_STATE_TABLE_ARN = tableArn('dr-state');
/** Secrets Manager appends "-" and six random characters to a secret's ARN: `-??????` matches exactly that. */
const secretArn = (name: string) => `arn:aws:secretsmanager:{{region}}:{{account}}:secret:${name}-use1-{{env}}-??????`;

function logStatement(fn: string): Statement {
  return {
    Sid: 'OwnLogGroup',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: `arn:aws:logs:{{region}}:{{account}}:log-group:/aws/lambda/${fn}-{{regionSuffix}}-{{env}}:*`,
  };
}

/** What a VPC-attached Lambda needs to manage its network interfaces in this region's account. */
const VPC_NETWORKING: Statement[] = [
  {
    Sid: 'VpcNetworkInterfaces',
    Effect: 'Allow',
    Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    Resource: ['network-interface', 'subnet', 'security-group'].map((type) => `arn:aws:ec2:{{region}}:{{account}}:${type}/*`),
  },
  { Sid: 'DescribeNetworkInterfaces', Effect: 'Allow', Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: '*' },
];

const OWN_CLUSTER_ARN = 'arn:aws:rds:{{region}}:{{account}}:cluster:aurora-{{regionSuffix}}-{{env}}';

/**
 * The webhook finds the writer: the global cluster (writer endpoint and members) and the writer
 * member, described in its own region — either cluster, whichever holds the writer — for the TLS
 * name check (functions/README.md, "TLS to Aurora").
 */
const DISCOVER_WRITER: Statement[] = [
  {
    Sid: 'DescribeGlobalCluster',
    Effect: 'Allow',
    Action: ['rds:DescribeGlobalClusters'],
    Resource: ['arn:aws:rds::{{account}}:global-cluster:aurora-global-use1-{{env}}'],
  },
  {
    Sid: 'DescribeWriterMember',
    Effect: 'Allow',
    Action: ['rds:DescribeDBClusters'],
    Resource: REGION_SUFFIXES.map((suffix) => `arn:aws:rds:${REGIONS[suffix].region}:{{account}}:cluster:aurora-${suffix}-{{env}}`),
  },
];

/** Health finds this region's cluster (its reader endpoint) and never the other region's. */
const DISCOVER_LOCAL_CLUSTER: Statement = {
  Sid: 'DescribeLocalCluster',
  Effect: 'Allow',
  Action: ['rds:DescribeDBClusters'],
  Resource: [OWN_CLUSTER_ARN],
};

/** The migrate function reads both database secrets, through Secrets Manager only. */
const DECRYPT_SECRETS: Statement = {
  Sid: 'DecryptSecrets',
  Effect: 'Allow',
  Action: ['kms:Decrypt'],
  Resource: '{{kmsKeyArn}}',
  Condition: { StringEquals: { 'kms:ViaService': ['secretsmanager.{{region}}.amazonaws.com'] } },
};

const DECRYPT_VIA_SERVICES: Statement = {
  Sid: 'DecryptSecretsAndTables',
  Effect: 'Allow',
  Action: ['kms:Decrypt'],
  Resource: '{{kmsKeyArn}}',
  Condition: { StringEquals: { 'kms:ViaService': ['secretsmanager.{{region}}.amazonaws.com', 'dynamodb.{{region}}.amazonaws.com'] } },
};

export interface LambdaSpec {
  /** Function name stem: the AWS name is `{name}-{region}-{env}`. */
  readonly name: 'webhook' | 'health' | 'failover-controller' | 'migrate';
  /** Key of the function's artifact under the XR's spec.functions. */
  readonly artifact: 'webhook' | 'health' | 'failoverController' | 'migrate';
  /** Seconds; the health function must answer within Route 53's 2 s window, so it stays short. */
  readonly timeoutSeconds: number;
  readonly statements: readonly Statement[];
  /**
   * Attached to the region's private subnets (they reach Aurora). The failover controller is not:
   * it talks only to public AWS APIs and the public /health endpoints, so its evidence never
   * depends on this region's NAT gateways, and it leaves no network interface to slow a delete.
   */
  readonly inVpc: boolean;
  /** Environment variables beyond the shared ones, as patches (config.ts of each function validates them). */
  readonly environment: readonly Patch[];
  /** Fixed environment variables of this function (the database it connects to, and as whom). */
  readonly variables?: Readonly<Record<string, string>>;
}

const variable = (name: string) => `spec.forProvider.environment.variables[${name}]`;
const homeName = (type: string, name: string) => combine(`${type}-use1-%s`, [XR.environment], variable(name));
const asString: Transform = { type: 'convert', convert: { toType: 'string' } };

/** The DR state table's strongly consistent replica in this region (fence, heartbeats, probe state). */
const DR_STATE_ITEMS = ['dynamodb:GetItem', 'dynamodb:PutItem'];

/** Everything the failover controller may do (functions/README.md, "IAM"), in its own region only. */
const FAILOVER_CONTROLLER_STATEMENTS: Statement[] = [
  logStatement('failover-controller'),
  {
    Sid: 'PromoteOwnCluster',
    Effect: 'Allow',
    Action: ['rds:DescribeGlobalClusters', 'rds:FailoverGlobalCluster'],
    Resource: ['arn:aws:rds::{{account}}:global-cluster:aurora-global-use1-{{env}}', OWN_CLUSTER_ARN],
  },
  { Sid: 'ReadOwnCluster', Effect: 'Allow', Action: ['rds:DescribeDBClusters'], Resource: [OWN_CLUSTER_ARN] },
  { Sid: 'FenceAndProbeState', Effect: 'Allow', Action: DR_STATE_ITEMS, Resource: [DR_STATE_TABLE_ARN] },
  {
    Sid: 'AlertOwnTopic',
    Effect: 'Allow',
    Action: ['sns:Publish'],
    Resource: ['arn:aws:sns:{{region}}:{{account}}:alerts-{{regionSuffix}}-{{env}}'],
  },
  { Sid: 'ReplicationLagEvidence', Effect: 'Allow', Action: ['cloudwatch:GetMetricData'], Resource: '*' },
  {
    Sid: 'EncryptedTableAndTopic',
    Effect: 'Allow',
    // The alert topic and the table are encrypted with the region's key: publishing needs a data key.
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: '{{kmsKeyArn}}',
    Condition: { StringEquals: { 'kms:ViaService': ['sns.{{region}}.amazonaws.com', 'dynamodb.{{region}}.amazonaws.com'] } },
  },
];

/**
 * The webhook and health connect as the least-privilege app role (functions/migrations/002), with
 * its secret; the master secret is readable by the migrate function's role only.
 */
const APP_DATABASE_USER = { DB_NAME: DATABASE.name, DB_USERNAME: DATABASE.appUsername };
const APP_ENVIRONMENT = [
  homeName('sessions', 'SESSIONS_TABLE'),
  homeName('idempotency', 'IDEMPOTENCY_TABLE'),
  homeName('db-app-credentials', 'DB_SECRET_ID'),
  homeName('webhook-signing', 'SIGNING_SECRET_ID'),
];

/** The four functions and exactly what each may do. */
export const LAMBDAS: readonly LambdaSpec[] = [
  {
    name: 'webhook',
    artifact: 'webhook',
    timeoutSeconds: 10,
    inVpc: true,
    variables: APP_DATABASE_USER,
    environment: APP_ENVIRONMENT,
    statements: [
      logStatement('webhook'),
      // Powertools idempotency records: read, claim, complete, release.
      {
        Sid: 'IdempotencyRecords',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        Resource: [IDEMPOTENCY_TABLE_ARN],
      },
      { Sid: 'SessionItems', Effect: 'Allow', Action: ['dynamodb:UpdateItem'], Resource: [SESSIONS_TABLE_ARN] },
      { Sid: 'ReadFence', Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [DR_STATE_TABLE_ARN] },
      {
        Sid: 'ReadSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [secretArn('db-app-credentials'), secretArn('webhook-signing')],
      },
      DECRYPT_VIA_SERVICES,
      ...DISCOVER_WRITER,
      ...VPC_NETWORKING,
    ],
  },
  {
    name: 'health',
    artifact: 'health',
    timeoutSeconds: 3,
    inVpc: true,
    variables: APP_DATABASE_USER,
    environment: APP_ENVIRONMENT,
    statements: [
      logStatement('health'),
      { Sid: 'LocalTablesAnswer', Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [SESSIONS_TABLE_ARN, IDEMPOTENCY_TABLE_ARN] },
      // Routing follows the fence: /health fails in a region that is not active or cannot read it.
      { Sid: 'ReadFence', Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [DR_STATE_TABLE_ARN] },
      {
        Sid: 'LocalSecretReplicasReadable',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [secretArn('db-app-credentials'), secretArn('webhook-signing')],
      },
      DECRYPT_VIA_SERVICES,
      DISCOVER_LOCAL_CLUSTER,
      ...VPC_NETWORKING,
    ],
  },
  {
    name: 'failover-controller',
    artifact: 'failoverController',
    // Up to two 6 s probes per region, a CloudWatch read and a promotion call; well inside a minute.
    timeoutSeconds: 60,
    inVpc: false,
    environment: [
      templated('arn:aws:sns:{{region}}:{{account}}:alerts-{{regionSuffix}}-{{env}}', POLICY_FIELDS, variable('ALERT_TOPIC_ARN')),
      combine('https://%s/health', ['spec.dns.regionalDomain'], variable('OWN_HEALTH_URL')),
      combine('https://%s/health', ['spec.peer.regionalDomain'], variable('PEER_HEALTH_URL')),
      fromXr('spec.failover.automatic', variable('AUTO_FAILOVER_ENABLED'), asString),
      fromXr('spec.failover.failedMinutesBeforePromotion', variable('FAILED_MINUTES_BEFORE_PROMOTION'), asString),
      fromXr('spec.alerting.replicationLagThresholdMs', variable('REPLICATION_LAG_THRESHOLD_MS'), asString),
    ],
    statements: FAILOVER_CONTROLLER_STATEMENTS,
  },
  {
    // Invoked by PaymentGlobal's Invocation (the us-east-1 one; composed in both regions so an
    // operator can run it in us-west-2 when us-east-1 is down): applies functions/migrations/ as
    // the master user and sets the app role's password.
    name: 'migrate',
    artifact: 'migrate',
    // an index build may take minutes; the Invocation waits for the answer (RequestResponse)
    timeoutSeconds: 300,
    inVpc: true,
    variables: { DB_NAME: DATABASE.name, DB_MASTER_USERNAME: DATABASE.masterUsername, DB_APP_USERNAME: DATABASE.appUsername },
    environment: [homeName('db-credentials', 'DB_MASTER_SECRET_ID'), homeName('db-app-credentials', 'DB_APP_SECRET_ID')],
    statements: [
      logStatement('migrate'),
      {
        Sid: 'ReadDatabaseSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [secretArn('db-credentials'), secretArn('db-app-credentials')],
      },
      DECRYPT_SECRETS,
      ...DISCOVER_WRITER,
      ...VPC_NETWORKING,
    ],
  },
];

/** Environment variables every function reads (functions/shared/config.ts validates them at cold start). */
const SHARED_ENVIRONMENT: Patch[] = [
  fromXr(XR.regionSuffix, variable('REGION_SUFFIX')),
  fromXr(XR.environment, variable('ENVIRONMENT_SUFFIX')),
  homeName('dr-state', 'DR_STATE_TABLE'),
  homeName('aurora-global', 'GLOBAL_CLUSTER_ID'),
  regionalName('aurora', variable('LOCAL_CLUSTER_ID')),
];

function lambdaResources(fn: LambdaSpec): ComposedResource[] {
  const ownRole = sameComposite({ [LABEL.purpose]: fn.name });
  const logGroupName = combine(
    `/aws/lambda/${fn.name}-%s-%s`,
    [XR.regionSuffix, XR.environment],
    'metadata.annotations[crossplane.io/external-name]',
  );
  return [
    regionalResource({
      name: `log-group-${fn.name}`,
      type: `lg-${fn.name}`,
      component: 'compute',
      purpose: fn.name,
      manifest: Group.manifest({
        spec: { forProvider: regionFromXr({ retentionInDays: LOG_RETENTION_DAYS, kmsKeyIdSelector: sameComposite() }) },
      }),
      patches: [logGroupName],
    }),
    regionalResource({
      name: `role-${fn.name}`,
      type: `role-${fn.name}`,
      component: 'compute',
      purpose: fn.name,
      regional: false,
      manifest: Role.manifest({ spec: { forProvider: { description: `payments-dr ${fn.name} Lambda` } } }),
      patches: [
        templated(serviceTrustPolicy('lambda.amazonaws.com', '{{account}}'), { account: XR.account }, 'spec.forProvider.assumeRolePolicy'),
      ],
    }),
    regionalResource({
      name: `role-policy-${fn.name}`,
      type: `policy-${fn.name}`,
      component: 'compute',
      purpose: fn.name,
      regional: false,
      manifest: RolePolicy.manifest({ spec: { forProvider: { roleSelector: ownRole } } }),
      patches: [required(templated(policyDocument(fn.statements), POLICY_FIELDS, 'spec.forProvider.policy'))],
    }),
    regionalResource({
      name: `function-${fn.name}`,
      type: fn.name,
      component: 'compute',
      purpose: fn.name,
      manifest: FunctionV1Beta2.manifest({
        spec: {
          forProvider: regionFromXr({
            handler: 'index.handler',
            architectures: ['arm64'],
            timeout: fn.timeoutSeconds,
            publish: false,
            s3BucketSelector: sameComposite(),
            roleSelector: ownRole,
            ...(fn.inVpc
              ? {
                  vpcConfig: {
                    subnetIdSelector: sameComposite({ [LABEL.purpose]: 'private' }),
                    securityGroupIdSelector: sameComposite({ [LABEL.purpose]: 'lambda' }),
                  },
                }
              : {}),
            environment: { variables: { ...fn.variables, LOG_LEVEL: 'INFO', POWERTOOLS_SERVICE_NAME: `payments-${fn.name}` } },
            loggingConfig: { logFormat: 'JSON' },
          }),
        },
      }),
      patches: [
        fromXr('spec.functions.runtime', 'spec.forProvider.runtime'),
        fromXr('spec.functions.memoryMb', 'spec.forProvider.memorySize'),
        fromXr(`spec.functions.${fn.artifact}.s3Key`, 'spec.forProvider.s3Key'),
        fromXr(`spec.functions.${fn.artifact}.sourceCodeHash`, 'spec.forProvider.sourceCodeHash'),
        combine(`/aws/lambda/${fn.name}-%s-%s`, [XR.regionSuffix, XR.environment], 'spec.forProvider.loggingConfig.logGroup'),
        ...SHARED_ENVIRONMENT,
        ...fn.environment,
      ],
    }),
  ];
}

/** Per function: log group, IAM role + least-privilege inline policy, the Lambda function (the controller's schedule is in failover.ts). */
export function computeResources(): ComposedResource[] {
  return LAMBDAS.flatMap(lambdaResources);
}
