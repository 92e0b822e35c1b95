import { deployUnits } from '../units';
import type { PackageRef, PlatformConfig } from './platform-types';
import type { EnvironmentConfig } from './types';

/** One broken rule of the platform config: the field, the offending value and the rule in words. */
export interface PlatformProblem {
  readonly field: string;
  readonly value: unknown;
  readonly rule: string;
}

const listProblems = (problems: readonly PlatformProblem[]): string =>
  problems.map((p) => `  ${p.field} = ${JSON.stringify(p.value)}: ${p.rule}`).join('\n');

export class PlatformConfigError extends Error {
  constructor(readonly problems: readonly PlatformProblem[]) {
    super(`invalid platform configuration (charts/config/platform.ts):\n${listProblems(problems)}`);
    this.name = 'PlatformConfigError';
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const GIT_URL =
  /^(https:\/\/[A-Za-z0-9.-]+(:\d+)?\/[^\s]+|ssh:\/\/[^\s@]+@[A-Za-z0-9.-]+(:\d+)?\/[^\s]+|[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+:[^\s]+)$/;
const GIT_REVISION = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
/** registry host (with a dot, optional port), then at least one path segment; no tag or digest. */
const OCI_REPOSITORY = /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)+$/;
const RELEASE_TAG = /^v\d+\.\d+\.\d+$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** The vendored provider CRDs (../shared/crds/provider-aws) are from this major line. */
const PROVIDER_MAJOR = 'v2';

/** Every problem of the platform config (empty when valid). Environments are needed to check unit names and accounts. */
export function platformProblems(platform: PlatformConfig, environments: readonly EnvironmentConfig[]): PlatformProblem[] {
  const problems: PlatformProblem[] = [];
  const fail = (field: string, value: unknown, rule: string) => problems.push({ field, value, rule });
  const { gitops, crossplane, awsCredentials } = platform;

  if (!GIT_URL.test(gitops.repoURL))
    fail('gitops.repoURL', gitops.repoURL, 'must be the URL Argo CD clones, https://host/org/repo.git or git@host:org/repo.git');
  if (!GIT_REVISION.test(gitops.targetRevision))
    fail('gitops.targetRevision', gitops.targetRevision, 'must be a branch, tag or commit (letters, digits, . _ / -)');
  if (!DNS_LABEL.test(gitops.argocdNamespace))
    fail('gitops.argocdNamespace', gitops.argocdNamespace, 'must be a Kubernetes namespace name (DNS label)');
  if (!/^https:\/\/[^\s/]+(\/[^\s]*)?$/.test(gitops.destinationServer)) {
    fail(
      'gitops.destinationServer',
      gitops.destinationServer,
      'must be the https:// URL of the control cluster API server (https://kubernetes.default.svc when Argo CD runs in it)',
    );
  }
  const units = deployUnits(environments).map((unit) => unit.path);
  gitops.pausedUnits.forEach((unit, i) => {
    if (!units.includes(unit)) fail(`gitops.pausedUnits[${i}]`, unit, `must name a deployable unit: ${units.join(', ')}`);
  });

  if (!OCI_REPOSITORY.test(crossplane.providerRegistry)) {
    fail(
      'crossplane.providerRegistry',
      crossplane.providerRegistry,
      'must be a registry host and organisation without a tag, e.g. xpkg.upbound.io/upbound',
    );
  }
  if (!RELEASE_TAG.test(crossplane.providerVersion))
    fail(
      'crossplane.providerVersion',
      crossplane.providerVersion,
      'must be an exact release tag vMAJOR.MINOR.PATCH (pinned, never latest)',
    );
  else if (!crossplane.providerVersion.startsWith(`${PROVIDER_MAJOR}.`)) {
    fail(
      'crossplane.providerVersion',
      crossplane.providerVersion,
      `must stay on ${PROVIDER_MAJOR}.x, the line of the vendored CRDs the manifests are validated against ` +
        '(a new major needs new CRDs in ../shared/crds)',
    );
  }
  crossplane.packagePullSecrets.forEach((secret, i) => {
    if (!DNS_SUBDOMAIN.test(secret)) fail(`crossplane.packagePullSecrets[${i}]`, secret, 'must be a Secret name (DNS subdomain)');
  });
  for (const [name, ref] of Object.entries(crossplane.functions) as [string, PackageRef][]) {
    const field = `crossplane.functions.${name}`;
    if (!OCI_REPOSITORY.test(ref.repository))
      fail(
        `${field}.repository`,
        ref.repository,
        'must be a fully qualified package repository without a tag, e.g. xpkg.upbound.io/crossplane-contrib/function-auto-ready',
      );
    if (!RELEASE_TAG.test(ref.version))
      fail(`${field}.version`, ref.version, 'must be an exact release tag vMAJOR.MINOR.PATCH (pinned, never latest)');
  }

  if (awsCredentials.source === 'IRSA' || awsCredentials.source === 'WebIdentity') {
    const arn = ROLE_ARN.exec(awsCredentials.roleArn);
    if (!arn)
      fail('awsCredentials.roleArn', awsCredentials.roleArn, 'must be an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>');
    else {
      for (const env of environments.filter((e) => e.awsAccountId !== arn[1])) {
        fail(
          'awsCredentials.roleArn',
          awsCredentials.roleArn,
          `is in account ${arn[1]} but environment "${env.environmentSuffix}" lives in ${env.awsAccountId}: ` +
            'every managed resource uses the one ProviderConfig "default", so the role must be in the environments\' account',
        );
      }
    }
  } else if (awsCredentials.source === 'Secret') {
    if (!DNS_SUBDOMAIN.test(awsCredentials.secretName))
      fail('awsCredentials.secretName', awsCredentials.secretName, 'must be a Secret name (DNS subdomain)');
    if (!CONFIG_KEY.test(awsCredentials.secretKey))
      fail('awsCredentials.secretKey', awsCredentials.secretKey, 'must be a Secret data key (letters, digits, - _ .)');
  } else {
    const source: unknown = (awsCredentials as { source?: unknown }).source;
    fail('awsCredentials.source', source, 'must be "IRSA", "WebIdentity" or "Secret"');
  }

  const group = platform.operatorsGroup;
  if (!/^\S{1,253}$/.test(group)) fail('operatorsGroup', group, 'must be a group name of 1-253 characters without spaces');
  else if (group.startsWith('system:'))
    fail('operatorsGroup', group, 'must not use the "system:" prefix, which Kubernetes reserves for its own groups');
  return problems;
}

/** Throws a PlatformConfigError listing every problem; returns the config when valid. */
export function validatePlatform(platform: PlatformConfig, environments: readonly EnvironmentConfig[]): PlatformConfig {
  const problems = platformProblems(platform, environments);
  if (problems.length) throw new PlatformConfigError(problems);
  return platform;
}
