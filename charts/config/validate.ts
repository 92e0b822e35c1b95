import { MAX_INSTANCES_PER_REGION } from '../../compositions/payment-global/aurora';
import { NameService, nameViolations, plannedNames } from '../naming';
import { REGIONS, REGION_SUFFIXES } from './regions';
import { EnvironmentConfig } from './types';

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

const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
/** Aurora Global Database needs memory-optimised classes (no burstable db.t*). */
const GLOBAL_DB_INSTANCE_CLASS = /^db\.(r5|r6g|r6gd|r6i|r6id|r7g|r7i|r8g|x2g)\.(large|xlarge|[0-9]+xlarge)$/;
const BACKUP_WINDOW = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

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

const isIntegerIn = (value: unknown, min: number, max: number) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

/** Every problem of one environment (empty when valid). */
export function environmentProblems(env: EnvironmentConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const environment = String(env.environmentSuffix);
  const fail = (field: string, value: unknown, rule: string) => problems.push({ environment, field, value, rule });

  if (!/^[a-z0-9]+$/.test(env.environmentSuffix)) fail('environmentSuffix', env.environmentSuffix, 'must be lowercase alphanumeric (a-z, 0-9), at least one character');
  if (!/^\d{12}$/.test(env.awsAccountId)) fail('awsAccountId', env.awsAccountId, 'must be a 12-digit AWS account id');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(env.organisationPrefix)) {
    fail('organisationPrefix', env.organisationPrefix, 'must be lowercase letters, digits and single hyphens (it starts S3 bucket names)');
  }
  if (typeof env.production !== 'boolean') fail('production', env.production, 'must be true or false');
  if (!/^Z[A-Z0-9]{1,31}$/.test(env.dns.hostedZoneId)) fail('dns.hostedZoneId', env.dns.hostedZoneId, 'must be a Route 53 hosted zone id: "Z" then up to 31 uppercase letters/digits');
  const domainViolations = nameViolations('dns-name', env.dns.domain);
  if (domainViolations.length) fail('dns.domain', env.dns.domain, domainViolations.join('; '));
  if (env.alertEmails.length === 0) fail('alertEmails', env.alertEmails, 'must list at least one address');
  env.alertEmails.forEach((email, i) => {
    if (!EMAIL.test(email)) fail(`alertEmails[${i}]`, email, 'must be an e-mail address like name@example.com');
  });

  const cidrs: Partial<Record<string, Cidr>> = {};
  for (const suffix of REGION_SUFFIXES) {
    const region = env.regions[suffix];
    const at = `regions.${suffix}`;
    if (!region) {
      fail(at, region, `must be declared (regions are fixed: ${REGION_SUFFIXES.join(', ')})`);
      continue;
    }
    if (region.region !== REGIONS[suffix].region) fail(`${at}.region`, region.region, `must be ${REGIONS[suffix].region}: the design fixes ${suffix} to that region`);
    const cidr = parseCidr(region.vpcCidr);
    if (typeof cidr === 'string') fail(`${at}.vpcCidr`, region.vpcCidr, cidr);
    else if (cidr.size > 2 ** 16 || cidr.size < 2 ** 8) fail(`${at}.vpcCidr`, region.vpcCidr, 'prefix length must be /16-/24 (AWS allows /16-/28; six subnets need at least a /24)');
    else if (!isPrivateRange(cidr)) fail(`${at}.vpcCidr`, region.vpcCidr, 'must lie inside an RFC 1918 private range (10/8, 172.16/12, 192.168/16)');
    else cidrs[suffix] = cidr;
    const zones = region.availabilityZones;
    const zonePattern = new RegExp(`^${REGIONS[suffix].region}[a-z]$`);
    if (zones.length !== 3 || new Set(zones).size !== 3 || !zones.every((z) => zonePattern.test(z))) {
      fail(`${at}.availabilityZones`, zones, `must be three distinct availability zones of ${REGIONS[suffix].region} (e.g. ${REGIONS[suffix].region}a)`);
    }
    if (region.natMode !== 'per-az' && region.natMode !== 'single') fail(`${at}.natMode`, region.natMode, 'must be "per-az" or "single"');
    else if (region.natMode === 'single' && env.production) fail(`${at}.natMode`, region.natMode, '"single" is for non-production environments; production needs a NAT gateway per AZ');
  }
  if (cidrs.use1 && cidrs.usw2 && overlaps(cidrs.use1, cidrs.usw2)) {
    fail('regions.usw2.vpcCidr', env.regions.usw2.vpcCidr, `must not overlap regions.use1.vpcCidr ${env.regions.use1.vpcCidr} (the VPCs are peered)`);
  }

  const db = env.database;
  if (!/^14\.\d+$/.test(db.engineVersion)) fail('database.engineVersion', db.engineVersion, 'must be an Aurora PostgreSQL 14 version, "14.<minor>"');
  if (!GLOBAL_DB_INSTANCE_CLASS.test(db.instanceClass)) {
    fail('database.instanceClass', db.instanceClass, 'must be a memory-optimised class Aurora Global Database supports (db.r5/r6g/r6gd/r6i/r6id/r7g/r7i/r8g/x2g.<size>)');
  }
  if (!isIntegerIn(db.instancesPerRegion, 1, MAX_INSTANCES_PER_REGION)) {
    fail('database.instancesPerRegion', db.instancesPerRegion, `must be an integer 1-${MAX_INSTANCES_PER_REGION} (the PaymentGlobal Composition's instance slots per region)`);
  }
  if (!isIntegerIn(env.tables.pointInTimeRecoveryDays, 1, 35)) fail('tables.pointInTimeRecoveryDays', env.tables.pointInTimeRecoveryDays, 'must be an integer 1-35 days');
  if (!isIntegerIn(db.backupRetentionDays, 1, 35)) fail('database.backupRetentionDays', db.backupRetentionDays, 'must be an integer 1-35 days');
  const window = BACKUP_WINDOW.exec(db.preferredBackupWindow);
  if (!window) fail('database.preferredBackupWindow', db.preferredBackupWindow, 'must be "hh:mm-hh:mm" in UTC');
  else {
    const length = (minutesOf(window[3], window[4]) - minutesOf(window[1], window[2]) + 1440) % 1440;
    if (length < 30) fail('database.preferredBackupWindow', db.preferredBackupWindow, 'must be at least 30 minutes long');
  }

  if (env.lambdaMemoryMb !== 1024) fail('lambdaMemoryMb', env.lambdaMemoryMb, 'must be 1024 (the requirement fixes Lambda memory at 1024 MB)');
  if (env.healthCheck.intervalSeconds !== 30) fail('healthCheck.intervalSeconds', env.healthCheck.intervalSeconds, 'must be 30 (the requirement; Route 53 cannot change it after creation)');
  if (!isIntegerIn(env.healthCheck.failureThreshold, 1, 10)) fail('healthCheck.failureThreshold', env.healthCheck.failureThreshold, 'must be an integer 1-10 (Route 53 limit)');
  if (!isIntegerIn(env.replicationLagThresholdMs, 1, 1000)) fail('replicationLagThresholdMs', env.replicationLagThresholdMs, 'must be an integer 1-1000 ms (the requirement alerts at 1 s)');
  for (const [name, version] of Object.entries(env.secretVersions ?? {})) {
    if (!isIntegerIn(version, 1, 1_000_000)) fail(`secretVersions.${name}`, version, 'must be an integer 1-1000000 (raise it by one to push a rotated secret)');
  }
  for (const name of ['dbCredentials', 'webhookSigning']) {
    if (!env.secretVersions || !(name in env.secretVersions)) fail(`secretVersions.${name}`, undefined, 'must be declared (start at 1)');
  }
  if (typeof env.failover?.automatic !== 'boolean') fail('failover.automatic', env.failover?.automatic, 'must be true or false (false: promotion stays with operators)');
  if (!isIntegerIn(env.failover?.failedMinutesBeforePromotion, 1, 60)) {
    fail('failover.failedMinutesBeforePromotion', env.failover?.failedMinutesBeforePromotion, 'must be an integer 1-60 minutes');
  }

  if (problems.length === 0) {
    for (const { service, name } of plannedNames({ environmentSuffix: env.environmentSuffix, organisationPrefix: env.organisationPrefix, domain: env.dns.domain })) {
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
export function validateEnvironments(environments: readonly EnvironmentConfig[]): readonly EnvironmentConfig[] {
  const problems = environments.flatMap(environmentProblems);
  if (environments.length === 0) problems.push({ environment: '-', field: 'ENVIRONMENTS', value: [], rule: 'must declare at least one environment' });
  const seen = new Set<string>();
  for (const env of environments) {
    if (seen.has(env.environmentSuffix)) problems.push({ environment: env.environmentSuffix, field: 'environmentSuffix', value: env.environmentSuffix, rule: 'must be unique across environments' });
    seen.add(env.environmentSuffix);
  }
  if (problems.length) throw new ConfigError(problems);
  return environments;
}
