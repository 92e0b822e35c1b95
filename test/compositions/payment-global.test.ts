import { ENVIRONMENTS } from '../../charts/config/environments';
import { migrationSetHash, readMigrationSet } from '../../functions/migrate/migration-set';
import { devWith } from '../support/env-fixture';
import { type RenderedEnvironments, byName, composedOf, ofKind, renderEnvironments, xrOf } from '../support/rendered';

type Json = Record<string, any>;
const GLOBAL = 'dev/global/paymentglobal.yaml';

let dev: RenderedEnvironments;
let global: Json[];
beforeAll(async () => {
  dev = await renderEnvironments(ENVIRONMENTS);
  global = composedOf(dev, GLOBAL);
});

const forProvider = (r: Json) => r.spec.forProvider;
const labels = (r: Json) => r.metadata.labels;

describe('PaymentGlobal: Aurora PostgreSQL 14 Global Database', () => {
  test('writer cluster in us-east-1, reader cluster in us-west-2, both aurora-postgresql 14.x joining the global cluster', () => {
    const [primary, secondary] = [byName(global, 'cluster-use1'), byName(global, 'cluster-usw2')];
    expect(forProvider(primary)).toMatchObject({ region: 'us-east-1', engine: 'aurora-postgresql' });
    expect(forProvider(secondary)).toMatchObject({ region: 'us-west-2', engine: 'aurora-postgresql' });
    for (const member of [primary, secondary]) expect(member.spec.initProvider.globalClusterIdentifier).toBe('aurora-global-use1-dev');
    for (const c of [primary, secondary, byName(global, 'global-cluster')]) expect(c.spec.initProvider.engineVersion).toMatch(/^14\.\d+$/);
  });

  test('only the primary carries credentials: master user, generated password into a Kubernetes Secret, database name', () => {
    expect(forProvider(byName(global, 'cluster-use1'))).toMatchObject({
      masterUsername: 'paymentsadmin',
      autoGeneratePassword: true,
      databaseName: 'payments',
      masterPasswordSecretRef: { name: 'aurora-master-password-dev', namespace: 'crossplane-system', key: 'password' },
    });
    const secondary = forProvider(byName(global, 'cluster-usw2'));
    for (const field of ['masterUsername', 'autoGeneratePassword', 'masterPasswordSecretRef', 'databaseName'])
      expect(secondary).not.toHaveProperty(field);
  });

  test('backups with PITR, encryption, log export, TLS forced, destroyable, in both regions', () => {
    for (const region of ['use1', 'usw2']) {
      expect(forProvider(byName(global, `cluster-${region}`))).toMatchObject({
        backupRetentionPeriod: 7,
        preferredBackupWindow: '03:00-04:00',
        storageEncrypted: true,
        deletionProtection: false,
        skipFinalSnapshot: true,
        enabledCloudwatchLogsExports: ['postgresql'],
      });
      expect(forProvider(byName(global, `cluster-parameter-group-${region}`)).parameter).toContainEqual(
        expect.objectContaining({ name: 'rds.force_ssl', value: '1' }),
      );
    }
    expect(forProvider(byName(global, 'global-cluster'))).toMatchObject({
      storageEncrypted: true,
      deletionProtection: false,
      forceDestroy: true,
    });
  });

  test(
    'no drift fight after a failover: no sourceDbClusterIdentifier, ' +
      'engineVersion only in initProvider, members without LateInitialize',
    () => {
      expect(forProvider(byName(global, 'global-cluster'))).not.toHaveProperty('sourceDbClusterIdentifier');
      for (const r of [...ofKind(global, 'Cluster'), ...ofKind(global, 'ClusterInstance')]) {
        expect(forProvider(r)).not.toHaveProperty('engineVersion');
        expect(r.spec.managementPolicies).toEqual(['Observe', 'Create', 'Update', 'Delete']);
      }
    },
  );

  test("each cluster sits on its region's subnet group, Aurora SG and KMS key, selected by labels", () => {
    const primary = forProvider(byName(global, 'cluster-usw2'));
    const usw2Dev = { 'payments-dr.io/region': 'usw2', 'payments-dr.io/environment': 'dev' };
    expect(primary.dbSubnetGroupNameSelector.matchLabels).toEqual({ ...usw2Dev, 'payments-dr.io/component': 'database' });
    expect(primary.vpcSecurityGroupIdSelector.matchLabels).toEqual({ ...usw2Dev, 'payments-dr.io/purpose': 'aurora' });
    expect(primary.kmsKeyIdSelector.matchLabels).toEqual({ ...usw2Dev, 'payments-dr.io/component': 'kms' });
  });

  test('one instance per region by default; a count of 3 gives 3 instances and 3 instance Usages per region', async () => {
    expect(
      ofKind(global, 'ClusterInstance')
        .map((i) => i.metadata.name)
        .sort(),
    ).toEqual(['aurora-instance-1-use1-dev', 'aurora-instance-1-usw2-dev']);
    const three = await renderEnvironments([devWith({ 'database.instancesPerRegion': 3 })]);
    const resources = composedOf(three, GLOBAL);
    expect(ofKind(resources, 'ClusterInstance')).toHaveLength(6);
    expect(ofKind(resources, 'Usage').filter((u) => u.spec.by.kind === 'ClusterInstance')).toHaveLength(6);
  });
});

describe('PaymentGlobal: DynamoDB global tables', () => {
  test('sessions, idempotency and dr-state: on-demand, PITR on the table and the us-west-2 replica, KMS, no deletion protection', () => {
    for (const [name, hashKey] of [
      ['sessions', 'sessionId'],
      ['idempotency', 'id'],
      ['dr-state', 'id'],
    ]) {
      const table = forProvider(byName(global, `table-${name}`));
      expect(table).toMatchObject({
        region: 'us-east-1',
        billingMode: 'PAY_PER_REQUEST',
        hashKey,
        pointInTimeRecovery: { enabled: true, recoveryPeriodInDays: 35 },
        deletionProtectionEnabled: false,
        serverSideEncryption: { enabled: true },
      });
      expect(table.replica).toEqual([expect.objectContaining({ regionName: 'us-west-2', pointInTimeRecovery: true })]);
      expect(table.replica[0].kmsKeyArnSelector.matchLabels['payments-dr.io/region']).toBe('usw2');
    }
  });

  test.each([
    ['sessions', 'expiresAt'],
    ['idempotency', 'expiration'],
  ])('%s is eventually consistent (MREC): asynchronous replica, streams, TTL on %s', (name, ttl) => {
    const table = forProvider(byName(global, `table-${name}`));
    expect(table).toMatchObject({ ttl: { attributeName: ttl, enabled: true }, streamEnabled: true, streamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table.replica[0].consistencyMode).toBe('EVENTUAL');
    expect(table).not.toHaveProperty('globalTableWitness');
  });

  test(
    'dr-state (the fence) is strongly consistent (MRSC): STRONG ' + 'replica in us-west-2, witness in us-east-2, no TTL (MRSC has none)',
    () => {
      const table = forProvider(byName(global, 'table-dr-state'));
      expect(table.replica).toEqual([expect.objectContaining({ regionName: 'us-west-2', consistencyMode: 'STRONG' })]);
      expect(table.globalTableWitness).toEqual({ regionName: 'us-east-2' });
      expect(table).not.toHaveProperty('ttl');
      expect(table.streamEnabled).toBe(false);
    },
  );
});

describe('PaymentGlobal: alarms on the shared data layer', () => {
  test("DynamoDB SystemErrors on each global table in us-east-1, notifying the environment's us-east-1 topic", () => {
    for (const table of ['sessions', 'idempotency']) {
      expect(forProvider(byName(global, `alarm-${table}-system-errors`))).toMatchObject({
        region: 'us-east-1',
        metricName: 'SystemErrors',
        threshold: 5,
        dimensions: { TableName: `${table}-use1-dev` },
        alarmActions: ['arn:aws:sns:us-east-1:111122223333:alerts-use1-dev'],
      });
    }
  });
});

describe('PaymentGlobal: replicated secrets', () => {
  test('the three secrets live in us-east-1 with a replica in us-west-2 under the us-west-2 key, recovery window 0', () => {
    for (const name of ['db-credentials', 'db-app-credentials', 'webhook-signing']) {
      const secret = forProvider(byName(global, `secret-${name}`));
      expect(secret).toMatchObject({ region: 'us-east-1', name: `${name}-use1-dev`, recoveryWindowInDays: 0 });
      expect(secret.replica).toEqual([{ region: 'us-west-2', kmsKeyId: expect.stringMatching(/^arn:aws:kms:us-west-2:/) }]);
    }
  });

  test(
    'the DB secret version reads the generated master password; the ' + "signing secret version reads the operator's Kubernetes Secret",
    () => {
      expect(forProvider(byName(global, 'secret-version-db-credentials-odd')).secretStringWoSecretRef).toEqual({
        name: 'aurora-master-password-dev',
        namespace: 'crossplane-system',
        key: 'password',
      });
      expect(forProvider(byName(global, 'secret-version-webhook-signing-odd')).secretStringWoSecretRef).toEqual({
        name: 'webhook-signing-dev',
        namespace: 'crossplane-system',
        key: 'secrets',
      });
      expect(forProvider(byName(global, 'secret-version-db-app-credentials-odd')).secretStringWoSecretRef).toEqual({
        name: 'aurora-app-password-dev',
        namespace: 'crossplane-system',
        key: 'password',
      });
    },
  );

  test('the us-west-2 KMS alias is only observed, never managed', () => {
    expect(byName(global, 'replica-kms-alias-observer').spec.managementPolicies).toEqual(['Observe']);
  });
});

describe('PaymentGlobal: schema migrations on deploy', () => {
  const input = (resources: Json[]) => JSON.parse(forProvider(byName(resources, 'invocation-migrate')).input);
  /** The sample version id the offline render observes for db-app-credentials version N (engines/observed-samples.ts). */
  const sampleVersionId = (version: number) => `5e0c1a2b-3c4d-4e5f-8a9b-${String(version).padStart(12, '0')}`;

  test('one Invocation, in us-east-1, lifecycleScope CRUD, no triggers, named by the convention', () => {
    const invocations = ofKind(global, 'Invocation');
    expect(invocations).toHaveLength(1);
    expect(invocations[0].metadata.name).toBe('invocation-migrate-use1-dev');
    expect(forProvider(invocations[0])).toMatchObject({ region: 'us-east-1', lifecycleScope: 'CRUD' });
    expect(forProvider(invocations[0])).not.toHaveProperty('triggers');
    expect(forProvider(invocations[0])).not.toHaveProperty('functionName');
  });

  test('its input carries the hash of the migration set in functions/migrations/ and the app secret version id', () => {
    expect(input(global)).toEqual({ migrationSetHash: migrationSetHash(readMigrationSet()), appCredentialsVersionId: sampleVersionId(1) });
    expect(xrOf(dev, GLOBAL).spec.migrations.setHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('it selects exactly the us-east-1 migrate Function the PaymentRegion claim composes', () => {
    const wanted = forProvider(byName(global, 'invocation-migrate')).functionNameSelector.matchLabels;
    const matching = (file: string) =>
      ofKind(composedOf(dev, file), 'Function').filter((f) => Object.entries(wanted).every(([k, v]) => labels(f)[k] === v));
    expect(matching('dev/use1/paymentregion.yaml').map((f) => f.metadata.name)).toEqual(['migrate-use1-dev']);
    expect(matching('dev/usw2/paymentregion.yaml')).toEqual([]);
  });

  test.each<[string, Record<string, unknown>, Partial<Record<'migrationSetHash' | 'appCredentialsVersionId', 'same' | 'changed'>>]>([
    ['a re-render of the same config', {}, { migrationSetHash: 'same', appCredentialsVersionId: 'same' }],
    [
      'a rotated app password (secretVersions.dbAppCredentials 1 -> 2)',
      { 'secretVersions.dbAppCredentials': 2 },
      { migrationSetHash: 'same', appCredentialsVersionId: 'changed' },
    ],
    [
      'a rotated master or signing secret',
      { 'secretVersions.dbCredentials': 2, 'secretVersions.webhookSigning': 3 },
      { migrationSetHash: 'same', appCredentialsVersionId: 'same' },
    ],
  ])('%s: the Invocation input (what re-invokes the function) %j', async (_change, overrides, expected) => {
    const after = input(composedOf(await renderEnvironments([devWith(overrides)]), GLOBAL));
    const before = input(global);
    for (const [field, verdict] of Object.entries(expected)) {
      const key = field as keyof typeof before;
      if (verdict === 'same') expect(after[key]).toBe(before[key]);
      else expect(after[key]).not.toBe(before[key]);
    }
  });

  test('a new migration in git changes the claim, hence the input: the claim carries the hash of the files as they are', () => {
    const set = readMigrationSet();
    const claim = dev.objects.find((o) => o.file === 'dist/dev/global/paymentglobal.yaml')!.doc;
    expect(claim.spec.migrations.setHash).toBe(migrationSetHash(set));
    expect(claim.spec.migrations.setHash).not.toBe(migrationSetHash(set.slice(0, -1)));
  });
});

describe('PaymentGlobal: VPC peering', () => {
  test('requester in use1 selecting both VPCs by labels, accepter in usw2', () => {
    const requester = forProvider(byName(global, 'peering-requester'));
    expect(requester).toMatchObject({ region: 'us-east-1', peerRegion: 'us-west-2' });
    expect(requester.vpcIdSelector.matchLabels).toMatchObject({ 'payments-dr.io/region': 'use1', 'payments-dr.io/environment': 'dev' });
    expect(requester.peerVpcIdSelector.matchLabels).toMatchObject({ 'payments-dr.io/region': 'usw2', 'payments-dr.io/environment': 'dev' });
    expect(forProvider(byName(global, 'peering-accepter'))).toMatchObject({ region: 'us-west-2', autoAccept: true });
  });

  test('a route to the peer CIDR in all six private route tables, each selecting its table by region and zone', () => {
    const routes = ofKind(global, 'Route').map(forProvider);
    expect(routes).toHaveLength(6);
    const keyOf = (r: Json) => `${r.region} ${r.routeTableIdSelector.matchLabels['payments-dr.io/zone']} -> ${r.destinationCidrBlock}`;
    expect(routes.map(keyOf).sort()).toEqual([
      'us-east-1 us-east-1a -> 10.20.0.0/16',
      'us-east-1 us-east-1b -> 10.20.0.0/16',
      'us-east-1 us-east-1c -> 10.20.0.0/16',
      'us-west-2 us-west-2a -> 10.10.0.0/16',
      'us-west-2 us-west-2b -> 10.10.0.0/16',
      'us-west-2 us-west-2c -> 10.10.0.0/16',
    ]);
    for (const r of routes) expect(r.routeTableIdSelector.matchLabels['payments-dr.io/purpose']).toBe('private');
  });

  test('the route tables selected are the ones PaymentRegion composes (same labels)', () => {
    const regionTables = ['use1', 'usw2'].flatMap((r) => ofKind(composedOf(dev, `dev/${r}/paymentregion.yaml`), 'RouteTable'));
    for (const route of ofKind(global, 'Route')) {
      const wanted = forProvider(route).routeTableIdSelector.matchLabels;
      const matches = regionTables.filter((t) => Object.entries(wanted).every(([k, v]) => labels(t)[k] === v));
      expect(matches).toHaveLength(1);
    }
  });
});

describe('PaymentGlobal: deletion order and lifecycle', () => {
  const edges = () =>
    ofKind(global, 'Usage').map(
      (u) =>
        `${u.spec.by.kind}(${u.spec.by.resourceSelector.matchLabels['payments-dr.io/region'] ?? ''}) ` +
        `holds ${u.spec.of.kind}(${u.spec.of.resourceSelector.matchLabels['payments-dr.io/region'] ?? ''})`,
    );

  test(
    'Usages: both members before the global cluster, instances before their ' +
      'cluster, clusters before subnet groups, encrypted data before KMS keys',
    () => {
      expect(edges().sort()).toEqual(
        [
          'Cluster(use1) holds GlobalCluster()',
          'Cluster(usw2) holds GlobalCluster()',
          ...['Table', 'Table', 'Table', 'Secret', 'Secret', 'Secret'].flatMap((kind) => [
            `${kind}() holds Key(use1)`,
            `${kind}() holds Key(usw2)`,
          ]),
          'ClusterInstance(use1) holds Cluster(use1)',
          'ClusterInstance(usw2) holds Cluster(usw2)',
          'Cluster(use1) holds SubnetGroup(use1)',
          'Cluster(usw2) holds SubnetGroup(usw2)',
          'Cluster(use1) holds Key(use1)',
          'Cluster(usw2) holds Key(usw2)',
          'Invocation() holds Function(use1)',
        ].sort(),
      );
      for (const u of ofKind(global, 'Usage')) expect(u.spec.replayDeletion).toBe(true);
    },
  );

  test('no Retain/Orphan anywhere; names follow {type}-{region}-{env}', () => {
    for (const r of global) {
      expect(r.spec.deletionPolicy ?? 'Delete').toBe('Delete');
      expect(r.metadata.name).toMatch(/^[a-z0-9-]+-(use1|usw2)-dev$/);
    }
  });

  test('status carries the writer endpoint, both cluster endpoints, table ARNs and the secret ARN', () => {
    expect(xrOf(dev, GLOBAL).status).toMatchObject({
      globalWriterEndpoint: expect.stringContaining('global.rds.amazonaws.com'),
      clusters: { use1: { endpoint: expect.any(String) }, usw2: { readerEndpoint: expect.any(String) } },
      tables: { sessions: { arn: expect.stringContaining(':table/sessions-use1-dev') } },
      secrets: { dbCredentialsArn: expect.stringContaining(':secret:db-credentials-use1-dev') },
    });
  });
});
