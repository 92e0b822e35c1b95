import { REGIONS, type RegionSuffix } from '../facts/regions';
import { overlaps, parseCidr } from '../charts/config/validate';
import { renderedAwsNames } from '../compositions/lib/naming';
import { nameViolations } from '../facts/naming';
import { HEALTH_CHECK_INTERVAL_SECONDS, LAMBDA_MEMORY_MB, MAX_REPLICATION_LAG_THRESHOLD_MS } from '../facts/requirements';
import {
  type ConformanceModel,
  type Finding,
  type Json,
  allResources,
  describe,
  forProvider,
  nameOf,
  ofKind,
  perEnvironment,
} from './model';

export interface Check {
  /** Short stable id, e.g. "aurora-global". */
  readonly id: string;
  /** The user requirement (or security rule) in words. */
  readonly requirement: string;
  readonly run: (model: ConformanceModel) => Finding[];
}

const regionOf = (resource: Json): string => forProvider(resource).region;
const label = (resource: Json, key: string): string | undefined => resource.metadata?.labels?.[`payments-dr.io/${key}`];

const auroraGlobal: Check = {
  id: 'aurora-global',
  requirement:
    'Aurora PostgreSQL 14.x Global Database: writer cluster in us-east-1, reader cluster in us-west-2, ' +
    'backups (retention >= 1) in both, encrypted',
  run: perEnvironment((env, fail) => {
    const global = ofKind(env.global, 'GlobalCluster');
    if (global.length !== 1) fail('GlobalCluster', `expected 1 global cluster, found ${global.length}`);
    const clusters = ofKind(env.global, 'Cluster');
    for (const resource of [...global, ...clusters]) {
      const engineVersion = resource.spec.initProvider?.engineVersion ?? forProvider(resource).engineVersion;
      if (forProvider(resource).engine !== 'aurora-postgresql' || !/^14\.\d+$/.test(String(engineVersion)))
        fail(describe(resource), `engine must be aurora-postgresql 14.x (got ${forProvider(resource).engine} ${engineVersion})`);
      if (forProvider(resource).storageEncrypted !== true) fail(describe(resource), 'storage is not encrypted');
    }
    const writers = clusters.filter((c) => forProvider(c).masterUsername);
    if (writers.length !== 1 || regionOf(writers[0]) !== 'us-east-1') {
      const found = writers.map(regionOf).join(', ') || 'none';
      fail('Cluster', `the writer (the cluster with credentials) must be the one cluster in us-east-1 (found ${found})`);
    }
    const readers = clusters.filter((c) => !forProvider(c).masterUsername);
    if (readers.length !== 1 || regionOf(readers[0]) !== 'us-west-2')
      fail('Cluster', `the reader must be the one cluster in us-west-2 (found ${readers.map(regionOf).join(', ') || 'none'})`);
    for (const cluster of clusters) {
      if (!(forProvider(cluster).backupRetentionPeriod >= 1))
        fail(describe(cluster), `backup retention ${forProvider(cluster).backupRetentionPeriod} < 1 day (no automated backups, no PITR)`);
    }
  }),
};

const lambdaFunctions: Check = {
  id: 'lambda',
  requirement: `Lambda webhook in both regions, ${LAMBDA_MEMORY_MB} MB, identical artifact hash, region-specific environment`,
  run: perEnvironment((env, fail) => {
    const byRegion = (['use1', 'usw2'] as const).map((region) => ({ region, functions: ofKind(env.regions[region], 'Function') }));
    for (const { region, functions } of byRegion) {
      if (!functions.some((f) => label(f, 'purpose') === 'webhook')) fail(`region ${region}`, 'no webhook function');
      for (const fn of functions) {
        if (forProvider(fn).memorySize !== LAMBDA_MEMORY_MB)
          fail(describe(fn), `memory ${forProvider(fn).memorySize} MB, required ${LAMBDA_MEMORY_MB}`);
        const variables = forProvider(fn).environment?.variables ?? {};
        if (variables.REGION_SUFFIX !== region || regionOf(fn) !== REGIONS[region].region)
          fail(describe(fn), `environment is not ${region}'s (REGION_SUFFIX=${variables.REGION_SUFFIX}, region=${regionOf(fn)})`);
      }
    }
    for (const purpose of ['webhook', 'health']) {
      const hashes = byRegion.map(
        ({ functions }) => forProvider(functions.find((f) => label(f, 'purpose') === purpose) ?? {}).sourceCodeHash,
      );
      if (!hashes[0] || hashes[0] !== hashes[1])
        fail(`${purpose} functions`, `artifact hashes differ between regions (${hashes.join(' vs ')})`);
    }
  }),
};

const dynamoDb: Check = {
  id: 'dynamodb',
  requirement: 'DynamoDB: every table on-demand, PITR on the table and on every replica, replica in us-west-2',
  run: perEnvironment((env, fail) => {
    const tables = ofKind(allResources(env), 'Table');
    if (tables.length === 0) fail('Table', 'no DynamoDB tables');
    for (const table of tables) {
      const spec = forProvider(table);
      if (spec.billingMode !== 'PAY_PER_REQUEST')
        fail(describe(table), `billing mode ${spec.billingMode}, required PAY_PER_REQUEST (on-demand)`);
      if (spec.pointInTimeRecovery?.enabled !== true) fail(describe(table), 'point-in-time recovery is off on the table');
      const replicas: Json[] = spec.replica ?? [];
      if (!replicas.some((r) => r.regionName === 'us-west-2')) fail(describe(table), 'no replica in us-west-2');
      for (const replica of replicas)
        if (replica.pointInTimeRecovery !== true)
          fail(describe(table), `point-in-time recovery is off on the ${replica.regionName} replica`);
    }
  }),
};

const route53: Check = {
  id: 'route53-failover',
  requirement:
    'Route 53: PRIMARY record for use1 and SECONDARY for usw2, each with a health check; every health check HTTPS, ' +
    `interval ${HEALTH_CHECK_INTERVAL_SECONDS}, path reaching the health handler`,
  run: perEnvironment((env, fail) => {
    for (const [region, role] of [
      ['use1', 'PRIMARY'],
      ['usw2', 'SECONDARY'],
    ] as const) {
      const records = ofKind(env.regions[region], 'Record').filter((r) => forProvider(r).failoverRoutingPolicy);
      const ofRole = records.filter((r) => forProvider(r).failoverRoutingPolicy.type === role);
      if (ofRole.length !== 1) {
        const found = records.map((r) => forProvider(r).failoverRoutingPolicy.type).join(', ') || 'none';
        fail(`region ${region}`, `expected one ${role} failover record, found ${found}`);
      }
      for (const record of records)
        if (!forProvider(record).healthCheckId && !forProvider(record).healthCheckIdSelector)
          fail(describe(record), 'failover record without a health check');
      const healthRoute = ofKind(env.regions[region], 'Route').find((r) => forProvider(r).routeKey === 'GET /health');
      for (const check of ofKind(env.regions[region], 'HealthCheck')) {
        const spec = forProvider(check);
        if (spec.type !== 'HTTPS') fail(describe(check), `type ${spec.type}, required HTTPS`);
        if (spec.requestInterval !== HEALTH_CHECK_INTERVAL_SECONDS)
          fail(describe(check), `request interval ${spec.requestInterval} s, required ${HEALTH_CHECK_INTERVAL_SECONDS}`);
        if (!healthRoute || spec.resourcePath !== healthRoute.spec.forProvider.routeKey.split(' ')[1])
          fail(describe(check), `path ${spec.resourcePath} does not reach the health handler's route`);
      }
      if (ofKind(env.regions[region], 'HealthCheck').length === 0) fail(`region ${region}`, 'no health check');
    }
  }),
};

const alarms: Check = {
  id: 'alarms',
  requirement:
    `Alarms: replication-lag alarm on the secondary cluster in us-west-2, threshold <= ${MAX_REPLICATION_LAG_THRESHOLD_MS} ms, ` +
    'SNS e-mail action; DynamoDB replication-latency alarm; every alarm has an action',
  run: perEnvironment((env, fail) => {
    const metricAlarms = ofKind(allResources(env), 'MetricAlarm');
    // A region's subscriptions select the topic its own claim composes (matchControllerRef).
    const topicsWithEmail = new Set(
      (['use1', 'usw2'] as const)
        .filter((region) => ofKind(env.regions[region], 'TopicSubscription').some((s) => forProvider(s).protocol === 'email'))
        .flatMap((region) => ofKind(env.regions[region], 'Topic').map((t) => `${regionOf(t)}/${nameOf(t)}`)),
    );
    const topicName = (arn: string) => `${arn.split(':')[3]}/${arn.split(':')[5]}`;
    for (const alarm of metricAlarms) {
      const actions: string[] = forProvider(alarm).alarmActions ?? [];
      if (actions.length === 0) fail(describe(alarm), 'alarm has no action');
      for (const action of actions)
        if (!topicsWithEmail.has(topicName(action)))
          fail(describe(alarm), `action ${action} is not an SNS topic with an e-mail subscription`);
    }
    const secondaryCluster = ofKind(env.global, 'Cluster').find((c) => regionOf(c) === 'us-west-2');
    const watchesSecondary = (a: Json) => {
      const spec = forProvider(a);
      const query = `${spec.metricQuery?.[0]?.expression ?? ''}`;
      const byDimension =
        ['AuroraGlobalDBReplicationLag', 'AuroraGlobalDBRPOLag'].includes(spec.metricName) &&
        spec.dimensions?.DBClusterIdentifier === nameOf(secondaryCluster ?? {});
      const byQuery =
        /^SELECT MAX\(AuroraGlobalDB(ReplicationLag|RPOLag)\) FROM "AWS\/RDS" WHERE DBClusterIdentifier = '([^']+)'$/.exec(query)?.[2] ===
        nameOf(secondaryCluster ?? {});
      return regionOf(a) === 'us-west-2' && (byDimension || byQuery);
    };
    const lagAlarms = metricAlarms.filter(watchesSecondary);
    if (lagAlarms.length === 0) fail('MetricAlarm', 'no replication-lag alarm on the secondary cluster in us-west-2');
    for (const alarm of lagAlarms)
      if (!(forProvider(alarm).threshold <= MAX_REPLICATION_LAG_THRESHOLD_MS))
        fail(describe(alarm), `threshold ${forProvider(alarm).threshold} ms > ${MAX_REPLICATION_LAG_THRESHOLD_MS} ms`);
    if (!metricAlarms.some((a) => forProvider(a).metricName === 'ReplicationLatency' && forProvider(a).namespace === 'AWS/DynamoDB'))
      fail('MetricAlarm', 'no DynamoDB ReplicationLatency alarm');
  }),
};

const secrets: Check = {
  id: 'secrets',
  requirement: 'Secrets: a replica in us-west-2 for every secret',
  run: perEnvironment((env, fail) => {
    const list = ofKind(allResources(env), 'Secret');
    if (list.length === 0) fail('Secret', 'no secrets');
    for (const secret of list)
      if (!(forProvider(secret).replica ?? []).some((r: Json) => r.region === 'us-west-2'))
        fail(describe(secret), 'no replica in us-west-2');
  }),
};

const network: Check = {
  id: 'network',
  requirement:
    'Network: per region a VPC, private subnets in 3 distinct AZs, NAT gateway(s); ' +
    'peering requester + accepter + routes both ways; CIDRs disjoint',
  run: perEnvironment((env, fail) => {
    const cidrs: string[] = [];
    for (const region of ['use1', 'usw2'] as RegionSuffix[]) {
      const resources = env.regions[region];
      const vpcs = ofKind(resources, 'VPC');
      if (vpcs.length !== 1) fail(`region ${region}`, `expected 1 VPC, found ${vpcs.length}`);
      cidrs.push(...vpcs.map((v) => forProvider(v).cidrBlock));
      const privateZones = new Set(
        ofKind(resources, 'Subnet')
          .filter((s) => label(s, 'purpose') === 'private')
          .map((s) => forProvider(s).availabilityZone),
      );
      if (privateZones.size !== 3) fail(`region ${region}`, `private subnets span ${privateZones.size} AZs, required 3`);
      if (ofKind(resources, 'NATGateway').length === 0) fail(`region ${region}`, 'no NAT gateway');
      const peerRoutes = ofKind(env.global, 'Route').filter(
        (r) => regionOf(r) === REGIONS[region].region && forProvider(r).vpcPeeringConnectionIdSelector,
      );
      if (peerRoutes.length !== ofKind(resources, 'RouteTable').filter((t) => label(t, 'purpose') === 'private').length)
        fail(`region ${region}`, `${peerRoutes.length} peering routes for ${privateZones.size} private route tables`);
    }
    if (ofKind(env.global, 'VPCPeeringConnection').length !== 1) fail('VPCPeeringConnection', 'no peering requester');
    if (ofKind(env.global, 'VPCPeeringConnectionAccepter').length !== 1) fail('VPCPeeringConnectionAccepter', 'no peering accepter');
    const [a, b] = cidrs.map((c) => parseCidr(c));
    if (a && b && typeof a !== 'string' && typeof b !== 'string' && overlaps(a, b)) fail('VPC', `CIDRs overlap: ${cidrs.join(' and ')}`);
  }),
};

const naming: Check = {
  id: 'naming',
  requirement:
    "Naming: every AWS-facing name is {type}-{use1|usw2}-{env} (organisation prefix only on S3 buckets) and fits its service's limits",
  run: (model) =>
    model.environments.flatMap((env) => {
      const findings: Finding[] = [];
      const convention = new RegExp(`^(/aws/(lambda|apigateway)/|alias/)?[a-z0-9-]+-(use1|usw2)-${env.environment}$`);
      // Where each kind's AWS-facing names are, and their services: the map the Compositions' name check uses.
      for (const resource of allResources(env)) {
        for (const { service, name } of renderedAwsNames(resource)) {
          const where = `${env.environment}: ${describe(resource)}`;
          // API hostnames are `api-{region}-{env}.{domain}` / `api-{env}.{domain}` (facts/naming.ts), not the resource convention.
          if (service !== 'dns-name' && !convention.test(name))
            findings.push({ resource: where, message: `"${name}" does not follow {type}-{use1|usw2}-${env.environment}` });
          for (const violation of nameViolations(service, name))
            findings.push({ resource: where, message: `"${name}" breaks the ${service} rules: ${violation}` });
          const prefix = resource.kind === 'Bucket' ? undefined : /^[a-z0-9]+-artifacts-/.exec(name);
          if (prefix) findings.push({ resource: where, message: `"${name}" carries the organisation prefix, allowed only on S3 buckets` });
        }
      }
      return findings;
    }),
};

const destroyability: Check = {
  id: 'destroyable',
  requirement:
    'Destroyable: no deletionPolicy Orphan, no deletion protection, skipFinalSnapshot true, ' +
    'secrets recovery window 0, buckets force-destroy',
  run: perEnvironment((env, fail) => {
    for (const resource of allResources(env)) {
      const spec = forProvider(resource);
      if (resource.spec?.deletionPolicy === 'Orphan') fail(describe(resource), 'deletionPolicy Orphan');
      if (spec.deletionProtection === true || spec.deletionProtectionEnabled === true)
        fail(describe(resource), 'deletion protection is on');
      if (resource.kind === 'Cluster' && spec.skipFinalSnapshot !== true && !spec.finalSnapshotIdentifier)
        fail(describe(resource), 'skipFinalSnapshot is not true and no final snapshot id is documented');
      if (resource.kind === 'Secret' && spec.recoveryWindowInDays !== 0)
        fail(describe(resource), `recovery window ${spec.recoveryWindowInDays} days blocks recreating the name`);
      if (resource.kind === 'Bucket' && spec.forceDestroy !== true) fail(describe(resource), 'bucket is not force-destroy');
    }
  }),
};

export const REQUIREMENT_CHECKS: readonly Check[] = [
  auroraGlobal,
  lambdaFunctions,
  dynamoDb,
  route53,
  alarms,
  secrets,
  network,
  naming,
  destroyability,
];
