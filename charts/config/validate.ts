import { type NameService, nameViolations, plannedNames } from '../../facts/naming';
import { REGIONS, REGION_SUFFIXES } from '../../facts/regions';
import { BACKUP_WINDOW, type EnvironmentConfig, environmentSchema } from './types';

/** One broken rule: which environment, which field, the offending value and the rule in words. */
export interface ConfigProblem {
  readonly environment: string;
  readonly field: string;
  readonly value: unknown;
  readonly rule: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid environment configuration (charts/config/environments.ts):\n` +
        problems.map((p) => `  environment "${p.environment}": ${p.field} = ${JSON.stringify(p.value)}: ${p.rule}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export interface Cidr {
  readonly start: number;
  readonly size: number;
}

/** Parses an IPv4 CIDR, or returns the rule it breaks. */
export function parseCidr(text: string): Cidr | string {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!match) return 'must be an IPv4 CIDR like 10.0.0.0/16';
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) return 'octets must be 0-255';
  if (prefix > 32) return 'prefix length must be 0-32';
  const start = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  if (start % size !== 0) return `host bits must be zero (network address of /${prefix} would be different)`;
  return { start, size };
}

function isPrivateRange({ start, size }: Cidr): boolean {
  const ranges = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((r) => parseCidr(r) as Cidr);
  return ranges.some((r) => start >= r.start && start + size <= r.start + r.size);
}

/** True when two CIDR ranges share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

function minutesOf(hh: string, mm: string): number {
  return Number(hh) * 60 + Number(mm);
}

/** Names built from more than the environment suffix blame every field they are built from. */
const NAME_SOURCES: Partial<Record<NameService, (env: EnvironmentConfig) => [string, unknown]>> = {
  's3-bucket': (env) => ['organisationPrefix + environmentSuffix', `${env.organisationPrefix} + ${env.environmentSuffix}`],
  'dns-name': (env) => ['dns.domain + environmentSuffix', `${env.dns.domain} + ${env.environmentSuffix}`],
};

/** `regions.use1.vpcCidr`, `alertEmails[1]`: how the config file spells a field. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('');
}

const valueAt = (root: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (node, key) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined),
    root,
  );

/** The schema's verdict as ConfigProblems: one per broken field, unknown fields named one by one. */
function schemaProblems(environment: string, input: unknown): ConfigProblem[] {
  const parsed = environmentSchema.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(
        valueAt(
          environmentSchema.shape,
          issue.path.flatMap((k) => [k, 'shape']),
        ) ?? {},
      );
      return issue.keys.map((key) => ({
        environment,
        field: fieldName([...issue.path, key]),
        value: valueAt(input, [...issue.path, key]),
        rule: `is not a known field${known.length ? ` (known here: ${known.join(', ')})` : ''}`,
      }));
    }
    const missing = valueAt(input, issue.path) === undefined;
    return [
      {
        environment,
        field: fieldName(issue.path),
        value: valueAt(input, issue.path),
        rule: missing ? `is required: ${issue.message}` : issue.message,
      },
    ];
  });
}

/** Every problem of one environment (empty when valid): the schema first, then the rules that relate fields. */
export function environmentProblems(input: unknown): ConfigProblem[] {
  const environment = String((input as { environmentSuffix?: unknown })?.environmentSuffix);
  const fromSchema = schemaProblems(environment, input);
  if (fromSchema.length) return fromSchema;
  const env = input as EnvironmentConfig;
  const problems: ConfigProblem[] = [];
  const fail = (field: string, value: unknown, rule: string) => problems.push({ environment, field, value, rule });

  const domainViolations = nameViolations('dns-name', env.dns.domain);
  if (domainViolations.length) fail('dns.domain', env.dns.domain, domainViolations.join('; '));

  const cidrs: Partial<Record<string, Cidr>> = {};
  for (const suffix of REGION_SUFFIXES) {
    const region = env.regions[suffix];
    const at = `regions.${suffix}`;
    const cidr = parseCidr(region.vpcCidr);
    if (typeof cidr === 'string') fail(`${at}.vpcCidr`, region.vpcCidr, cidr);
    else if (cidr.size > 2 ** 16 || cidr.size < 2 ** 8)
      fail(`${at}.vpcCidr`, region.vpcCidr, 'prefix length must be /16-/24 (AWS allows /16-/28; six subnets need at least a /24)');
    else if (!isPrivateRange(cidr))
      fail(`${at}.vpcCidr`, region.vpcCidr, 'must lie inside an RFC 1918 private range (10/8, 172.16/12, 192.168/16)');
    else cidrs[suffix] = cidr;
    const zones = region.availabilityZones;
    const zonePattern = new RegExp(`^${REGIONS[suffix].region}[a-z]$`);
    if (new Set(zones).size !== 3 || !zones.every((z) => zonePattern.test(z))) {
      fail(
        `${at}.availabilityZones`,
        zones,
        `must be three distinct availability zones of ${REGIONS[suffix].region} (e.g. ${REGIONS[suffix].region}a)`,
      );
    }
    if (region.natMode === 'single' && env.production)
      fail(`${at}.natMode`, region.natMode, '"single" is for non-production environments; production needs a NAT gateway per AZ');
  }
  if (cidrs.use1 && cidrs.usw2 && overlaps(cidrs.use1, cidrs.usw2)) {
    fail(
      'regions.usw2.vpcCidr',
      env.regions.usw2.vpcCidr,
      `must not overlap regions.use1.vpcCidr ${env.regions.use1.vpcCidr} (the VPCs are peered)`,
    );
  }

  const window = BACKUP_WINDOW.exec(env.database.preferredBackupWindow)!;
  const length = (minutesOf(window[3], window[4]) - minutesOf(window[1], window[2]) + 1440) % 1440;
  if (length < 30) fail('database.preferredBackupWindow', env.database.preferredBackupWindow, 'must be at least 30 minutes long');

  if (problems.length === 0) {
    for (const { service, name } of plannedNames({
      environmentSuffix: env.environmentSuffix,
      organisationPrefix: env.organisationPrefix,
      domain: env.dns.domain,
    })) {
      const violations = nameViolations(service, name);
      if (violations.length) {
        const [field, value] = NAME_SOURCES[service]?.(env) ?? ['environmentSuffix', env.environmentSuffix];
        fail(field, value, `makes the ${service} name "${name}" invalid: ${violations.join('; ')}`);
      }
    }
  }
  return problems;
}

/** Throws a ConfigError listing every problem of every environment; returns the list when all are valid. */
export function validateEnvironments(environments: readonly unknown[]): readonly EnvironmentConfig[] {
  const problems = environments.flatMap(environmentProblems);
  if (environments.length === 0)
    problems.push({ environment: '-', field: 'ENVIRONMENTS', value: [], rule: 'must declare at least one environment' });
  const entries = new Map<unknown, number[]>();
  environments.forEach((env, index) => {
    const suffix = (env as { environmentSuffix?: unknown })?.environmentSuffix;
    entries.set(suffix, [...(entries.get(suffix) ?? []), index + 1]);
  });
  for (const [suffix, positions] of entries) {
    if (positions.length > 1) {
      problems.push({
        environment: String(suffix),
        field: 'environmentSuffix',
        value: suffix,
        rule: `must be unique across environments (entries ${positions.join(' and ')} of ENVIRONMENTS share it)`,
      });
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return environments as readonly EnvironmentConfig[];
}

/** Example values of the shipped `dev` entry: fine there, a mistake anywhere else. */
const PLACEHOLDERS: ReadonlyArray<[string, (env: EnvironmentConfig) => unknown, (value: string) => boolean]> = [
  ['awsAccountId', (env) => env.awsAccountId, (v) => v === '111122223333'],
  ['organisationPrefix', (env) => env.organisationPrefix, (v) => /^example/.test(v)],
  ['dns.hostedZoneId', (env) => env.dns.hostedZoneId, (v) => /EXAMPLE/.test(v)],
  ['dns.domain', (env) => env.dns.domain, (v) => /(^|\.)example\.(com|org|net)$/.test(v)],
  ['alertEmails', (env) => env.alertEmails, (v) => /@example\.(com|org|net)\b/.test(v)],
];

/** Warnings (not errors) for placeholder values left in an environment other than `dev`. */
export function placeholderWarnings(environments: readonly EnvironmentConfig[]): string[] {
  return environments
    .filter((env) => env.environmentSuffix !== 'dev')
    .flatMap((env) =>
      PLACEHOLDERS.filter(([, read, isPlaceholder]) => [read(env)].flat().some((v) => isPlaceholder(String(v)))).map(
        ([field, read]) =>
          `environment "${env.environmentSuffix}": ${field} = ${JSON.stringify(read(env))} ` +
          'is the example value: replace it before deploying',
      ),
    );
}
