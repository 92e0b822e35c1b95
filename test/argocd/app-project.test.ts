import { ARGOCD_UNIT, HEALTH_PATCH_FILE } from '../../argocd/charts';
import { PLATFORM } from '../../charts/config/platform';
import { type Manifest, groupOf, objectsIn, synthesizedManifests } from '../support/synthesized';

type Json = Record<string, any>;
interface GroupKind {
  group: string;
  kind: string;
}
const key = ({ group, kind }: GroupKind) => `${group}/${kind}`;

/** Argo CD's whitelist check for a project that lists exact kinds (this project has no wildcard, asserted below). */
function permits(project: Json, kind: GroupKind, namespaced: boolean): boolean {
  const list: GroupKind[] = (namespaced ? project.spec.namespaceResourceWhitelist : project.spec.clusterResourceWhitelist) ?? [];
  return list.some((entry) => entry.group === kind.group && entry.kind === kind.kind);
}

/** The kinds a set of objects uses, from the synthesized YAML itself, split by scope. */
function kindsOf(objects: readonly Json[]): { cluster: string[]; namespaced: string[] } {
  const of = (namespaced: boolean) =>
    [
      ...new Set(
        objects.filter((o) => Boolean(o.metadata.namespace) === namespaced).map((o) => key({ group: groupOf(o.apiVersion), kind: o.kind })),
      ),
    ].sort();
  return { cluster: of(false), namespaced: of(true) };
}

describe('AppProjects', () => {
  let manifests: Manifest[];
  let project: Json;
  let bootstrap: Json;
  beforeAll(async () => {
    manifests = await synthesizedManifests();
    project = objectsIn(manifests, `${ARGOCD_UNIT}/appproject.yaml`)[0];
    bootstrap = objectsIn(manifests, `${ARGOCD_UNIT}/bootstrap.yaml`).find((o) => o.kind === 'AppProject')!;
  });

  test('the unit project whitelists exactly the kinds the units deploy, by scope', () => {
    expect(project.metadata.name).toBe('payments-dr');
    const deployed = manifests.filter((m) => !m.file.startsWith(`${ARGOCD_UNIT}/`)).map((m) => m.object);
    const expected = kindsOf(deployed);
    expect(project.spec.clusterResourceWhitelist.map(key).sort()).toEqual(expected.cluster);
    expect(project.spec.namespaceResourceWhitelist.map(key).sort()).toEqual(expected.namespaced);
    expect(expected.namespaced).toEqual(['payments-dr.io/PaymentGlobal', 'payments-dr.io/PaymentRegion']);
    expect(expected.cluster).toEqual(
      [
        '/Namespace',
        'apiextensions.crossplane.io/Composition',
        'apiextensions.crossplane.io/CompositeResourceDefinition',
        'aws.upbound.io/ProviderConfig',
        'pkg.crossplane.io/DeploymentRuntimeConfig',
        'pkg.crossplane.io/Function',
        'pkg.crossplane.io/Provider',
        'rbac.authorization.k8s.io/ClusterRole',
        'rbac.authorization.k8s.io/ClusterRoleBinding',
        's3.aws.upbound.io/Object',
      ].sort(),
    );
  });

  test('no wildcard anywhere: groups, kinds, repositories, destinations', () => {
    for (const p of [project, bootstrap]) {
      const entries: GroupKind[] = [...(p.spec.clusterResourceWhitelist ?? []), ...(p.spec.namespaceResourceWhitelist ?? [])];
      for (const entry of entries) expect(`${entry.group}/${entry.kind}`).not.toContain('*');
      expect(p.spec.sourceRepos).toEqual([PLATFORM.gitops.repoURL]);
      for (const destination of p.spec.destinations) {
        expect(destination.server).toBe(PLATFORM.gitops.destinationServer);
        expect(destination.namespace).not.toContain('*');
      }
      expect(p.spec.namespaceResourceBlacklist).toBeUndefined();
    }
  });

  test('the unit project refuses kinds the project does not deploy', () => {
    const refused: Array<[GroupKind, boolean]> = [
      [{ group: 'ec2.aws.upbound.io', kind: 'VPC' }, false], // composed by Crossplane, never committed
      [{ group: 'rds.aws.upbound.io', kind: 'Cluster' }, false],
      [{ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }, false],
      [{ group: 'rbac.authorization.k8s.io', kind: 'Role' }, true],
      [{ group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' }, true],
      [{ group: '', kind: 'Secret' }, true],
      [{ group: 'apps', kind: 'Deployment' }, true],
      [{ group: 'argoproj.io', kind: 'Application' }, true],
      [{ group: 'payments-dr.io', kind: 'XPaymentRegion' }, false],
    ];
    for (const [kind, namespaced] of refused) expect([key(kind), permits(project, kind, namespaced)]).toEqual([key(kind), false]);
    expect(permits(project, { group: 'payments-dr.io', kind: 'PaymentRegion' }, true)).toBe(true);
  });

  test('the unit project deploys only to the claim namespace of the control cluster', () => {
    expect(project.spec.destinations).toEqual([{ server: PLATFORM.gitops.destinationServer, namespace: 'payments-dr' }]);
  });

  test(
    'the bootstrap project allows exactly what the root Application ' + 'syncs: AppProjects and Applications in the Argo CD namespace',
    () => {
      expect(bootstrap.metadata.name).toBe('payments-dr-bootstrap');
      const synced = manifests
        .filter((m) => m.file.startsWith(`${ARGOCD_UNIT}/`) && m.file !== `${ARGOCD_UNIT}/${HEALTH_PATCH_FILE}.yaml`)
        .map((m) => m.object);
      const expected = kindsOf(synced);
      expect(expected).toEqual({ cluster: [], namespaced: ['argoproj.io/AppProject', 'argoproj.io/Application'] });
      expect(bootstrap.spec.clusterResourceWhitelist).toEqual([]);
      expect(bootstrap.spec.namespaceResourceWhitelist.map(key).sort()).toEqual(expected.namespaced);
      expect(bootstrap.spec.destinations).toEqual([
        { server: PLATFORM.gitops.destinationServer, namespace: PLATFORM.gitops.argocdNamespace },
      ]);
      expect(permits(bootstrap, { group: '', kind: 'ConfigMap' }, true)).toBe(false);
    },
  );
});
