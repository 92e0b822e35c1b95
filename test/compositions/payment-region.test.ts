import { ENVIRONMENTS } from '../../charts/config/environments';
import { HEALTH_CHECK_INTERVAL_SECONDS, LAMBDA_MEMORY_MB } from '../../facts/requirements';
import { devWith } from '../support/env-fixture';
import { type RenderedEnvironments, byName, composedOf, ofKind, renderEnvironments, xrOf } from '../support/rendered';
import { AWS_ACTIONS_WITHOUT_RESOURCE_TYPES, serviceTrust } from '../support/iam';

type Json = Record<string, any>;
const USE1 = 'dev/use1/paymentregion.yaml';
const USW2 = 'dev/usw2/paymentregion.yaml';

let dev: RenderedEnvironments;
let use1: Json[];
let usw2: Json[];
beforeAll(async () => {
  dev = await renderEnvironments(ENVIRONMENTS);
  use1 = composedOf(dev, USE1);
  usw2 = composedOf(dev, USW2);
});

const forProvider = (r: Json) => r.spec.forProvider;

describe('PaymentRegion: network', () => {
  test('3 private and 3 public subnets, one of each per distinct AZ of the region', () => {
    for (const [resources, region] of [
      [use1, 'us-east-1'],
      [usw2, 'us-west-2'],
    ] as const) {
      const subnets = ofKind(resources, 'Subnet');
      for (const tier of ['private', 'public']) {
        const zones = subnets
          .filter((s) => s.metadata.labels['payments-dr.io/purpose'] === tier)
          .map((s) => forProvider(s).availabilityZone);
        expect(zones).toHaveLength(3);
        expect(new Set(zones).size).toBe(3);
        for (const zone of zones) expect(zone.startsWith(region)).toBe(true);
      }
    }
  });

  test('dev (NAT mode single): one NAT gateway and EIP, every private route table egresses through it', () => {
    expect(ofKind(use1, 'NATGateway')).toHaveLength(1);
    expect(ofKind(use1, 'EIP')).toHaveLength(1);
    const natRoutes = ofKind(use1, 'Route').filter((r) => forProvider(r).natGatewayIdSelector);
    expect(natRoutes.map((r) => forProvider(r).natGatewayIdSelector.matchLabels['payments-dr.io/zone'])).toEqual([
      'us-east-1a',
      'us-east-1a',
      'us-east-1a',
    ]);
  });

  test('production (NAT per AZ): a NAT gateway in each zone and each zone egresses through its own', async () => {
    const prod = devWith({
      environmentSuffix: 'prod',
      production: true,
      'regions.use1.natMode': 'per-az',
      'regions.usw2.natMode': 'per-az',
    });
    const check = await renderEnvironments([prod]);
    expect(check.problems).toEqual([]);
    const resources = composedOf(check, 'prod/use1/paymentregion.yaml');
    const nats = ofKind(resources, 'NATGateway');
    expect(nats.map((n) => n.metadata.labels['payments-dr.io/zone']).sort()).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    for (const route of ofKind(resources, 'Route').filter((r) => forProvider(r).natGatewayIdSelector)) {
      expect(forProvider(route).natGatewayIdSelector.matchLabels['payments-dr.io/zone']).toBe(
        forProvider(route).routeTableIdSelector.matchLabels['payments-dr.io/zone'],
      );
    }
  });

  test('Aurora accepts 5432 only from the Lambda SG and the peer VPC CIDR (region-specific)', () => {
    const ingress = (resources: Json[]) => ofKind(resources, 'SecurityGroupIngressRule').map(forProvider);
    for (const [resources, peerCidr] of [
      [use1, '10.20.0.0/16'],
      [usw2, '10.10.0.0/16'],
    ] as const) {
      const rules = ingress(resources);
      expect(rules.every((r) => r.fromPort === 5432 && r.toPort === 5432 && r.ipProtocol === 'tcp')).toBe(true);
      expect(
        rules.map((r) => r.cidrIpv4 ?? `sg:${r.referencedSecurityGroupIdSelector.matchLabels['payments-dr.io/purpose']}`).sort(),
      ).toEqual([peerCidr, 'sg:lambda'].sort());
    }
  });
});

describe('PaymentRegion: functions', () => {
  test('webhook and health: the required memory, private subnets, the same artifact hash in both regions', () => {
    for (const fn of ['function-webhook', 'function-health']) {
      const [east, west] = [byName(use1, fn), byName(usw2, fn)].map(forProvider);
      expect(east.memorySize).toBe(LAMBDA_MEMORY_MB);
      expect(west.memorySize).toBe(LAMBDA_MEMORY_MB);
      expect(east.sourceCodeHash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
      expect(west.sourceCodeHash).toBe(east.sourceCodeHash);
      expect(west.s3Key).toBe(east.s3Key);
      expect(east.vpcConfig.subnetIdSelector.matchLabels['payments-dr.io/purpose']).toBe('private');
    }
  });

  test('environment variables are region-aware: own region suffix and cluster, shared home-region tables and secrets', () => {
    const east = forProvider(byName(use1, 'function-webhook')).environment.variables;
    const west = forProvider(byName(usw2, 'function-webhook')).environment.variables;
    expect([east.REGION_SUFFIX, west.REGION_SUFFIX]).toEqual(['use1', 'usw2']);
    expect([east.LOCAL_CLUSTER_ID, west.LOCAL_CLUSTER_ID]).toEqual(['aurora-use1-dev', 'aurora-usw2-dev']);
    for (const vars of [east, west]) {
      expect(vars).toMatchObject({
        SESSIONS_TABLE: 'sessions-use1-dev',
        IDEMPOTENCY_TABLE: 'idempotency-use1-dev',
        DB_SECRET_ID: 'db-app-credentials-use1-dev',
        GLOBAL_CLUSTER_ID: 'aurora-global-use1-dev',
      });
    }
  });

  test.each(['webhook', 'health'])('%s connects as the least-privilege app role with its secret, never as the master user', (fn) => {
    for (const resources of [use1, usw2]) {
      const vars = forProvider(byName(resources, `function-${fn}`)).environment.variables;
      expect(vars).toMatchObject({ DB_NAME: 'payments', DB_USERNAME: 'payments_app', DB_SECRET_ID: 'db-app-credentials-use1-dev' });
      expect(Object.values(vars)).not.toContain('paymentsadmin');
      expect(Object.values(vars)).not.toContain('db-credentials-use1-dev');
    }
  });

  test.each([
    ['use1', 'us-east-1'],
    ['usw2', 'us-west-2'],
  ])(
    'migrate (%s): in the private subnets with the Lambda security group Aurora ' +
      'accepts, 300 s, master and app secrets of the home region, the global writer',
    (suffix, region) => {
      const resources = suffix === 'use1' ? use1 : usw2;
      const fn = forProvider(byName(resources, 'function-migrate'));
      expect(byName(resources, 'function-migrate').metadata.name).toBe(`migrate-${suffix}-dev`);
      expect(fn).toMatchObject({ region, timeout: 300, memorySize: LAMBDA_MEMORY_MB, handler: 'index.handler' });
      expect(fn.vpcConfig.subnetIdSelector.matchLabels['payments-dr.io/purpose']).toBe('private');
      expect(fn.vpcConfig.securityGroupIdSelector.matchLabels['payments-dr.io/purpose']).toBe('lambda');
      // the Aurora security group admits exactly that group on 5432
      const fromLambda = ofKind(resources, 'SecurityGroupIngressRule')
        .map(forProvider)
        .filter((r) => r.referencedSecurityGroupIdSelector);
      expect(fromLambda.map((r) => r.referencedSecurityGroupIdSelector.matchLabels['payments-dr.io/purpose'])).toEqual(['lambda']);
      expect(fn.environment.variables).toMatchObject({
        DB_MASTER_SECRET_ID: 'db-credentials-use1-dev',
        DB_MASTER_USERNAME: 'paymentsadmin',
        DB_APP_SECRET_ID: 'db-app-credentials-use1-dev',
        DB_APP_USERNAME: 'payments_app',
        DB_NAME: 'payments',
        GLOBAL_CLUSTER_ID: 'aurora-global-use1-dev',
        REGION_SUFFIX: suffix,
      });
      expect(fn.sourceCodeHash).toBe(forProvider(byName(suffix === 'use1' ? usw2 : use1, 'function-migrate')).sourceCodeHash);
    },
  );

  test('each region unit ships the zips the functions load, into the bucket its claim composes', () => {
    for (const [resources, suffix] of [
      [use1, 'use1'],
      [usw2, 'usw2'],
    ] as const) {
      const objects = dev.objects.filter((o) => o.file === `dist/dev/${suffix}/function-artifacts.yaml`).map((o) => o.doc);
      expect(objects.map((o) => o.spec.forProvider.key).sort()).toEqual(
        ['function-health', 'function-webhook', 'function-failover-controller', 'function-migrate']
          .map((fn) => forProvider(byName(resources, fn)).s3Key)
          .sort(),
      );
      const bucketLabels = byName(resources, 'artifact-bucket').metadata.labels;
      for (const object of objects) {
        expect(Object.keys(object.spec.forProvider.bucketSelector.matchLabels)).toHaveLength(3);
        for (const [key, value] of Object.entries(object.spec.forProvider.bucketSelector.matchLabels))
          expect(bucketLabels[key]).toBe(value);
        expect(Buffer.from(object.spec.forProvider.contentBase64, 'base64').length).toBeLessThanOrEqual(256 * 1024);
      }
    }
  });
});

describe('PaymentRegion: IAM is least privilege', () => {
  const policies = (resources: Json[]) => ofKind(resources, 'RolePolicy').map((p) => JSON.parse(forProvider(p).policy));

  test('no wildcard actions, no NotAction/NotResource, Resource "*" only for the documented actions', () => {
    for (const policy of [...policies(use1), ...policies(usw2)]) {
      for (const statement of policy.Statement) {
        expect(statement).not.toHaveProperty('NotAction');
        expect(statement).not.toHaveProperty('NotResource');
        for (const action of statement.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
        if ([statement.Resource].flat().includes('*')) {
          for (const action of statement.Action) expect(AWS_ACTIONS_WITHOUT_RESOURCE_TYPES).toContain(action);
        }
      }
    }
  });

  test('each function reaches only its own log group and the tables and secrets of this environment, in its own region', () => {
    const resources = (policy: Json) => policy.Statement.flatMap((s: Json) => [s.Resource].flat());
    const webhookWest = resources(JSON.parse(forProvider(byName(usw2, 'role-policy-webhook')).policy));
    expect(webhookWest).toContain('arn:aws:logs:us-west-2:111122223333:log-group:/aws/lambda/webhook-usw2-dev:*');
    expect(webhookWest).toContain('arn:aws:dynamodb:us-west-2:111122223333:table/sessions-use1-dev');
    // the one exception: the writer member is described in its own region (either region) for the TLS name check
    expect(webhookWest.filter((arn: string) => arn.includes('us-east-1'))).toEqual([
      'arn:aws:rds:us-east-1:111122223333:cluster:aurora-use1-dev',
    ]);
    for (const fn of ['health', 'failover-controller']) {
      const own = resources(JSON.parse(forProvider(byName(usw2, `role-policy-${fn}`)).policy));
      expect(own.filter((arn: string) => arn.includes('us-east-1'))).toEqual([]);
    }
  });

  test.each([
    [
      'webhook',
      'IdempotencyRecords',
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      ['table/idempotency-use1-dev'],
    ],
    ['webhook', 'SessionItems', ['dynamodb:UpdateItem'], ['table/sessions-use1-dev']],
    ['webhook', 'ReadFence', ['dynamodb:GetItem'], ['table/dr-state-use1-dev']],
    ['health', 'LocalTablesAnswer', ['dynamodb:GetItem'], ['table/sessions-use1-dev', 'table/idempotency-use1-dev']],
    ['health', 'ReadFence', ['dynamodb:GetItem'], ['table/dr-state-use1-dev']],
    [
      'webhook',
      'ReadSecrets',
      ['secretsmanager:GetSecretValue'],
      ['secret:db-app-credentials-use1-dev-??????', 'secret:webhook-signing-use1-dev-??????'],
    ],
    [
      'health',
      'LocalSecretReplicasReadable',
      ['secretsmanager:GetSecretValue'],
      ['secret:db-app-credentials-use1-dev-??????', 'secret:webhook-signing-use1-dev-??????'],
    ],
    ['migrate', 'OwnLogGroup', ['logs:CreateLogStream', 'logs:PutLogEvents'], ['log-group:/aws/lambda/migrate-usw2-dev:*']],
    [
      'migrate',
      'ReadDatabaseSecrets',
      ['secretsmanager:GetSecretValue'],
      ['secret:db-credentials-use1-dev-??????', 'secret:db-app-credentials-use1-dev-??????'],
    ],
    ['migrate', 'DecryptSecrets', ['kms:Decrypt'], ['key/1234abcd-12ab-34cd-56ef-1234567890ab']],
    ['migrate', 'DescribeNetworkInterfaces', ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], ['*']],
    ['health', 'DescribeLocalCluster', ['rds:DescribeDBClusters'], ['cluster:aurora-usw2-dev']],
  ])('%s statement %s allows exactly %j on %j', (fn, sid, actions, resources) => {
    const statement = JSON.parse(forProvider(byName(usw2, `role-policy-${fn}`)).policy).Statement.find((s: Json) => s.Sid === sid);
    expect(statement.Action).toEqual(actions);
    expect([statement.Resource].flat().map((arn: string) => arn.replace(/^arn:aws:[a-z]+:us-west-2:111122223333:/, ''))).toEqual(resources);
  });

  test.each([
    ['use1', 'us-east-1'],
    ['usw2', 'us-west-2'],
  ])('only the migrate role may read the Aurora master secret (%s)', (suffix) => {
    const resources = suffix === 'use1' ? use1 : usw2;
    const readers = ofKind(resources, 'RolePolicy')
      .filter((p) =>
        JSON.parse(forProvider(p).policy).Statement.some(
          (s: Json) =>
            [s.Action].flat().includes('secretsmanager:GetSecretValue') &&
            [s.Resource].flat().some((arn: string) => arn === '*' || arn.includes(':secret:db-credentials-')),
        ),
      )
      .map((p) => p.metadata.labels['payments-dr.io/purpose']);
    expect(readers).toEqual(['migrate']);
  });

  test('the migrate role decrypts only through Secrets Manager in its region', () => {
    const statement = JSON.parse(forProvider(byName(usw2, 'role-policy-migrate')).policy).Statement.find(
      (s: Json) => s.Sid === 'DecryptSecrets',
    );
    expect(statement.Condition).toEqual({ StringEquals: { 'kms:ViaService': ['secretsmanager.us-west-2.amazonaws.com'] } });
  });

  test.each(['webhook', 'health', 'failover-controller', 'migrate'])(
    'the %s role trusts only lambda.amazonaws.com on behalf of the environment account',
    (fn) => {
      const trust = JSON.parse(forProvider(byName(use1, `role-${fn}`)).assumeRolePolicy);
      expect(trust.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Service: 'lambda.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } },
        },
      ]);
    },
  );

  test("the scheduler role trusts only scheduler.amazonaws.com, for this account's default schedule group in its region", () => {
    const trust = JSON.parse(forProvider(byName(usw2, 'role-scheduler')).assumeRolePolicy);
    expect(trust.Statement).toEqual(
      serviceTrust('scheduler.amazonaws.com', '111122223333', 'arn:aws:scheduler:us-west-2:111122223333:schedule-group/default'),
    );
    expect(ofKind(usw2, 'Role')).toHaveLength(5);
  });
});

describe('PaymentRegion: DNS failover and health check', () => {
  test('failover record: PRIMARY in use1, SECONDARY in usw2, same name, own health check, alias to the own custom domain', () => {
    const [east, west] = [byName(use1, 'record-failover'), byName(usw2, 'record-failover')].map(forProvider);
    expect([east.failoverRoutingPolicy.type, west.failoverRoutingPolicy.type]).toEqual(['PRIMARY', 'SECONDARY']);
    expect(east.name).toBe('api-dev.dev.payments.example.com');
    expect(west.name).toBe(east.name);
    expect(east.setIdentifier).not.toBe(west.setIdentifier);
    expect(east.healthCheckIdSelector).toEqual({ matchControllerRef: true });
    expect(east.alias).toMatchObject({ evaluateTargetHealth: true, name: expect.stringContaining('execute-api.us-east-1') });
  });

  test('health check: HTTPS on the regional hostname /health, every 30 s, configured threshold, SNI, six checker regions', () => {
    for (const [resources, suffix] of [
      [use1, 'use1'],
      [usw2, 'usw2'],
    ] as const) {
      const check = forProvider(byName(resources, 'health-check'));
      expect(check).toMatchObject({
        type: 'HTTPS',
        port: 443,
        resourcePath: '/health',
        requestInterval: HEALTH_CHECK_INTERVAL_SECONDS,
        failureThreshold: 3,
        enableSni: true,
        fqdn: `api-${suffix}-dev.dev.payments.example.com`,
      });
      // Route 53 needs at least 3 checker regions; the platform asks for six, spread over four continents.
      expect([...check.regions].sort()).toEqual(['ap-southeast-1', 'eu-west-1', 'sa-east-1', 'us-east-1', 'us-west-1', 'us-west-2']);
    }
  });

  test('routes POST /webhooks/payments and GET /health; each Lambda permission is scoped to its route of this API', () => {
    expect(
      ofKind(use1, 'Route')
        .map((r) => forProvider(r).routeKey)
        .filter(Boolean)
        .sort(),
    ).toEqual(['GET /health', 'POST /webhooks/payments']);
    expect(forProvider(byName(use1, 'permission-webhook')).sourceArn).toBe(
      'arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/*/POST/webhooks/payments',
    );
    expect(forProvider(byName(use1, 'permission-health')).sourceArn).toBe(
      'arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/*/GET/health',
    );
  });

  test('XR status carries what operators read: API endpoint and health-check id', () => {
    expect(xrOf(dev, USE1).status).toMatchObject({
      apiEndpoint: expect.stringMatching(/^https:\/\//),
      healthCheckId: expect.any(String),
      vpcId: expect.any(String),
    });
  });
});

describe('PaymentRegion: alarms', () => {
  const alarm = (resources: Json[], name: string) => forProvider(byName(resources, `alarm-${name}`));

  test('replication lag: threshold 1000 ms on the local cluster; missing data breaching only in the SECONDARY role', () => {
    for (const name of ['aurora-rpo-lag', 'aurora-replication-lag']) {
      expect(alarm(usw2, name)).toMatchObject({ threshold: 1000, treatMissingData: 'breaching', region: 'us-west-2' });
      expect(alarm(usw2, name).metricQuery[0].expression).toContain("WHERE DBClusterIdentifier = 'aurora-usw2-dev'");
      expect(alarm(use1, name)).toMatchObject({ threshold: 1000, treatMissingData: 'notBreaching' });
      expect(alarm(use1, name).metricQuery[0].expression).toContain("WHERE DBClusterIdentifier = 'aurora-use1-dev'");
    }
  });

  test('DynamoDB ReplicationLatency toward the peer region for both global tables, in both regions', () => {
    for (const [resources, peer] of [
      [use1, 'us-west-2'],
      [usw2, 'us-east-1'],
    ] as const) {
      for (const table of ['sessions', 'idempotency']) {
        expect(alarm(resources, `ddb-replication-${table}`).dimensions).toEqual({ TableName: `${table}-use1-dev`, ReceivingRegion: peer });
      }
    }
  });

  test('health-check alarms live in us-east-1 (the only region with Route 53 metrics) and notify the us-east-1 topic', () => {
    for (const resources of [use1, usw2]) {
      expect(alarm(resources, 'healthcheck')).toMatchObject({
        region: 'us-east-1',
        alarmActions: ['arn:aws:sns:us-east-1:111122223333:alerts-use1-dev'],
      });
    }
  });

  test('every alarm of both regions notifies an SNS topic, and each topic is KMS-encrypted with an e-mail subscription', () => {
    const topic = expect.stringMatching(/^arn:aws:sns:us-(east-1|west-2):111122223333:alerts-(use1|usw2)-dev$/);
    for (const [resources, region] of [
      [use1, 'us-east-1'],
      [usw2, 'us-west-2'],
    ] as const) {
      for (const a of ofKind(resources, 'MetricAlarm')) expect(forProvider(a).alarmActions).toEqual([topic]);
      expect(forProvider(byName(resources, 'alert-topic')).kmsMasterKeyId).toMatch(new RegExp(`^arn:aws:kms:${region}:`));
      expect(ofKind(resources, 'TopicSubscription').map((s) => forProvider(s))).toEqual([
        expect.objectContaining({ protocol: 'email', endpoint: 'payments-oncall@example.com' }),
      ]);
    }
  });
});

describe('PaymentRegion: names, labels, lifecycle', () => {
  test('every composed resource is named {type}-{region}-{env} (the bucket adds the organisation prefix)', () => {
    for (const [resources, suffix] of [
      [use1, 'use1'],
      [usw2, 'usw2'],
    ] as const) {
      for (const r of resources) expect(r.metadata.name).toMatch(new RegExp(`^[a-z0-9-]+-${suffix}-dev$`));
      expect(byName(resources, 'artifact-bucket').metadata.name).toBe(`examplepay-artifacts-${suffix}-dev`);
    }
  });

  test('every composed resource carries environment, region and component labels', () => {
    for (const r of [...use1, ...usw2]) {
      expect(r.metadata.labels).toMatchObject({
        'payments-dr.io/environment': 'dev',
        'payments-dr.io/region': expect.stringMatching(/^(use1|usw2)$/),
        'payments-dr.io/component': expect.any(String),
      });
    }
  });

  test('nothing is orphaned on delete; the artifact bucket force-destroys', () => {
    for (const r of [...use1, ...usw2]) expect(r.spec.deletionPolicy ?? 'Delete').toBe('Delete');
    expect(forProvider(byName(use1, 'artifact-bucket')).forceDestroy).toBe(true);
  });
});
