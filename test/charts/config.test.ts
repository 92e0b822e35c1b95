import { ENVIRONMENTS } from '../../charts/config/environments';
import { ConfigError, environmentProblems, parseCidr, placeholderWarnings, validateEnvironments } from '../../charts/config/validate';
import { STAGING } from '../support/environments';
import { devWith } from '../support/env-fixture';

/** The single problem message for an environment with `changes` applied. */
function problemsOf(changes: Record<string, unknown>) {
  return environmentProblems(devWith(changes));
}

describe('environment config validation', () => {
  test('the default dev environment is valid', () => {
    expect(ENVIRONMENTS.map((e) => e.environmentSuffix)).toContain('dev');
    expect(environmentProblems(ENVIRONMENTS[0])).toEqual([]);
  });

  test.each([
    ['environmentSuffix', 'Dev', /lowercase alphanumeric/],
    ['environmentSuffix', 'dev-1', /lowercase alphanumeric/],
    ['awsAccountId', '12345', /12-digit AWS account id/],
    ['organisationPrefix', 'Example_Pay', /lowercase letters, digits and single hyphens/],
    ['dns.hostedZoneId', 'zone-1', /hosted zone id/],
    ['dns.domain', 'payments..example.com', /DNS name/],
    ['regions.use1.vpcCidr', '10.10.0.0/33', /prefix length must be 0-32/],
    ['regions.use1.vpcCidr', '10.10.0.1/16', /host bits must be zero/],
    ['regions.use1.vpcCidr', '10.0.0.0/12', /\/16-\/24/],
    ['regions.use1.vpcCidr', '10.10.0.0/25', /\/16-\/24/],
    ['regions.use1.vpcCidr', '8.8.0.0/16', /RFC 1918/],
    ['regions.use1.availabilityZones', ['us-east-1a', 'us-east-1a', 'us-east-1b'], /three distinct availability zones/],
    ['regions.usw2.availabilityZones', ['us-east-1a', 'us-east-1b', 'us-east-1c'], /of us-west-2/],
    ['regions.use1.natMode', 'none', /"per-az" or "single"/],
    ['database.engineVersion', '15.4', /Aurora PostgreSQL 14/],
    ['database.instanceClass', 'db.t4g.medium', /memory-optimised/],
    ['database.instancesPerRegion', 6, /1-5/],
    ['tables.pointInTimeRecoveryDays', 0, /1-35/],
    ['database.backupRetentionDays', 0, /1-35/],
    ['database.backupRetentionDays', 36, /1-35/],
    ['database.preferredBackupWindow', '03:00-03:15', /at least 30 minutes/],
    ['database.preferredBackupWindow', '3am', /hh:mm-hh:mm/],
    ['healthCheck.failureThreshold', 11, /1-10/],
    ['replicationLagThresholdMs', 5000, /1-1000/],
    ['secretVersions.dbCredentials', 0, /1-1000000/],
    ['secretVersions.webhookSigning', 1.5, /integer/],
    ['failover.automatic', 'yes', /true or false/],
    ['failover.failedMinutesBeforePromotion', 0, /1-60/],
  ])('%s = %j is refused, naming the environment, field, value and rule', (field, value, rule) => {
    const problems = problemsOf({ [field]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ environment: field === 'environmentSuffix' ? value : 'dev', field, value });
    expect(problems[0].rule).toMatch(rule);
  });

  test.each([
    ['alertEmail', ['ops@example.com'], 'alertEmail'],
    ['lambdaTimeoutSeconds', 30, 'lambdaTimeoutSeconds'],
    ['database.instanceClas', 'db.r6g.large', 'database.instanceClas'],
    ['regions.use1.natmode', 'single', 'regions.use1.natmode'],
    // Values the requirement or the design fixes are constants (facts/), not fields: setting one is an error.
    ['lambdaMemoryMb', 1024, 'lambdaMemoryMb'],
    ['healthCheck.intervalSeconds', 30, 'healthCheck.intervalSeconds'],
    ['regions.use1.region', 'us-east-1', 'regions.use1.region'],
  ])('an unknown field %s is refused by name, with the known fields beside it', (field, value, named) => {
    const problems = problemsOf({ [field]: value });
    expect(problems).toEqual([
      expect.objectContaining({
        environment: 'dev',
        field: named,
        value,
        rule: expect.stringMatching(/^is not a known field \(known here: .+\)$/),
      }),
    ]);
  });

  test('a missing field is refused by name instead of crashing later', () => {
    const { alertEmails: _omitted, ...withoutEmails } = devWith();
    expect(environmentProblems(withoutEmails)).toEqual([
      expect.objectContaining({ field: 'alertEmails', value: undefined, rule: expect.stringMatching(/^is required: /) }),
    ]);
    const { secretVersions: _alsoOmitted, ...withoutVersions } = devWith();
    expect(environmentProblems(withoutVersions).map((p) => p.field)).toEqual(['secretVersions']);
  });

  test('duplicate suffixes say which entries collide', () => {
    expect(() => validateEnvironments([ENVIRONMENTS[0], devWith({ 'dns.domain': 'other.example.com' })])).toThrow(
      'environment "dev": environmentSuffix = "dev": must be unique across environments (entries 1 and 2 of ENVIRONMENTS share it)',
    );
  });

  test('e-mail addresses are checked one by one', () => {
    const problems = problemsOf({ alertEmails: ['ops@example.com', 'not-an-email'] });
    expect(problems).toEqual([expect.objectContaining({ field: 'alertEmails[1]', value: 'not-an-email' })]);
    expect(problemsOf({ alertEmails: [] })[0].rule).toMatch(/at least one/);
  });

  test('overlapping VPC CIDRs between the regions are refused (they are peered)', () => {
    const problems = problemsOf({ 'regions.usw2.vpcCidr': '10.10.128.0/17' });
    expect(problems).toEqual([
      expect.objectContaining({
        field: 'regions.usw2.vpcCidr',
        rule: expect.stringContaining('must not overlap regions.use1.vpcCidr 10.10.0.0/16'),
      }),
    ]);
  });

  test('production refuses the single NAT gateway mode', () => {
    const problems = problemsOf({ production: true });
    expect(problems.map((p) => p.field).sort()).toEqual(['regions.use1.natMode', 'regions.usw2.natMode']);
  });

  test('a long suffix is refused because of the first real name it breaks, not a guessed limit', () => {
    // The longest 64-character-limited name is the FIS drill role (facts/naming.ts AWS_NAMES).
    const suffix = 'a'.repeat(28);
    const problems = problemsOf({ environmentSuffix: suffix });
    expect(problems[0].field).toBe('environmentSuffix');
    expect(problems[0].rule).toContain(`iam-role name "role-fis-aurora-writer-failover-use1-${suffix}"`);
    expect(problems[0].rule).toContain('length 65 is outside 1-64');
    expect(problemsOf({ environmentSuffix: 'a'.repeat(27) })).toEqual([]);
  });

  test('a six-character suffix is refused because secret names would end like an ARN suffix', () => {
    const problems = problemsOf({ environmentSuffix: 'stagin' });
    // one problem per secret name, in no particular order
    expect(problems).toHaveLength(3);
    expect(problems.map((p) => p.rule)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('secret name "db-credentials-use1-stagin"'),
        expect.stringContaining('secret name "db-app-credentials-use1-stagin"'),
        expect.stringContaining('secret name "webhook-signing-use1-stagin"'),
      ]),
    );
  });

  test('a long organisation prefix is blamed for the S3 bucket name it breaks', () => {
    const problems = problemsOf({ organisationPrefix: 'x'.repeat(45) });
    expect(problems[0]).toMatchObject({ field: 'organisationPrefix + environmentSuffix' });
    expect(problems[0].rule).toMatch(/s3-bucket name ".*-artifacts-use1-dev" invalid: length 64/);
  });

  test('validateEnvironments throws one ConfigError listing every problem, and refuses duplicate suffixes', () => {
    const broken = devWith({ 'database.backupRetentionDays': 0, 'healthCheck.failureThreshold': 11 });
    expect(() => validateEnvironments([broken])).toThrow(ConfigError);
    try {
      validateEnvironments([broken, ENVIRONMENTS[0]]);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('environment "dev": database.backupRetentionDays = 0: must be an integer 1-35 days');
      expect(message).toContain('environment "dev": healthCheck.failureThreshold = 11: must be an integer 1-10 (Route 53 limit)');
      expect(message).toContain('environmentSuffix = "dev": must be unique across environments');
    }
    expect.assertions(4);
  });

  test('placeholder values warn outside dev and only there', () => {
    expect(placeholderWarnings(ENVIRONMENTS.filter((e) => e.environmentSuffix === 'dev'))).toEqual([]);
    expect(
      placeholderWarnings([STAGING])
        .map((w) => w.split(' = ')[0])
        .sort(),
    ).toEqual(
      [
        'environment "staging": awsAccountId',
        'environment "staging": organisationPrefix',
        'environment "staging": dns.hostedZoneId',
        'environment "staging": dns.domain',
        'environment "staging": alertEmails',
      ].sort(),
    );
    const real = {
      ...STAGING,
      awsAccountId: '210987654321',
      organisationPrefix: 'acmepay',
      dns: { hostedZoneId: 'Z0123456789ABCDEFGHIJ', domain: 'staging.pay.acme.io' },
      alertEmails: ['oncall@acme.io'],
    };
    expect(placeholderWarnings([real])).toEqual([]);
  });

  test('parseCidr computes the network range', () => {
    expect(parseCidr('10.20.0.0/16')).toEqual({ start: (10 * 256 + 20) * 65536, size: 65536 });
  });
});
