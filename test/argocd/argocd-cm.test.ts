import { parse } from 'yaml';
import { ARGOCD_UNIT, HEALTH_PATCH_FILE } from '../../argocd/charts';
import { HEALTH_SCRIPTS } from '../../argocd/health-scripts';
import { PLATFORM } from '../../charts/config/platform';
import { runHealthCheck } from '../../engines/argocd-lua';
import { objectsIn, objectsOfKind, synthesizedManifests } from '../support/synthesized';

type Json = Record<string, any>;
/** Argo CD's contract (argo-cd docs, resource health): per-kind keys, and the labels Argo CD's own argocd-cm carries. */
const healthKey = (group: string, kind: string) => `resource.customizations.health.${group}_${kind}`;
const ARGOCD_CM_LABELS = { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' };
/** Every managed resource of the Upbound AWS providers. */
const MANAGED_RESOURCE_GLOB = '*.aws.upbound.io/*';

describe('argocd-cm health patch (dist/argocd/argocd-cm-health.yaml)', () => {
  let patch: Json;
  let xrds: Json[];
  beforeAll(async () => {
    const manifests = await synthesizedManifests();
    [patch] = objectsIn(manifests, `${ARGOCD_UNIT}/${HEALTH_PATCH_FILE}.yaml`);
    xrds = objectsOfKind(manifests, 'CompositeResourceDefinition');
  });

  test("targets Argo CD's argocd-cm and keeps exactly Argo CD's labels (Argo CD only watches part-of=argocd)", () => {
    expect(patch).toMatchObject({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-cm', namespace: PLATFORM.gitops.argocdNamespace },
    });
    expect(patch.metadata.labels).toEqual(ARGOCD_CM_LABELS);
    expect(patch.metadata.annotations).toBeUndefined();
  });

  test("holds only the project's keys: annotation tracking and the health checks", () => {
    const claimAndCompositeKeys = xrds.flatMap((xrd) => [
      healthKey(xrd.spec.group, xrd.spec.names.kind),
      healthKey(xrd.spec.group, xrd.spec.claimNames.kind),
    ]);
    expect(claimAndCompositeKeys).toHaveLength(4);
    expect(Object.keys(patch.data).sort()).toEqual(
      [
        'application.resourceTrackingMethod',
        'resource.customizations',
        healthKey('argoproj.io', 'Application'),
        healthKey('pkg.crossplane.io', 'Function'),
        healthKey('pkg.crossplane.io', 'Provider'),
        ...claimAndCompositeKeys,
      ].sort(),
    );
    expect(patch.data['application.resourceTrackingMethod']).toBe('annotation');
    for (const key of claimAndCompositeKeys) expect(patch.data[key]).toBe(HEALTH_SCRIPTS.crossplaneResource);
    expect(patch.data[healthKey('pkg.crossplane.io', 'Provider')]).toBe(HEALTH_SCRIPTS.crossplanePackage);
    expect(patch.data[healthKey('argoproj.io', 'Application')]).toBe(HEALTH_SCRIPTS.argocdApplication);
  });

  test('the managed-resource wildcard sits in resource.customizations (ConfigMap keys cannot hold *) and runs', () => {
    const customizations = parse(patch.data['resource.customizations']);
    expect(Object.keys(customizations)).toEqual([MANAGED_RESOURCE_GLOB]);
    const script = customizations[MANAGED_RESOURCE_GLOB]['health.lua'];
    expect(script).toBe(HEALTH_SCRIPTS.crossplaneResource);
    const vpc = {
      apiVersion: 'ec2.aws.upbound.io/v1beta1',
      kind: 'VPC',
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'Available' },
          { type: 'Synced', status: 'True' },
        ],
      },
    };
    expect(runHealthCheck(script, vpc).status).toBe('Healthy');
  });
});
