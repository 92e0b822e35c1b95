import { ENVIRONMENTS } from '../../charts/config/environments';
import { PLATFORM } from '../../charts/config/platform';
import type { PlatformConfig } from '../../charts/config/platform-types';
import { PlatformConfigError, platformProblems, validatePlatform } from '../../charts/config/validate-platform';
import { renderFiles } from '../../synth/synth';
import { devWith } from '../support/env-fixture';

/** A deep copy of the committed platform config with `changes` applied at dotted paths. */
function platformWith(changes: Record<string, unknown>): PlatformConfig {
  const config = structuredClone(PLATFORM) as unknown as Record<string, unknown>;
  for (const [dotted, value] of Object.entries(changes)) {
    const keys = dotted.split('.');
    const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, config);
    parent[keys[keys.length - 1]] = value;
  }
  return config as unknown as PlatformConfig;
}

describe('platform config validation', () => {
  test('the committed config is valid for the declared environments', () => {
    expect(platformProblems(PLATFORM, ENVIRONMENTS)).toEqual([]);
  });

  test('HTTPS and SSH repository URLs are accepted; the alternative registry too', () => {
    expect(platformProblems(platformWith({ 'gitops.repoURL': 'git@github.com:acme/payments-dr.git' }), ENVIRONMENTS)).toEqual([]);
    expect(
      platformProblems(platformWith({ 'crossplane.providerRegistry': 'xpkg.crossplane.io/crossplane-contrib' }), ENVIRONMENTS),
    ).toEqual([]);
    expect(
      platformProblems(
        platformWith({ awsCredentials: { source: 'Secret', secretName: 'aws-creds', secretKey: 'credentials' } }),
        ENVIRONMENTS,
      ),
    ).toEqual([]);
  });

  test.each([
    ['gitops.repoURL', 'github.com/acme/payments-dr', /https:\/\/host\/org\/repo\.git or git@host/],
    ['gitops.targetRevision', '', /branch, tag or commit/],
    ['gitops.argocdNamespace', 'Argo_CD', /namespace name/],
    ['gitops.destinationServer', 'http://10.0.0.1', /https:\/\//],
    ['crossplane.providerRegistry', 'upbound', /registry host and organisation/],
    ['crossplane.providerRegistry', 'xpkg.upbound.io/upbound/provider-aws-s3:v2.6.0', /without a tag/],
    ['crossplane.providerVersion', 'latest', /exact release tag/],
    ['crossplane.providerVersion', 'v2.6', /exact release tag/],
    ['crossplane.providerVersion', 'v1.21.0', /must stay on v2\.x/],
    ['crossplane.functions.autoReady.version', 'v0.7', /exact release tag/],
    ['crossplane.functions.patchAndTransform.repository', 'function-patch-and-transform', /fully qualified/],
    ['awsCredentials.roleArn', 'payments-dr-crossplane', /IAM role ARN/],
    ['operatorsGroup', 'payments operators', /without spaces/],
    ['operatorsGroup', 'system:masters', /"system:" prefix/],
  ])('%s = %j is refused, naming the field, value and rule', (field, value, rule) => {
    const problems = platformProblems(platformWith({ [field]: value }), ENVIRONMENTS);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field, value });
    expect(problems[0].rule).toMatch(rule);
  });

  test('a paused unit must be a deployable unit of a declared environment', () => {
    expect(platformProblems(platformWith({ 'gitops.pausedUnits': ['dev/usw2'] }), ENVIRONMENTS)).toEqual([]);
    const [problem] = platformProblems(platformWith({ 'gitops.pausedUnits': ['prod/use1'] }), ENVIRONMENTS);
    expect(problem).toMatchObject({ field: 'gitops.pausedUnits[0]', value: 'prod/use1' });
    expect(problem.rule).toContain('platform, dev/use1, dev/usw2, dev/global');
  });

  test('the provider role must live in the account of every environment (one ProviderConfig serves them all)', () => {
    const [problem] = platformProblems(PLATFORM, [devWith({ awsAccountId: '444455556666' })]);
    expect(problem.field).toBe('awsCredentials.roleArn');
    expect(problem.rule).toContain('is in account 111122223333 but environment "dev" lives in 444455556666');
  });

  test('Secret credentials need a valid Secret name and key', () => {
    const problems = platformProblems(
      platformWith({ awsCredentials: { source: 'Secret', secretName: 'AWS Keys', secretKey: 'a/b' } }),
      ENVIRONMENTS,
    );
    expect(problems.map((p) => p.field)).toEqual(['awsCredentials.secretName', 'awsCredentials.secretKey']);
  });

  test('validatePlatform throws one error listing every problem, in the form "field = value: rule"', () => {
    const broken = platformWith({ 'gitops.argocdNamespace': 'Argo_CD', 'crossplane.providerVersion': 'latest' });
    expect(() => validatePlatform(broken, ENVIRONMENTS)).toThrow(PlatformConfigError);
    expect(() => validatePlatform(broken, ENVIRONMENTS)).toThrow(
      new RegExp(
        String.raw`invalid platform configuration \(charts/config/platform\.ts\):\n {2}gitops\.argocdNamespace = "Argo_CD": .*` +
          String.raw`\n {2}crossplane\.providerVersion = "latest": must be an exact release tag`,
      ),
    );
  });

  test('the synth validates the committed platform config against the environments before writing anything', async () => {
    await expect(renderFiles([devWith({ awsAccountId: '444455556666' })])).rejects.toThrow(PlatformConfigError);
  });
});
