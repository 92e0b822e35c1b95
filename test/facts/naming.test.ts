import { ENVIRONMENTS } from '../../charts/config/environments';
import { renderedAwsNames } from '../../compositions/lib/naming';
import {
  AWS_NAMES,
  MAX_ENVIRONMENT_SUFFIX_LENGTH,
  NAME_RULES,
  allowedNames,
  awsName,
  globallyUniqueName,
  nameViolations,
  plannedNames,
} from '../../facts/naming';
import { type RenderedEnvironments, renderEnvironments } from '../support/rendered';

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

describe('the longest environment suffix (the XRDs state it)', () => {
  test('is 27: with the shortest prefix and domain, the FIS drill roles are the names a 28th character breaks', () => {
    expect(MAX_ENVIRONMENT_SUFFIX_LENGTH).toBe(27);
    const inputs = (length: number) => ({ environmentSuffix: 'a'.repeat(length), organisationPrefix: 'a', domain: 'a.io' });
    const broken = (length: number) => plannedNames(inputs(length)).filter(({ service, name }) => nameViolations(service, name).length > 0);
    expect(broken(27)).toEqual([]);
    expect(broken(28).map(({ name }) => name)).toEqual(
      ['use1', 'usw2'].map((region) => `role-fis-aurora-writer-failover-${region}-${'a'.repeat(28)}`),
    );
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
    // every AWS_NAMES row in each region it may carry, with its zone and instance-slot variants
    expect(planned).toHaveLength(163);
    expect(planned.flatMap((n) => nameViolations(n.service, n.name).map((v) => `${n.name}: ${v}`))).toEqual([]);
  });
});

describe('every rendered AWS-facing name is a row of the naming table and fits its service', () => {
  let rendered: RenderedEnvironments;
  beforeAll(async () => {
    rendered = await renderEnvironments(ENVIRONMENTS);
  }, 600_000);

  test('metadata.name, forProvider.name, the Name tag and external names of every composed resource', () => {
    const checked = new Set<string>();
    const problems: string[] = [];
    for (const claim of rendered.rendered) {
      const env = ENVIRONMENTS.find((e) => e.environmentSuffix === claim.claim.spec.environmentSuffix)!;
      const allowed = new Set(
        allowedNames({ environmentSuffix: env.environmentSuffix, organisationPrefix: env.organisationPrefix, domain: env.dns.domain }).map(
          (n) => `${n.service} ${n.name}`,
        ),
      );
      for (const resource of claim.resources) {
        for (const { service, name, at } of renderedAwsNames(resource)) {
          const where = `${resource.kind}/${resource.metadata.name} ${at}`;
          checked.add(`${resource.kind} ${service}`);
          if (!allowed.has(`${service} ${name}`)) problems.push(`${where}: ${service} name "${name}" has no row in AWS_NAMES`);
          for (const violation of nameViolations(service, name)) problems.push(`${where}: "${name}" ${violation}`);
          if (name.length > NAME_RULES[service].maxLength) problems.push(`${where}: "${name}" is over ${NAME_RULES[service].maxLength}`);
        }
      }
    }
    expect(problems).toEqual([]);
    // The walk saw every service of the table (a table row no rendered resource uses would be dead).
    const services = new Set([...checked].map((k) => k.split(' ')[1]));
    expect([...new Set(AWS_NAMES.map((entry) => entry.service))].filter((s) => !services.has(s))).toEqual([]);
  });

  test('every row of the table names something the Compositions render (no dead rows)', () => {
    const renderedNames = new Set(
      rendered.rendered.flatMap((claim) => claim.resources.flatMap((r) => renderedAwsNames(r).map((n) => `${n.service} ${n.name}`))),
    );
    const env = ENVIRONMENTS[0];
    const inputs = { environmentSuffix: env.environmentSuffix, organisationPrefix: env.organisationPrefix, domain: env.dns.domain };
    const dead = AWS_NAMES.filter(
      (entry) => !allowedNames(inputs).some((n) => n.entry === entry && renderedNames.has(`${n.service} ${n.name}`)),
    ).map((entry) => `${entry.service} ${entry.type}`);
    expect(dead).toEqual([]);
  });
});
