import {
  ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS,
  EXACT_IAM_ACTION,
  GLOBAL_DB_INSTANCE_CLASS,
  HEALTH_CHECK_INTERVAL_SECONDS,
  LAMBDA_MEMORY_MB,
  MAX_REPLICATION_LAG_THRESHOLD_MS,
  mayUseResourceStar,
} from '../../facts/requirements';

/**
 * The one place the requirement values are written as literals: every other module and test reads
 * them from facts/requirements.ts, so a wrong change there fails here.
 */
describe('the requirement values', () => {
  test('Route 53 checks every 30 s, Lambda has 1024 MB, replication lag alerts at 1 s at the latest', () => {
    expect(HEALTH_CHECK_INTERVAL_SECONDS).toBe(30);
    expect(LAMBDA_MEMORY_MB).toBe(1024);
    expect(MAX_REPLICATION_LAG_THRESHOLD_MS).toBe(1000);
  });

  test('Aurora Global Database instance classes are memory-optimised, never burstable', () => {
    for (const ok of ['db.r6g.large', 'db.r5.xlarge', 'db.r7i.16xlarge', 'db.x2g.2xlarge', 'db.r8g.large'])
      expect(ok).toMatch(GLOBAL_DB_INSTANCE_CLASS);
    for (const refused of ['db.t3.medium', 'db.t4g.large', 'db.m6g.large', 'db.r6g.medium', 'r6g.large', 'db.r6g.large '])
      expect(refused).not.toMatch(GLOBAL_DB_INSTANCE_CLASS);
  });

  test('IAM: no wildcard action; Resource "*" only for the listed actions, each with its reason', () => {
    for (const ok of ['ec2:DescribeSubnets', 'rds-data:ExecuteStatement', 'dynamodb:GetItem']) expect(ok).toMatch(EXACT_IAM_ACTION);
    for (const refused of ['*', 's3:*', 'dynamodb:Get*', 'ec2:Describe?', 'ec2']) expect(refused).not.toMatch(EXACT_IAM_ACTION);
    expect(Object.keys(ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS).sort()).toEqual([
      'cloudwatch:GetMetricData',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcs',
    ]);
    for (const reason of Object.values(ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS)) expect(reason).toMatch(/no resource-level permissions/);
    expect(mayUseResourceStar('ec2:DescribeSubnets')).toBe(true);
    expect(mayUseResourceStar('s3:GetObject')).toBe(false);
    expect(mayUseResourceStar('toString')).toBe(false);
  });
});
