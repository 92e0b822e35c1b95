import { ARGOCD_UNIT, DIST_PATH, HEALTH_PATCH_FILE } from '../../argocd/charts';
import { ENVIRONMENTS } from '../../charts/config/environments';
import { PLATFORM } from '../../charts/config/platform';
import { type Manifest, foldersOf, groupOf, objectsIn, synthesizedManifests } from '../support/synthesized';

type Json = Record<string, any>;
/** Argo CD's own annotation keys and option values (argo-cd docs, sync options and sync waves), stated here, not imported. */
const SYNC_WAVE = 'argocd.argoproj.io/sync-wave';
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
const NEVER_PRUNE_OR_DELETE = 'Prune=false,Delete=false';
/** docs/operations.md, "Nothing stateful is ever deleted by Argo CD": besides the claims, these group/kinds. */
const PROTECTED = [
  '/Namespace',
  'apiextensions.crossplane.io/CompositeResourceDefinition',
  'pkg.crossplane.io/Provider',
  'aws.upbound.io/ProviderConfig',
];
const wave = (object: Json) => Number(object.metadata.annotations?.[SYNC_WAVE]);
const unitPath = (application: Json) => application.spec.source.path.slice(`${DIST_PATH}/`.length);

describe('Argo CD Applications (dist/argocd/)', () => {
  let manifests: Manifest[];
  let units: Json[];
  let root: Json;
  beforeAll(async () => {
    manifests = await synthesizedManifests();
    units = objectsIn(manifests, `${ARGOCD_UNIT}/applications.yaml`);
    root = objectsIn(manifests, `${ARGOCD_UNIT}/bootstrap.yaml`).find((o) => o.kind === 'Application')!;
  });

  test('one Application per deployed folder, each pointing at a folder the synth writes, and every folder deployed', () => {
    const folders = foldersOf(manifests);
    for (const application of [...units, root]) {
      expect(application.spec.source.path).toMatch(new RegExp(`^${DIST_PATH}/`));
      expect(folders).toContain(unitPath(application));
    }
    const deployedFolders = [...folders].filter((folder) => folder !== ARGOCD_UNIT).sort();
    expect(units.map(unitPath).sort()).toEqual(deployedFolders);
    expect(units.map((a) => `${a.metadata.name} ${unitPath(a)}`).sort()).toEqual(
      [
        'payments-dr-platform platform',
        ...ENVIRONMENTS.flatMap(({ environmentSuffix: env }) =>
          ['global', 'use1', 'usw2'].map((unit) => `payments-dr-${env}-${unit} ${env}/${unit}`),
        ),
      ].sort(),
    );
  });

  test('every Application reads this repository at the configured revision and deploys to the control cluster', () => {
    for (const application of [...units, root]) {
      expect(application.spec.source).toMatchObject({ repoURL: PLATFORM.gitops.repoURL, targetRevision: PLATFORM.gitops.targetRevision });
      expect(application.spec.destination.server).toBe(PLATFORM.gitops.destinationServer);
      expect(application.metadata.namespace).toBe(PLATFORM.gitops.argocdNamespace);
    }
    expect(new Set(units.map((a) => a.spec.project))).toEqual(new Set(['payments-dr']));
    expect(root.spec.project).toBe('payments-dr-bootstrap');
  });

  test('waves: platform first, then every region unit, then every global unit; the projects and the root before all', () => {
    const waveOf = (pattern: RegExp) => units.filter((a) => pattern.test(unitPath(a))).map(wave);
    const platform = waveOf(/^platform$/);
    const regions = waveOf(/^[a-z0-9]+\/(use1|usw2)$/);
    const globals = waveOf(/^[a-z0-9]+\/global$/);
    expect(platform).toHaveLength(1);
    expect(Math.max(...platform)).toBeLessThan(Math.min(...regions));
    expect(Math.max(...regions)).toBeLessThan(Math.min(...globals));
    const bootstrapObjects = [
      ...objectsIn(manifests, `${ARGOCD_UNIT}/bootstrap.yaml`),
      ...objectsIn(manifests, `${ARGOCD_UNIT}/appproject.yaml`),
    ];
    for (const object of bootstrapObjects) expect(wave(object)).toBeLessThan(Math.min(...platform));
  });

  test('inside the platform unit, Providers and Functions come before the XRDs, Compositions and the ProviderConfig', () => {
    const platform = manifests.filter((m) => m.file.startsWith('platform/')).map((m) => m.object);
    for (const object of platform) expect(Number.isInteger(wave(object))).toBe(true);
    const packages = platform.filter((o) => ['Provider', 'Function'].includes(o.kind)).map(wave);
    const apis = platform.filter((o) => ['CompositeResourceDefinition', 'Composition', 'ProviderConfig'].includes(o.kind)).map(wave);
    // 16 AWS service providers + the family provider, and the 3 Functions the pipelines call.
    expect(packages).toHaveLength(16 + 1 + 3);
    // 2 claim kinds, each with its XRD and Composition, and the one ProviderConfig.
    expect(apis).toHaveLength(2 * 2 + 1);
    expect(Math.max(...packages)).toBeLessThan(Math.min(...apis));
  });

  test('automated sync with self-heal and prune, server-side apply, prune last, no pruning of an emptied folder', () => {
    for (const application of [...units, root]) {
      expect(application.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
      expect(application.spec.syncPolicy.syncOptions).toEqual(expect.arrayContaining(['ServerSideApply=true', 'PruneLast=true']));
      expect(application.metadata.annotations['argocd.argoproj.io/compare-options']).toBe('ServerSideDiff=true');
    }
  });

  test('units skip the dry run for kinds whose CRDs appear asynchronously (packages, XRDs)', () => {
    for (const application of units) expect(application.spec.syncPolicy.syncOptions).toContain('SkipDryRunOnMissingResource=true');
  });

  test('deleting an Application never deletes what it deployed (no resources finalizer)', () => {
    for (const application of [...units, root]) expect(application.metadata.finalizers).toBeUndefined();
  });

  test('claims and the other protected kinds are never pruned and never cascade-deleted', () => {
    const deployed = manifests.filter((m) => !m.file.startsWith(`${ARGOCD_UNIT}/`)).map((m) => m.object);
    const claims = deployed.filter((o) => groupOf(o.apiVersion) === 'payments-dr.io');
    expect(claims.map((c) => c.kind).sort()).toEqual(
      ENVIRONMENTS.flatMap(() => ['PaymentGlobal', 'PaymentRegion', 'PaymentRegion']).sort(),
    );
    const protectedObjects = deployed.filter((o) => PROTECTED.includes(`${groupOf(o.apiVersion)}/${o.kind}`));
    expect(new Set(protectedObjects.map((o) => `${groupOf(o.apiVersion)}/${o.kind}`))).toEqual(new Set(PROTECTED));
    for (const object of [...claims, ...protectedObjects]) expect(object.metadata.annotations[SYNC_OPTIONS]).toBe(NEVER_PRUNE_OR_DELETE);
    const artifacts = objectsIn(manifests, 'dev/use1/function-artifacts.yaml');
    // one zip per function the region deploys: the webhook, health, the failover controller and migrate
    expect(artifacts.map((a) => a.metadata.labels['payments-dr.io/purpose']).sort()).toEqual([
      'failover-controller',
      'health',
      'migrate',
      'webhook',
    ]);
    for (const artifact of artifacts) expect(artifact.metadata.annotations?.[SYNC_OPTIONS]).toBeUndefined();
  });

  test('the root Application syncs dist/argocd except the argocd-cm patch, which the operator applies', () => {
    expect(root.metadata.name).toBe('payments-dr-root');
    expect(root.spec.source.path).toBe(`${DIST_PATH}/${ARGOCD_UNIT}`);
    expect(root.spec.source.directory.exclude).toBe(`${HEALTH_PATCH_FILE}.yaml`);
    expect(manifests.map((m) => m.file)).toContain(`${ARGOCD_UNIT}/${HEALTH_PATCH_FILE}.yaml`);
  });
});

describe('pausing one region', () => {
  test('a paused unit loses automated sync; the other region and the rest keep it', async () => {
    const manifests = await synthesizedManifests({ ...PLATFORM, gitops: { ...PLATFORM.gitops, pausedUnits: ['dev/use1'] } });
    const applications = objectsIn(manifests, `${ARGOCD_UNIT}/applications.yaml`);
    const byName = (name: string) => applications.find((a) => a.metadata.name === name)!;
    expect(byName('payments-dr-dev-use1').spec.syncPolicy.automated).toBeUndefined();
    expect(byName('payments-dr-dev-use1').spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    for (const name of ['payments-dr-dev-usw2', 'payments-dr-dev-global', 'payments-dr-platform'])
      expect(byName(name).spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
  });
});
