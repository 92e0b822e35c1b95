import * as path from 'node:path';
import { ALL_CHECKS, runChecks } from '../../conformance/index';
import { type ConformanceModel, type Json, loadModel } from '../../conformance/model';

const model = loadModel(path.resolve(__dirname, '..', '..', 'dist'));

/** Findings of one check on a copy of the dist/ model changed by `breakIt`. */
function findingsAfter(checkId: string, breakIt: (m: ConformanceModel & { environments: any[] }) => void): string[] {
  const broken = structuredClone(model) as ConformanceModel & { environments: any[] };
  breakIt(broken);
  const check = ALL_CHECKS.find((c) => c.id === checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  return check.run(broken).map((f) => `${f.resource}: ${f.message}`);
}

/** The first composed resource of the dev environment matching kind (and composition-resource-name). */
function resource(m: { environments: any[] }, unit: 'use1' | 'usw2' | 'global', kind: string, name?: string): Json {
  const env = m.environments.find((e) => e.environment === 'dev');
  const list: Json[] = unit === 'global' ? env.global : env.regions[unit];
  const found = list.find((r) => r.kind === kind && (!name || r.metadata.annotations['crossplane.io/composition-resource-name'] === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} in ${unit}`);
  return found;
}
const fp = (r: Json) => r.spec.forProvider;

test('every requirement and security check passes on the committed dist/', () => {
  const failing = runChecks(model).filter((r) => r.findings.length);
  expect(failing.map((r) => `${r.check.id}: ${r.findings.map((f) => f.message).join('; ')}`)).toEqual([]);
  expect(ALL_CHECKS.length).toBe(16);
});

describe('each check fails on a deliberately broken resource', () => {
  test.each<[string, (m: any) => void, RegExp]>([
    [
      'aurora-global',
      (m) => (fp(resource(m, 'global', 'Cluster', 'cluster-use1')).region = 'eu-west-1'),
      /writer .* must be the one cluster in us-east-1/,
    ],
    [
      'aurora-global',
      (m) => (resource(m, 'global', 'Cluster', 'cluster-usw2').spec.initProvider.engineVersion = '15.4'),
      /engine must be aurora-postgresql 14\.x/,
    ],
    [
      'aurora-global',
      (m) => (fp(resource(m, 'global', 'Cluster', 'cluster-usw2')).backupRetentionPeriod = 0),
      /backup retention 0 < 1 day/,
    ],
    ['lambda', (m) => (fp(resource(m, 'usw2', 'Function', 'function-webhook')).memorySize = 512), /memory 512 MB, required 1024/],
    [
      'lambda',
      (m) => (fp(resource(m, 'usw2', 'Function', 'function-health')).sourceCodeHash = `${'x'.repeat(43)}=`),
      /health functions: artifact hashes differ/,
    ],
    [
      'lambda',
      (m) => (fp(resource(m, 'use1', 'Function', 'function-webhook')).environment.variables.REGION_SUFFIX = 'usw2'),
      /environment is not use1's/,
    ],
    ['dynamodb', (m) => (fp(resource(m, 'global', 'Table', 'table-sessions')).billingMode = 'PROVISIONED'), /billing mode PROVISIONED/],
    [
      'dynamodb',
      (m) => (fp(resource(m, 'global', 'Table', 'table-idempotency')).replica[0].pointInTimeRecovery = false),
      /off on the us-west-2 replica/,
    ],
    [
      'route53-failover',
      (m) => (fp(resource(m, 'usw2', 'Record', 'record-failover')).failoverRoutingPolicy.type = 'PRIMARY'),
      /expected one SECONDARY failover record/,
    ],
    ['route53-failover', (m) => (fp(resource(m, 'use1', 'HealthCheck')).requestInterval = 10), /request interval 10 s, required 30/],
    ['route53-failover', (m) => (fp(resource(m, 'use1', 'HealthCheck')).resourcePath = '/'), /path \/ does not reach the health handler/],
    [
      'alarms',
      (m) => (fp(resource(m, 'usw2', 'MetricAlarm', 'alarm-aurora-replication-lag')).threshold = 5000),
      /threshold 5000 ms > 1000 ms/,
    ],
    ['alarms', (m) => (fp(resource(m, 'use1', 'MetricAlarm', 'alarm-api-5xx')).alarmActions = []), /alarm has no action/],
    ['secrets', (m) => (fp(resource(m, 'global', 'Secret', 'secret-db-credentials')).replica = []), /no replica in us-west-2/],
    [
      'network',
      (m) => (fp(resource(m, 'use1', 'Subnet', 'subnet-private-b')).availabilityZone = 'us-east-1a'),
      /private subnets span 2 AZs/,
    ],
    ['network', (m) => (fp(resource(m, 'usw2', 'VPC')).cidrBlock = '10.10.0.0/16'), /CIDRs overlap/],
    ['naming', (m) => (resource(m, 'use1', 'Function', 'function-webhook').metadata.name = 'webhook-dev'), /"webhook-dev" does not follow/],
    [
      'naming',
      (m) => (resource(m, 'use1', 'Role', 'role-webhook').metadata.name = `role-${'x'.repeat(60)}-use1-dev`),
      /breaks the iam-role rules: length/,
    ],
    ['destroyable', (m) => (resource(m, 'global', 'Table', 'table-sessions').spec.deletionPolicy = 'Orphan'), /deletionPolicy Orphan/],
    [
      'destroyable',
      (m) => (fp(resource(m, 'global', 'Cluster', 'cluster-use1')).skipFinalSnapshot = false),
      /skipFinalSnapshot is not true/,
    ],
    [
      'destroyable',
      (m) => (fp(resource(m, 'global', 'Secret', 'secret-webhook-signing')).recoveryWindowInDays = 7),
      /recovery window 7 days/,
    ],
    ['destroyable', (m) => (fp(resource(m, 'usw2', 'Bucket')).forceDestroy = false), /bucket is not force-destroy/],
    [
      'iam-no-wildcards',
      (m) =>
        (fp(resource(m, 'use1', 'RolePolicy', 'role-policy-webhook')).policy = JSON.stringify({
          Statement: [{ Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:::table/x' }],
        })),
      /action "dynamodb:\*" is a wildcard/,
    ],
    [
      'iam-no-wildcards',
      (m) =>
        (fp(resource(m, 'use1', 'RolePolicy', 'role-policy-health')).policy = JSON.stringify({
          Statement: [{ NotAction: 's3:GetObject', Resource: '*' }],
        })),
      /uses NotAction\/NotResource/,
    ],
    [
      'iam-resource-star',
      (m) =>
        (fp(resource(m, 'use1', 'RolePolicy', 'role-policy-webhook')).policy = JSON.stringify({
          Statement: [{ Sid: 'x', Action: ['dynamodb:GetItem'], Resource: '*' }],
        })),
      /Resource "\*" for dynamodb:GetItem/,
    ],
    [
      'iam-trust',
      (m) =>
        (fp(resource(m, 'usw2', 'Role', 'role-health')).assumeRolePolicy = JSON.stringify({
          Statement: [{ Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
        })),
      /trusts \{"AWS":"\*"\}/,
    ],
    [
      'db-master-secret-readers',
      (m) =>
        (fp(resource(m, 'use1', 'RolePolicy', 'role-policy-webhook')).policy = JSON.stringify({
          Statement: [
            {
              Sid: 'ReadSecrets',
              Action: ['secretsmanager:GetSecretValue'],
              Resource: ['arn:aws:secretsmanager:us-east-1:111122223333:secret:db-credentials-use1-dev-??????'],
            },
          ],
        })),
      /statement ReadSecrets lets the webhook role read the master secret/,
    ],
    [
      'db-master-secret-readers',
      (m) =>
        (fp(resource(m, 'usw2', 'RolePolicy', 'role-policy-health')).policy = JSON.stringify({
          Statement: [{ Sid: 'All', Action: ['secretsmanager:GetSecretValue'], Resource: '*' }],
        })),
      /lets the health role read the master secret \(\*\)/,
    ],
    ['encryption-at-rest', (m) => delete fp(resource(m, 'usw2', 'Topic')).kmsMasterKeyId, /SNS topic not encrypted/],
    [
      'encryption-at-rest',
      (m) => (fp(resource(m, 'global', 'Table', 'table-sessions')).serverSideEncryption.enabled = false),
      /no server-side encryption/,
    ],
    ['encryption-at-rest', (m) => delete fp(resource(m, 'use1', 'Group', 'log-group-webhook')).kmsKeyIdSelector, /log group not encrypted/],
    [
      'tls-only',
      (m) => (fp(resource(m, 'global', 'ClusterParameterGroup', 'cluster-parameter-group-usw2')).parameter = []),
      /does not force TLS/,
    ],
    [
      'tls-only',
      (m) => (fp(resource(m, 'use1', 'DomainName', 'domain-failover')).domainNameConfiguration.securityPolicy = 'TLS_1_0'),
      /TLS_1_2 security policy/,
    ],
    [
      'no-secrets-in-dist',
      (m) => m.distFiles.push({ file: 'dist/dev/use1/leak.yaml', text: 'key: AKIAABCDEFGHIJKLMNOP' }),
      /leak\.yaml: contains a AWS access key id/,
    ],
    [
      'no-secrets-in-dist',
      (m) => (m.distObjects[0].metadata.annotations = { token: 'q8Zk2Lr9Vx4Tb7Nw1Hs6Jd3Fg5Pc0Ym' }),
      /high-entropy string at metadata\.annotations\.token/,
    ],
  ])('%s flags it: %s', (checkId, breakIt, expected) => {
    expect(findingsAfter(checkId, breakIt).join('\n')).toMatch(expected);
  });
});
