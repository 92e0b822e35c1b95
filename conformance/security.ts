import { unzipSync } from 'fflate';
import { EXACT_IAM_ACTION, mayUseResourceStar } from '../facts/requirements';
import { DRILL_ROLE_PURPOSES } from '../compositions/payment-region/drills';
import { type EnvironmentModel, type Finding, type Json, allResources, describe, forProvider, ofKind, perEnvironment } from './model';
import type { Check } from './requirements';

interface PolicyDocument {
  readonly resource: Json;
  readonly statements: Json[];
}

function parsePolicy(resource: Json, text: string | undefined): PolicyDocument {
  const parsed = text ? (JSON.parse(text) as Json) : {};
  return { resource, statements: [parsed.Statement ?? []].flat() };
}

/** Identity policies (inline and managed) of an environment. */
const identityPolicies = (env: EnvironmentModel) =>
  [...ofKind(allResources(env), 'RolePolicy'), ...ofKind(allResources(env), 'Policy')].map((r) => parsePolicy(r, forProvider(r).policy));
/** Every policy document with actions, including KMS key policies (resource policies). */
const allPolicies = (env: EnvironmentModel) => [
  ...identityPolicies(env),
  ...ofKind(allResources(env), 'Key').map((r) => parsePolicy(r, forProvider(r).policy)),
];

const iamActions: Check = {
  id: 'iam-no-wildcards',
  requirement: 'IAM: no "*" or "service:*" (or any wildcard) action in any policy; no NotAction / NotResource',
  run: perEnvironment((env, fail) => {
    for (const { resource, statements } of allPolicies(env)) {
      for (const statement of statements) {
        if ('NotAction' in statement || 'NotResource' in statement)
          fail(describe(resource), `statement ${statement.Sid ?? '?'} uses NotAction/NotResource`);
        for (const action of [statement.Action ?? []].flat())
          if (!EXACT_IAM_ACTION.test(action)) fail(describe(resource), `action "${action}" is a wildcard`);
      }
    }
  }),
};

const iamResourceStar: Check = {
  id: 'iam-resource-star',
  requirement: 'IAM: Resource "*" only for the documented actions without resource-level permissions (facts/requirements.ts)',
  run: perEnvironment((env, fail) => {
    for (const { resource, statements } of identityPolicies(env)) {
      for (const statement of statements) {
        if (![statement.Resource].flat().includes('*')) continue;
        const undocumented = [statement.Action].flat().filter((a: string) => !mayUseResourceStar(a));
        if (undocumented.length)
          fail(describe(resource), `Resource "*" for ${undocumented.join(', ')}, which support resource-level permissions`);
      }
    }
  }),
};

/** Which service may assume each role, by the role's purpose label. */
const TRUSTED_SERVICES: Record<string, string> = {
  webhook: 'lambda.amazonaws.com',
  health: 'lambda.amazonaws.com',
  'failover-controller': 'lambda.amazonaws.com',
  migrate: 'lambda.amazonaws.com',
  scheduler: 'scheduler.amazonaws.com',
  ...Object.fromEntries(DRILL_ROLE_PURPOSES.map((purpose) => [purpose, 'fis.amazonaws.com'])),
};

const iamTrust: Check = {
  id: 'iam-trust',
  requirement: 'IAM: trust policies name exactly the right service principal (no AWS account or "*" principals)',
  run: perEnvironment((env, fail) => {
    for (const role of ofKind(allResources(env), 'Role')) {
      const expected = TRUSTED_SERVICES[role.metadata.labels?.['payments-dr.io/purpose']];
      for (const statement of parsePolicy(role, forProvider(role).assumeRolePolicy).statements) {
        const principal = statement.Principal ?? {};
        if (
          typeof principal !== 'object' ||
          Object.keys(principal).join() !== 'Service' ||
          [principal.Service].flat().join() !== expected
        ) {
          fail(describe(role), `trusts ${JSON.stringify(principal)}, expected only the service ${expected ?? '(unknown purpose)'}`);
        }
      }
    }
  }),
};

const hasKey = (spec: Json, field: string) => Boolean(spec[field] || spec[`${field}Selector`] || spec[`${field}Ref`]);

const encryptionAtRest: Check = {
  id: 'encryption-at-rest',
  requirement: 'Encryption at rest: Aurora, DynamoDB, Secrets Manager, SNS, CloudWatch log groups, S3',
  run: perEnvironment((env, fail) => {
    const all = allResources(env);
    for (const r of [...ofKind(all, 'Cluster'), ...ofKind(all, 'GlobalCluster')])
      if (forProvider(r).storageEncrypted !== true) fail(describe(r), 'storage not encrypted');
    for (const r of ofKind(all, 'Table')) {
      const sse = forProvider(r).serverSideEncryption ?? {};
      if (sse.enabled !== true || !hasKey(sse, 'kmsKeyArn')) fail(describe(r), 'no server-side encryption with a KMS key');
    }
    for (const r of ofKind(all, 'Secret'))
      if (!hasKey(forProvider(r), 'kmsKeyId') || (forProvider(r).replica ?? []).some((x: Json) => !x.kmsKeyId))
        fail(describe(r), 'secret or replica without a KMS key');
    for (const r of ofKind(all, 'Topic')) if (!forProvider(r).kmsMasterKeyId) fail(describe(r), 'SNS topic not encrypted');
    for (const r of ofKind(all, 'Group'))
      if (!hasKey(forProvider(r), 'kmsKeyId')) fail(describe(r), 'log group not encrypted with a KMS key');
    for (const region of ['use1', 'usw2'] as const) {
      const buckets = ofKind(env.regions[region], 'Bucket');
      const encrypted = ofKind(env.regions[region], 'BucketServerSideEncryptionConfiguration').filter((c) =>
        (forProvider(c).rule ?? []).some((rule: Json) => rule.applyServerSideEncryptionByDefault?.sseAlgorithm),
      );
      if (buckets.length > encrypted.length)
        fail(`region ${region}`, `${buckets.length} bucket(s) but ${encrypted.length} encryption configuration(s)`);
    }
  }),
};

const tlsOnly: Check = {
  id: 'tls-only',
  requirement: 'TLS only: forced in the DB parameter groups, HTTPS health checks, API custom domains with a TLS 1.2 policy',
  run: perEnvironment((env, fail) => {
    const all = allResources(env);
    const groups = ofKind(all, 'ClusterParameterGroup');
    for (const cluster of ofKind(all, 'Cluster')) {
      const wanted = forProvider(cluster).dbClusterParameterGroupNameSelector?.matchLabels ?? {};
      const group = groups.find((g) => Object.entries(wanted).every(([k, v]) => g.metadata.labels?.[k] === v));
      if (!group || !(forProvider(group).parameter ?? []).some((p: Json) => p.name === 'rds.force_ssl' && p.value === '1'))
        fail(describe(cluster), 'its parameter group does not force TLS (rds.force_ssl=1)');
    }
    for (const r of ofKind(all, 'HealthCheck'))
      if (forProvider(r).type !== 'HTTPS') fail(describe(r), `health check type ${forProvider(r).type}`);
    for (const r of ofKind(all, 'DomainName'))
      if (forProvider(r).domainNameConfiguration?.securityPolicy !== 'TLS_1_2')
        fail(describe(r), 'custom domain without the TLS_1_2 security policy');
  }),
};

/** Patterns of credentials that must never be committed. */
const SECRET_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ['AWS access key id', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['webhook signing secret', /\bwhsec_[A-Za-z0-9+/=_-]{16,}/],
  ['AWS secret access key assignment', /aws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/i],
  ['password value', /"password"\s*:\s*"[^"$]{6,}"/],
];

/** Fields whose values are high-entropy by design (code and content hashes), never secrets; object names may carry a content hash too. */
const HIGH_ENTROPY_FIELDS = new Set(['contentBase64', 'sourceCodeHash', 's3Key', 'key']);

function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  return [...counts.values()].reduce((sum, n) => sum - (n / text.length) * Math.log2(n / text.length), 0);
}

/** Strings that look random: long, few separators, > 4.2 bits per character. */
const looksRandom = (value: string) => value.length >= 24 && !/[\s/.:{}"]/.test(value) && shannonEntropy(value) > 4.2;

function walkStrings(value: unknown, path: string[], visit: (value: string, path: string[]) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value)) value.forEach((item, i) => walkStrings(item, [...path, String(i)], visit));
  else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) walkStrings(item, [...path, key], visit);
}

const noSecretsInDist: Check = {
  id: 'no-secrets-in-dist',
  requirement:
    'No secret values in dist/: no credential patterns (also inside the function bundles) and no unexplained high-entropy strings',
  run: (model) => {
    const findings: Finding[] = [];
    for (const { file, text } of model.distFiles) {
      for (const [what, pattern] of SECRET_PATTERNS)
        if (pattern.test(text)) findings.push({ resource: file, message: `contains a ${what}` });
    }
    for (const object of model.distObjects) {
      walkStrings(object, [], (value, path) => {
        const field = path[path.length - 1];
        if (field === 'contentBase64') {
          for (const [name, bytes] of Object.entries(unzipSync(Buffer.from(value, 'base64')))) {
            const code = Buffer.from(bytes).toString('utf8');
            for (const [what, pattern] of SECRET_PATTERNS)
              if (pattern.test(code))
                findings.push({ resource: `${describe(object)} (zip entry ${name})`, message: `bundle contains a ${what}` });
          }
        } else if (!HIGH_ENTROPY_FIELDS.has(field) && path.join('.') !== 'metadata.name' && looksRandom(value)) {
          findings.push({
            resource: describe(object),
            message: `high-entropy string at ${path.join('.')} (${value.slice(0, 6)}…): a secret?`,
          });
        }
      });
    }
    return findings;
  },
};

/** The database owner's secret: only the function that runs the migrations may read it (the webhook and health use the app role's). */
const MASTER_SECRET_READERS = new Set(['migrate']);

const masterSecretReaders: Check = {
  id: 'db-master-secret-readers',
  requirement:
    'IAM: only the migrate role may read the Aurora master secret (db-credentials); ' +
    'the webhook and health read the least-privilege db-app-credentials',
  run: perEnvironment((env, fail) => {
    for (const { resource, statements } of identityPolicies(env)) {
      const purpose = resource.metadata.labels?.['payments-dr.io/purpose'];
      if (MASTER_SECRET_READERS.has(purpose)) continue;
      for (const statement of statements) {
        const grantsRead = [statement.Action].flat().includes('secretsmanager:GetSecretValue');
        const master = [statement.Resource].flat().filter((arn: string) => arn === '*' || /:secret:db-credentials-/.test(arn));
        if (grantsRead && master.length)
          fail(
            describe(resource),
            `statement ${statement.Sid ?? '?'} lets the ${purpose ?? 'unlabelled'} role read the master secret (${master.join(', ')})`,
          );
      }
    }
  }),
};

export const SECURITY_CHECKS: readonly Check[] = [
  iamActions,
  iamResourceStar,
  iamTrust,
  masterSecretReaders,
  encryptionAtRest,
  tlsOnly,
  noSecretsInDist,
];
