import type { Construct } from 'constructs';
import { REGIONS } from '../../facts/regions';
import { MAX_ENVIRONMENT_SUFFIX_LENGTH } from '../../facts/naming';
import { HEALTH_CHECK_INTERVAL_SECONDS, LAMBDA_MEMORY_MB, MAX_REPLICATION_LAG_THRESHOLD_MS } from '../../facts/requirements';
import { ClaimXrd } from '../lib/xrd';
import { PATTERNS, schema } from '../lib/schema';

export const PAYMENT_REGION_KIND = 'PaymentRegion';
export const PAYMENT_REGION_COMPOSITION = 'paymentregion-aws';

const regionNames = Object.values(REGIONS).map((r) => r.region);
const regionSuffixes = Object.keys(REGIONS);

const zone = schema.object('One availability zone of the region: its two subnets and where its private traffic leaves the VPC.', {
  availabilityZone: schema.string('Availability zone name, e.g. us-east-1a.', { pattern: PATTERNS.availabilityZone }),
  privateSubnetCidr: schema.string('CIDR of the private subnet (Lambda, Aurora).', { pattern: PATTERNS.cidr }),
  publicSubnetCidr: schema.string('CIDR of the public subnet (NAT gateway only).', { pattern: PATTERNS.cidr }),
  egressNatZone: schema.string("Zone whose NAT gateway this zone's private route table uses (its own zone in per-az mode).", {
    pattern: PATTERNS.availabilityZone,
  }),
});

const artifact = schema.object("A function bundle in the region's artifact bucket.", {
  s3Key: schema.string('Object key, content-addressed: functions/<name>/<sha256>.zip.', {
    pattern: '^functions/[a-z-]+/[0-9a-f]{64}\\.zip$',
  }),
  sourceCodeHash: schema.string('Base64 SHA-256 of the zip, as Lambda reports it; a change redeploys the code.', {
    pattern: PATTERNS.sha256Base64,
  }),
});

/** Every spec field but `drills`, which only the drill target region has. */
const REQUIRED_SPEC_FIELDS = [
  'environmentSuffix',
  'awsAccountId',
  'organisationPrefix',
  'region',
  'regionSuffix',
  'failoverRole',
  'peer',
  'network',
  'dns',
  'healthCheck',
  'alerting',
  'functions',
  'failover',
];

/** The PaymentRegion claim: everything one region of one environment needs. */
export class PaymentRegionXrd extends ClaimXrd {
  constructor(scope: Construct, id: string) {
    super(scope, id, {
      claimKind: PAYMENT_REGION_KIND,
      defaultComposition: PAYMENT_REGION_COMPOSITION,
      description:
        'One region of the payments DR platform: VPC over 3 AZs with NAT, KMS key, DB subnet group, artifact bucket, ' +
        'webhook and health Lambdas, HTTP API with custom domain, Route 53 health check and failover record, ' +
        'SNS alerts and CloudWatch alarms.',
      spec: schema.object(
        'Desired state of the region.',
        {
          environmentSuffix: schema.string('Environment suffix carried by every AWS name.', {
            pattern: PATTERNS.environmentSuffix,
            maxLength: MAX_ENVIRONMENT_SUFFIX_LENGTH,
          }),
          awsAccountId: schema.string('AWS account of the environment; IAM policies name exact ARNs.', { pattern: PATTERNS.awsAccountId }),
          organisationPrefix: schema.string('Prefix of globally unique names (the artifact bucket).', {
            pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
          }),
          region: schema.enum('AWS region of this claim.', regionNames),
          regionSuffix: schema.enum('Short region name used in every AWS name.', regionSuffixes),
          failoverRole: schema.enum('Route 53 failover role of this region: PRIMARY (us-east-1) or SECONDARY (us-west-2).', [
            'PRIMARY',
            'SECONDARY',
          ]),
          peer: schema.object('The other region of the pair.', {
            region: schema.enum('AWS region of the peer.', regionNames),
            regionSuffix: schema.enum('Short name of the peer region.', regionSuffixes),
            vpcCidr: schema.string('Peer VPC CIDR: Aurora accepts 5432 from it over the peering connection.', { pattern: PATTERNS.cidr }),
            regionalDomain: schema.string("The peer's own API hostname: the failover controller probes its /health directly.", {
              pattern: PATTERNS.dnsName,
            }),
          }),
          network: schema.object('VPC layout.', {
            vpcCidr: schema.string('VPC IPv4 CIDR.', { pattern: PATTERNS.cidr }),
            natMode: schema.enum('per-az: a NAT gateway in every zone; single: one shared gateway (non-production).', ['per-az', 'single']),
            natGatewayZones: schema.array(
              'Zones that get a NAT gateway (3 for per-az, 1 for single).',
              schema.string('Zone name.', { pattern: PATTERNS.availabilityZone }),
              1,
              3,
            ),
            zones: schema.array('Exactly three availability zones.', zone, 3, 3),
          }),
          dns: schema.object('Route 53 and the API hostnames.', {
            hostedZoneId: schema.string('Public hosted zone holding the records.', { pattern: PATTERNS.hostedZoneId }),
            regionalDomain: schema.string("This region's own API hostname; the health check probes it.", { pattern: PATTERNS.dnsName }),
            failoverDomain: schema.string('Hostname senders call; answered by the PRIMARY/SECONDARY failover records.', {
              pattern: PATTERNS.dnsName,
            }),
          }),
          healthCheck: schema.object("Route 53 health check of this region's /health.", {
            requestInterval: schema.integer(
              `Seconds between checks; fixed at ${HEALTH_CHECK_INTERVAL_SECONDS} (cannot change after creation).`,
              HEALTH_CHECK_INTERVAL_SECONDS,
              HEALTH_CHECK_INTERVAL_SECONDS,
            ),
            failureThreshold: schema.integer('Consecutive failures before unhealthy.', 1, 10),
          }),
          alerting: schema.object('Alarm notifications.', {
            emails: schema.array(
              "E-mail subscribers of the region's alert topic (each confirms once).",
              schema.string('Address.', { pattern: PATTERNS.email }),
              1,
              5,
            ),
            replicationLagThresholdMs: schema.integer(
              'Aurora and DynamoDB replication-lag alarm threshold in ms.',
              1,
              MAX_REPLICATION_LAG_THRESHOLD_MS,
            ),
          }),
          functions: schema.object('Lambda code and sizing, identical in both regions.', {
            memoryMb: schema.integer(`Lambda memory; the requirement fixes ${LAMBDA_MEMORY_MB} MB.`, LAMBDA_MEMORY_MB, LAMBDA_MEMORY_MB),
            runtime: schema.enum('Lambda runtime.', ['nodejs20.x', 'nodejs22.x']),
            webhook: artifact,
            health: artifact,
            failoverController: artifact,
            migrate: artifact,
          }),
          failover: schema.object('The failover controller of this region (its schedule and promotion policy).', {
            automatic: schema.boolean(
              'true: the schedule is ENABLED and the controller may promote this region on its own; ' +
                'false: DISABLED, promotion by operators (npm run dr).',
            ),
            failedMinutesBeforePromotion: schema.integer('Consecutive failed minutes before the controller promotes.', 1, 60),
          }),
          drills: schema.object(
            'Present: this region is the target of the AWS FIS DR drills ' +
              '(experiment templates and their roles, compositions/payment-region/drills.ts).',
            {
              standbyRegionSuffix: schema.enum(
                'The region that takes over: its Route 53 health-check alarm stops every drill.',
                regionSuffixes,
              ),
            },
          ),
        },
        REQUIRED_SPEC_FIELDS,
      ),
      specValidations: [
        {
          rule: "(self.region == 'us-east-1') == (self.regionSuffix == 'use1')",
          message: 'regionSuffix must be use1 for us-east-1 and usw2 for us-west-2',
        },
        {
          rule: "(self.regionSuffix == 'use1') == (self.failoverRole == 'PRIMARY')",
          message: 'use1 is the PRIMARY region and usw2 the SECONDARY',
        },
        { rule: 'self.peer.region != self.region', message: 'peer.region must be the other region' },
        {
          rule: "self.network.natMode == 'single' ? size(self.network.natGatewayZones) == 1 : size(self.network.natGatewayZones) == 3",
          message: 'natGatewayZones must list 1 zone in single mode and 3 in per-az mode',
        },
        {
          rule: 'self.network.zones.all(z, z.egressNatZone in self.network.natGatewayZones)',
          message: 'every zone must egress through a zone that has a NAT gateway',
        },
        {
          rule: "!has(self.drills) || (self.failoverRole == 'PRIMARY' && self.drills.standbyRegionSuffix == self.peer.regionSuffix)",
          message:
            'drills belong to the PRIMARY region with the peer as standby: ' +
            'their stop conditions are Route 53 health-check alarms, which exist only in us-east-1, ' +
            "and FIS reads stop-condition alarms in the experiment's region",
        },
      ],
      status: schema.object(
        'Observed state, for operators and for patches between composed resources.',
        {
          vpcId: schema.string('VPC id.'),
          kmsKeyArn: schema.string("ARN of the region's KMS key."),
          apiId: schema.string('HTTP API id.'),
          apiEndpoint: schema.string('Default execute-api endpoint of the HTTP API.'),
          apiExecutionArn: schema.string('Execution ARN of the HTTP API (scopes the Lambda permissions).'),
          healthCheckId: schema.string('Route 53 health check id.'),
          privateSubnetArns: schema.object(
            'ARNs of the private subnets by zone slot (the network-disruption drill targets them).',
            { a: schema.string('Zone slot a.'), b: schema.string('Zone slot b.'), c: schema.string('Zone slot c.') },
            [],
          ),
          regionalDomainTarget: schema.string('API Gateway target hostname of the regional custom domain.'),
          regionalDomainZoneId: schema.string('Hosted zone id of that target.'),
          failoverDomainTarget: schema.string('API Gateway target hostname of the failover custom domain in this region.'),
          failoverDomainZoneId: schema.string('Hosted zone id of that target.'),
          issuedCertificateArn: schema.string('ARN of the API certificate once ACM has issued it (from the CertificateValidation).'),
          certificateValidationRecords: {
            type: 'array',
            description: 'DNS records ACM asks for (one per hostname on the certificate).',
            items: schema.object(
              'One validation record, as ACM reports it.',
              {
                domainName: schema.string('Hostname being validated.'),
                resourceRecordName: schema.string('CNAME record name.'),
                resourceRecordType: schema.string('Record type (CNAME).'),
                resourceRecordValue: schema.string('CNAME record value.'),
              },
              [],
            ),
          },
        },
        [],
      ),
      printerColumns: [
        { name: 'REGION', type: 'string', jsonPath: '.spec.region' },
        { name: 'ROLE', type: 'string', jsonPath: '.spec.failoverRole' },
        { name: 'ENDPOINT', type: 'string', jsonPath: '.status.apiEndpoint' },
        { name: 'HEALTHCHECK', type: 'string', jsonPath: '.status.healthCheckId' },
      ],
    });
  }
}
