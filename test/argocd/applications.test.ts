import {
  ARGOCD_UNIT,
  BOOTSTRAP_PROJECT,
  DIST_PATH,
  HEALTH_PATCH_FILE,
  PROJECT,
  ROOT_APPLICATION,
  applicationName,
} from '../../argocd/charts';
import { NEVER_DELETE, PROTECTED_KINDS, SYNC_OPTIONS_ANNOTATION } from '../../argocd/sync-policy';
import { SYNC_WAVE_ANNOTATION } from '../../argocd/sync-waves';
import { ENVIRONMENTS } from '../../charts/config/environments';
import { PLATFORM } from '../../charts/config/platform';
import { type Manifest, foldersOf, groupOf, objectsIn, synthesizedManifests } from '../support/synthesized';

type Json = Record<string, any>;
const wave = (object: Json) => Number(object.metadata.annotations?.[SYNC_WAVE_ANNOTATION]);
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
    expect(units.map((a) => a.metadata.name)).toEqual(units.map((a) => applicationName(unitPath(a))));
    expect(deployedFolders).toEqual(expect.arrayContaining(['platform', 'dev/global', 'dev/use1', 'dev/usw2']));
  });

  test('every Application reads this repository at the configured revision and deploys to the control cluster', () => {
    for (const application of [...units, root]) {
      expect(application.spec.source).toMatchObject({ repoURL: PLATFORM.gitops.repoURL, targetRevision: PLATFORM.gitops.targetRevision });
      expect(application.spec.destination.server).toBe(PLATFORM.gitops.destinationServer);
      expect(application.metadata.namespace).toBe(PLATFORM.gitops.argocdNamespace);
    }
    expect(new Set(units.map((a) => a.spec.project))).toEqual(new Set([PROJECT]));
    expect(root.spec.project).toBe(BOOTSTRAP_PROJECT);
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
    expect(packages.length).toBeGreaterThan(2);
    expect(apis.length).toBeGreaterThan(2);
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
    const protectedKinds = new Set(PROTECTED_KINDS.map((k) => `${k.group}/${k.kind}`));
    const protectedObjects = deployed.filter((o) => protectedKinds.has(`${groupOf(o.apiVersion)}/${o.kind}`));
    expect(protectedObjects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['Namespace', 'CompositeResourceDefinition', 'Provider', 'ProviderConfig']),
    );
    for (const object of [...claims, ...protectedObjects]) expect(object.metadata.annotations[SYNC_OPTIONS_ANNOTATION]).toBe(NEVER_DELETE);
    const artifacts = objectsIn(manifests, 'dev/use1/function-artifacts.yaml');
    for (const artifact of artifacts) expect(artifact.metadata.annotations?.[SYNC_OPTIONS_ANNOTATION]).toBeUndefined();
  });

  test('the root Application syncs dist/argocd except the argocd-cm patch, which the operator applies', () => {
    expect(root.metadata.name).toBe(ROOT_APPLICATION);
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
    expect(byName(applicationName('dev/use1')).spec.syncPolicy.automated).toBeUndefined();
    expect(byName(applicationName('dev/use1')).spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    for (const unit of ['dev/usw2', 'dev/global', 'platform'])
      expect(byName(applicationName(unit)).spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true, allowEmpty: false });
  });
});
