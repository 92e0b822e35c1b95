import { AWS_PROVIDER_SERVICES } from '../../charts/crossplane-providers';
import { PLATFORM } from '../../charts/config/platform';
import type { PlatformConfig } from '../../charts/config/platform-types';
import { type Manifest, groupOf, objectsIn, objectsOfKind, synthesizedManifests } from '../support/synthesized';

type Json = Record<string, any>;
const AWS_GROUP_SUFFIX = '.aws.upbound.io';
/** Kinds served by Crossplane itself (Usage), not by a provider. */
const CROSSPLANE_CORE_GROUPS = ['apiextensions.crossplane.io', 'protection.crossplane.io'];

/** Every apiVersion group the Compositions compose (their bases) or the units deploy directly as managed resources. */
function managedGroups(manifests: readonly Manifest[]): Set<string> {
  const composed = objectsOfKind(manifests, 'Composition').flatMap((composition) =>
    composition.spec.pipeline.flatMap((step: Json) =>
      (step.input?.resources ?? []).map((resource: Json) => groupOf(resource.base.apiVersion)),
    ),
  );
  const deployed = manifests
    .filter((m) => !m.file.startsWith('platform/') && !m.file.startsWith('argocd/'))
    .map((m) => groupOf(m.object.apiVersion));
  return new Set([...composed, ...deployed].filter((group) => group !== 'payments-dr.io'));
}

const withCredentials = (awsCredentials: PlatformConfig['awsCredentials']): PlatformConfig => ({ ...PLATFORM, awsCredentials });

describe('Crossplane packages (dist/platform/providers.yaml, functions.yaml)', () => {
  let manifests: Manifest[];
  let providers: Json[];
  beforeAll(async () => {
    manifests = await synthesizedManifests();
    providers = objectsIn(manifests, 'platform/providers.yaml');
  });

  test('a provider package for every AWS service group composed or deployed, and none unused', () => {
    const groups = managedGroups(manifests);
    const awsServices = [...groups].filter((g) => g.endsWith(AWS_GROUP_SUFFIX)).map((g) => g.slice(0, -AWS_GROUP_SUFFIX.length));
    expect(awsServices.sort()).toEqual([...AWS_PROVIDER_SERVICES].sort());
    expect(awsServices).toEqual(expect.arrayContaining(['rds', 'dynamodb', 'route53', 'lambda', 'secretsmanager']));
    expect([...groups].filter((g) => !g.endsWith(AWS_GROUP_SUFFIX)).every((g) => CROSSPLANE_CORE_GROUPS.includes(g))).toBe(true);
    const servicePackages = providers.map((p) => /\/provider-aws-([a-z0-9]+):/.exec(p.spec.package)?.[1]).filter(Boolean);
    expect(servicePackages.sort()).toEqual(awsServices.sort());
  });

  test('the family package serves the ProviderConfig API, under the name Crossplane gives it as a dependency', () => {
    expect(objectsIn(manifests, 'platform/providerconfig.yaml').map((o) => groupOf(o.apiVersion))).toEqual(['aws.upbound.io']);
    const family = providers.filter((p) => p.spec.package.includes('/provider-family-aws:'));
    expect(family).toHaveLength(1);
    expect(family[0].metadata.name).toBe('crossplane-contrib-provider-family-aws');
  });

  test('every package reference is fully qualified and pinned; all providers share one version', () => {
    const { providerRegistry, providerVersion } = PLATFORM.crossplane;
    for (const provider of providers)
      expect(provider.spec.package).toMatch(
        new RegExp(
          `^${providerRegistry.replace(/\./g, '\\.')}/provider-(family-aws|aws-[a-z0-9]+):${providerVersion.replace(/\./g, '\\.')}$`,
        ),
      );
    for (const pkg of objectsOfKind(manifests, 'Function').map((f) => f.spec.package))
      expect(pkg).toMatch(/^[a-z0-9-]+(\.[a-z0-9-]+)+\/[a-z0-9/-]+:v\d+\.\d+\.\d+$/);
    expect(providerVersion).toBe('v2.6.0');
  });

  test('the Functions are the ones the Composition pipelines call, by name', () => {
    const called = new Set(
      objectsOfKind(manifests, 'Composition').flatMap((c) => c.spec.pipeline.map((step: Json) => step.functionRef.name)),
    );
    expect(
      objectsIn(manifests, 'platform/functions.yaml')
        .map((f) => f.metadata.name)
        .sort(),
    ).toEqual([...called].sort());
  });

  test('pull secrets, when configured, go on every package', async () => {
    const withSecret = await synthesizedManifests({
      ...PLATFORM,
      crossplane: { ...PLATFORM.crossplane, packagePullSecrets: ['upbound-pull'] },
    });
    for (const pkg of [...objectsOfKind(withSecret, 'Provider'), ...objectsOfKind(withSecret, 'Function')])
      expect(pkg.spec.packagePullSecrets).toEqual([{ name: 'upbound-pull' }]);
    for (const provider of providers) expect(provider.spec.packagePullSecrets).toBeUndefined();
  });
});

describe('AWS credentials (ProviderConfig "default" and the providers\' runtime config)', () => {
  const roleArn = 'arn:aws:iam::111122223333:role/payments-dr-crossplane';
  const servicesOf = (manifests: Manifest[]) =>
    objectsOfKind(manifests, 'Provider').filter((p) => !p.spec.package.includes('provider-family-aws'));

  test(
    'IRSA (default): the service providers run with a service account ' +
      'annotated with the role; the family provider gets no AWS identity',
    async () => {
      const manifests = await synthesizedManifests(withCredentials({ source: 'IRSA', roleArn }));
      const [runtime] = objectsIn(manifests, 'platform/provider-runtime.yaml');
      expect(runtime.metadata.name).toBe('aws-provider-identity');
      expect(runtime.spec.serviceAccountTemplate.metadata.annotations).toEqual({ 'eks.amazonaws.com/role-arn': roleArn });
      for (const provider of servicesOf(manifests)) expect(provider.spec.runtimeConfigRef).toEqual({ name: runtime.metadata.name });
      expect(
        objectsOfKind(manifests, 'Provider').find((p) => p.spec.package.includes('provider-family-aws'))!.spec.runtimeConfigRef,
      ).toBeUndefined();
      const [providerConfig] = objectsIn(manifests, 'platform/providerconfig.yaml');
      // "default" is the name Crossplane providers use for a managed resource without providerConfigRef.
      expect(providerConfig.metadata.name).toBe('default');
      expect(providerConfig.spec.credentials).toEqual({ source: 'IRSA' });
    },
  );

  test('WebIdentity: a projected token for sts.amazonaws.com, mounted where the ProviderConfig reads it', async () => {
    const manifests = await synthesizedManifests(withCredentials({ source: 'WebIdentity', roleArn }));
    const [runtime] = objectsIn(manifests, 'platform/provider-runtime.yaml');
    const pod = runtime.spec.deploymentTemplate.spec.template.spec;
    const [mount] = pod.containers.find((c: Json) => c.name === 'package-runtime').volumeMounts;
    const volume = pod.volumes.find((v: Json) => v.name === mount.name);
    const token = volume.projected.sources[0].serviceAccountToken;
    expect(token.audience).toBe('sts.amazonaws.com');
    const [providerConfig] = objectsIn(manifests, 'platform/providerconfig.yaml');
    expect(providerConfig.spec.credentials).toEqual({
      source: 'WebIdentity',
      webIdentity: { roleARN: roleArn, tokenConfig: { source: 'Filesystem', fs: { path: `${mount.mountPath}/${token.path}` } } },
    });
  });

  test('Secret: static keys from a Secret in crossplane-system, no runtime config', async () => {
    const manifests = await synthesizedManifests(
      withCredentials({ source: 'Secret', secretName: 'aws-credentials', secretKey: 'credentials' }),
    );
    expect(objectsIn(manifests, 'platform/provider-runtime.yaml')).toEqual([]);
    for (const provider of servicesOf(manifests)) expect(provider.spec.runtimeConfigRef).toBeUndefined();
    expect(objectsIn(manifests, 'platform/providerconfig.yaml')[0].spec.credentials).toEqual({
      source: 'Secret',
      secretRef: { namespace: 'crossplane-system', name: 'aws-credentials', key: 'credentials' },
    });
  });
});
