import type { Construct } from 'constructs';
import { GLOBAL_DB_INSTANCE_CLASS } from '../../facts/requirements';
import { MAX_ENVIRONMENT_SUFFIX_LENGTH } from '../../facts/naming';
import { ClaimXrd, type JsonSchema } from '../lib/xrd';
import { PATTERNS, schema } from '../lib/schema';
import { MAX_INSTANCES_PER_REGION } from './aurora';
import { REPLICATED_SECRETS, VERSION_SLOTS, versionSlotField } from './secrets';
import { GLOBAL_TABLES } from './tables';

export const PAYMENT_GLOBAL_KIND = 'PaymentGlobal';
export const PAYMENT_GLOBAL_COMPOSITION = 'paymentglobal-aws';

const regionDatabase = (description: string) =>
  schema.object(description, {
    vpcCidr: schema.string('VPC CIDR of the region (the peer routes point at it).', { pattern: PATTERNS.cidr }),
    availabilityZones: schema.array(
      "The region's three AZs, in the order of its PaymentRegion zones (selects its private route tables).",
      schema.string('AZ name.', { pattern: PATTERNS.availabilityZone }),
      3,
      3,
    ),
    instanceClass: schema.string(
      "Aurora instance class of this region's cluster (memory-optimised; global databases do not support burstable classes).",
      {
        pattern: GLOBAL_DB_INSTANCE_CLASS.source,
      },
    ),
    instanceIdentifiers: schema.array(
      `Instance names, one per instance (the count is the length, 1-${MAX_INSTANCES_PER_REGION}); e.g. aurora-instance-1-use1-dev.`,
      schema.string('Instance identifier.', { pattern: '^[a-z][a-z0-9-]{0,62}$' }),
      1,
      MAX_INSTANCES_PER_REGION,
    ),
  });

/** Version N of a secret, written into the field of its slot (N % 2): exactly one slot is set. */
function secretVersionSchema(secret: (typeof REPLICATED_SECRETS)[number]): JsonSchema {
  const [odd, even] = VERSION_SLOTS.map(versionSlotField);
  const kubernetesSecret = secret.kubernetesSecret.replace('%s', '<env>');
  const secretNamed = `${secret.name} (the Kubernetes Secret ${kubernetesSecret})`;
  const description = `Version of ${secretNamed}, in the field of its parity; see the rotation runbook.`;
  return {
    ...schema.object(
      description,
      Object.fromEntries(
        VERSION_SLOTS.map((slot) => [versionSlotField(slot), schema.integer(`Version, when it is ${slot}.`, 1, 1_000_000)]),
      ),
      [],
    ),
    'x-kubernetes-validations': [
      { rule: `has(self.${odd}) != has(self.${even})`, message: `exactly one of ${odd} and ${even} is set` },
      { rule: `!has(self.${odd}) || self.${odd} % 2 == 1`, message: `${odd} must be an odd number` },
      { rule: `!has(self.${even}) || self.${even} % 2 == 0`, message: `${even} must be an even number` },
    ],
  };
}

/** The PaymentGlobal claim: what one environment shares across both regions. */
export class PaymentGlobalXrd extends ClaimXrd {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      claimKind: PAYMENT_GLOBAL_KIND,
      defaultComposition: PAYMENT_GLOBAL_COMPOSITION,
      description:
        'The shared layer of one environment: Aurora PostgreSQL 14 Global Database (writer us-east-1, reader us-west-2), ' +
        'DynamoDB global tables, replicated secrets, cross-region VPC peering, and the deletion order between them.',
      spec: schema.object("Desired state of the environment's shared layer.", {
        environmentSuffix: schema.string('Environment suffix carried by every AWS name.', {
          pattern: PATTERNS.environmentSuffix,
          maxLength: MAX_ENVIRONMENT_SUFFIX_LENGTH,
        }),
        database: schema.object('Aurora Global Database settings.', {
          engineVersion: schema.string('Aurora PostgreSQL 14 version, e.g. 14.15 (set at creation; upgrades are a runbook step).', {
            pattern: '^14\\.[0-9]+$',
          }),
          backupRetentionDays: schema.integer('Automated backup retention; point-in-time recovery covers this window.', 1, 35),
          preferredBackupWindow: schema.string('Daily backup window, UTC, hh:mm-hh:mm.', {
            pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$',
          }),
        }),
        alerting: schema.object('Alarms on the shared data layer (replication lag is alarmed per region by PaymentRegion).', {
          awsAccountId: schema.string('Account of the environment: alarms notify its us-east-1 alert topic.', {
            pattern: PATTERNS.awsAccountId,
          }),
          tableSystemErrorsThreshold: schema.integer(
            'DynamoDB SystemErrors per minute (3 of 5 minutes) that raise the alarm on each global table.',
            1,
            1000,
          ),
        }),
        secrets: schema.object(
          'Replicated secrets: the version of each, raised by one to push a rotated Kubernetes Secret to Secrets Manager.',
          Object.fromEntries(REPLICATED_SECRETS.map((secret) => [secret.versionKey, secretVersionSchema(secret)])),
        ),
        migrations: schema.object('Schema migrations, run on deploy by the us-east-1 migrate function.', {
          setHash: schema.string(
            'SHA-256 of the migration set (names and contents, in name order) of this synth; a change re-runs the migrations.',
            { pattern: '^[0-9a-f]{64}$' },
          ),
        }),
        tables: schema.object('DynamoDB global tables.', {
          pointInTimeRecoveryDays: schema.integer('Point-in-time recovery period of the tables.', 1, 35),
        }),
        regions: schema.object('Per-region placement (the peer CIDRs of the peering).', {
          use1: regionDatabase('us-east-1: the writer cluster.'),
          usw2: regionDatabase('us-west-2: the reader cluster.'),
        }),
      }),
      specValidations: [
        {
          rule: 'self.regions.use1.vpcCidr != self.regions.usw2.vpcCidr',
          message: 'the two regions need different VPC CIDRs (they are peered)',
        },
      ],
      status: schema.object(
        'Observed state, for operators and applications.',
        {
          globalWriterEndpoint: schema.string('Aurora global writer endpoint (follows the writer across switchover and failover).'),
          replicaKmsKeyArn: schema.string('us-west-2 KMS key encrypting the secret replicas.'),
          clusters: schema.object(
            'Regional cluster endpoints.',
            Object.fromEntries(
              ['use1', 'usw2'].map((region) => [
                region,
                schema.object(
                  `${region} cluster.`,
                  { endpoint: schema.string('Cluster (writer) endpoint.'), readerEndpoint: schema.string('Reader endpoint.') },
                  [],
                ),
              ]),
            ),
            [],
          ),
          tables: schema.object(
            'Global tables.',
            Object.fromEntries(
              GLOBAL_TABLES.map((table) => [
                table.statusKey,
                schema.object(
                  `${table.name} table.`,
                  { name: schema.string('Table name.'), arn: schema.string('Table ARN (us-east-1).') },
                  [],
                ),
              ]),
            ),
            [],
          ),
          secrets: schema.object(
            'Replicated secrets.',
            {
              dbCredentialsArn: schema.string('DB master credentials secret ARN (read by the migrate function only).'),
              dbAppCredentialsArn: schema.string('ARN of the secret of the payments_app role the webhook and health connect as.'),
              appCredentialsVersionId: schema.string(
                'Secrets Manager version id of the current db-app-credentials version (part of the migration input).',
              ),
              webhookSigningArn: schema.string('Webhook signing secret ARN.'),
            },
            [],
          ),
        },
        [],
      ),
      printerColumns: [
        { name: 'ENGINE', type: 'string', jsonPath: '.spec.database.engineVersion' },
        { name: 'WRITER', type: 'string', jsonPath: '.status.globalWriterEndpoint' },
      ],
    });
  }
}
