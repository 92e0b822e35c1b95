import { PLATFORM } from '../../charts/config/platform';
import { type Manifest, objectsIn, objectsOfKind, synthesizedManifests } from '../support/synthesized';

type Json = Record<string, any>;

/** README: the operators' RBAC is read-only — what kubectl get, describe and -w need, and no write verb. */
const REQUIRED_VERBS = ['get', 'list', 'watch'];
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection', 'escalate', 'bind', 'impersonate', '*'];

describe('operators RBAC (dist/platform/operators-rbac.yaml)', () => {
  let manifests: Manifest[];
  let role: Json;
  let binding: Json;
  beforeAll(async () => {
    manifests = await synthesizedManifests();
    role = objectsOfKind(manifests, 'ClusterRole')[0];
    binding = objectsOfKind(manifests, 'ClusterRoleBinding')[0];
  });

  test('one ClusterRole and one binding, nothing else RBAC', () => {
    const rbac = manifests.filter((m) => m.object.apiVersion.startsWith('rbac.authorization.k8s.io/'));
    expect(rbac.map((m) => `${m.file} ${m.object.kind}`).sort()).toEqual([
      'platform/operators-rbac.yaml ClusterRole',
      'platform/operators-rbac.yaml ClusterRoleBinding',
    ]);
  });

  test('grants only get/list/watch, only on the claims and composites the XRDs define', () => {
    const xrds = objectsOfKind(manifests, 'CompositeResourceDefinition');
    const expected = xrds
      .flatMap((xrd) => [`${xrd.spec.group}/${xrd.spec.names.plural}`, `${xrd.spec.group}/${xrd.spec.claimNames.plural}`])
      .sort();
    expect(expected).toEqual([
      'payments-dr.io/paymentglobals',
      'payments-dr.io/paymentregions',
      'payments-dr.io/xpaymentglobals',
      'payments-dr.io/xpaymentregions',
    ]);
    const granted = role.rules.flatMap((rule: Json) =>
      rule.apiGroups.flatMap((group: string) => rule.resources.map((resource: string) => `${group}/${resource}`)),
    );
    expect(granted.sort()).toEqual(expected);
    for (const rule of role.rules) {
      expect([...rule.verbs].sort()).toEqual(REQUIRED_VERBS);
      expect(rule.verbs.filter((verb: string) => WRITE_VERBS.includes(verb))).toEqual([]);
      expect(rule.nonResourceURLs).toBeUndefined();
      expect(rule.resourceNames ?? []).toEqual([]);
    }
    expect(JSON.stringify(role.rules)).not.toContain('*');
  });

  test('bound to the operators group only', () => {
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name });
    expect(binding.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: PLATFORM.operatorsGroup }]);
    expect(objectsIn(manifests, 'platform/operators-rbac.yaml')).toHaveLength(2);
  });
});
