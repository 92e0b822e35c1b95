import { awsName, globallyUniqueName, nameViolations, plannedNames } from '../../facts/naming';

describe('awsName', () => {
  test('follows {resource-type}-{region-suffix}-{environment-suffix}', () => {
    expect(awsName('webhook', 'usw2', 'dev')).toBe('webhook-usw2-dev');
    expect(globallyUniqueName('examplepay', 'artifacts', 'use1', 'prod')).toBe('examplepay-artifacts-use1-prod');
  });

  test('home-region resources (global cluster, global tables, replicated secrets) carry use1', () => {
    const names = plannedNames({ environmentSuffix: 'dev', organisationPrefix: 'examplepay', domain: 'example.com' }).map((n) => n.name);
    expect(names).toEqual(
      expect.arrayContaining(['aurora-global-use1-dev', 'sessions-use1-dev', 'idempotency-use1-dev', 'db-credentials-use1-dev']),
    );
    expect(names).not.toContain('sessions-usw2-dev');
  });

  test('the organisation prefix appears only on S3 bucket names', () => {
    const planned = plannedNames({ environmentSuffix: 'dev', organisationPrefix: 'examplepay', domain: 'example.com' });
    expect(planned.filter((n) => n.name.includes('examplepay')).map((n) => n.service)).toEqual(['s3-bucket', 's3-bucket']);
  });
});

describe('AWS name length limits', () => {
  test.each([
    ['rds-cluster', 63],
    ['rds-instance', 63],
    ['rds-global-cluster', 63],
    ['lambda-function', 64],
    ['iam-role', 64],
    ['s3-bucket', 63],
    ['sns-topic', 256],
    ['dynamodb-table', 255],
    ['log-group', 512],
  ] as const)('%s accepts %i characters and refuses one more', (service, max) => {
    const prefix = service === 'log-group' ? '/aws/lambda/' : '';
    const fits = `${prefix + 'a'.repeat(max - prefix.length - 1)}1`;
    expect(nameViolations(service, fits)).toEqual([]);
    expect(nameViolations(service, `${fits}1`)).toEqual([expect.stringContaining(`length ${max + 1} is outside`)]);
  });

  test('DynamoDB table names need at least 3 characters, S3 buckets too', () => {
    expect(nameViolations('dynamodb-table', 'ab')[0]).toMatch(/length 2 is outside 3-255/);
    expect(nameViolations('s3-bucket', 'ab')[0]).toMatch(/length 2 is outside 3-63/);
  });
});

describe('AWS name character rules', () => {
  test('RDS identifiers start with a letter and have no double or trailing hyphen', () => {
    expect(nameViolations('rds-cluster', '1aurora')).toEqual([expect.stringContaining('starting with a letter')]);
    expect(nameViolations('rds-cluster', 'aurora--use1')).toEqual(['must not contain two consecutive hyphens or end with a hyphen']);
    expect(nameViolations('rds-cluster', 'aurora-use1-')).toEqual(['must not contain two consecutive hyphens or end with a hyphen']);
  });

  test('S3 bucket names are lowercase and avoid reserved prefixes and IP-address forms', () => {
    expect(nameViolations('s3-bucket', 'Examplepay-artifacts')).toEqual([expect.stringContaining('lowercase letters')]);
    expect(nameViolations('s3-bucket', 'xn--artifacts')).toEqual([expect.stringContaining('reserved prefix')]);
    expect(nameViolations('s3-bucket', '192.168.1.1')).toEqual(['must not be formatted as an IP address']);
  });

  test('Lambda names refuse periods; IAM role names accept +=,.@', () => {
    expect(nameViolations('lambda-function', 'webhook.use1')).toHaveLength(1);
    expect(nameViolations('iam-role', 'role+webhook=a,b.c@d')).toEqual([]);
  });

  test('a secret name ending in a hyphen and six characters collides with the ARN suffix', () => {
    expect(nameViolations('secret', 'db-credentials-use1-stagin')).toEqual([expect.stringContaining('hyphen followed by six characters')]);
    expect(nameViolations('secret', 'db-credentials-use1-dev')).toEqual([]);
  });

  test('every planned name of the default environment is valid', () => {
    const planned = plannedNames({ environmentSuffix: 'dev', organisationPrefix: 'examplepay', domain: 'dev.payments.example.com' });
    expect(planned).toHaveLength(70);
    expect(planned.flatMap((n) => nameViolations(n.service, n.name).map((v) => `${n.name}: ${v}`))).toEqual([]);
  });
});
