/**
 * Facts about the rendered compositions that no schema or CEL rule can see: how the provider's
 * Terraform semantics and AWS behave on them (README, "What the provider does with these manifests").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENTS } from '../../charts/config/environments';
import { LAMBDA_MEMORY_MB } from '../../facts/requirements';
import { devWith } from '../support/env-fixture';
import { type RenderedEnvironments, byName, composedOf, ofKind, renderEnvironments } from '../support/rendered';

type Json = Record<string, any>;
const GLOBAL = 'dev/global/paymentglobal.yaml';
const REGION = (suffix: string) => `dev/${suffix}/paymentregion.yaml`;

let dev: RenderedEnvironments;
let global: Json[];
let use1: Json[];
let usw2: Json[];
beforeAll(async () => {
  dev = await renderEnvironments(ENVIRONMENTS);
  global = composedOf(dev, GLOBAL);
  use1 = composedOf(dev, REGION('use1'));
  usw2 = composedOf(dev, REGION('usw2'));
});

const forProvider = (r: Json) => r.spec.forProvider;
const label = (r: Json, key: string) => r.metadata.labels[`payments-dr.io/${key}`];

/** Fields upjet diffs on an existing resource: initProvider-only fields are filtered out of every diff. */
const diffedFields = (r: Json) => new Set(Object.keys(forProvider(r)));
const createOnlyFields = (r: Json) => Object.keys(r.spec.initProvider ?? {}).filter((field) => !(field in forProvider(r)));

describe('Aurora members are never promoted or fought by the provider', () => {
  test.each(['cluster-use1', 'cluster-usw2'])(
    '%s: replicationSourceIdentifier and globalClusterIdentifier are set at creation only',
    (name) => {
      const member = byName(global, name);
      for (const field of ['replicationSourceIdentifier', 'globalClusterIdentifier', 'engineVersion']) {
        expect(diffedFields(member)).not.toContain(field);
        expect(createOnlyFields(member)).toContain(field);
      }
      // "" names the field (so upjet excludes it from diffs) yet creates the cluster as no value would.
      expect(member.spec.initProvider.replicationSourceIdentifier).toBe('');
      expect(member.spec.initProvider.globalClusterIdentifier).toBe('aurora-global-use1-dev');
    },
  );

  test('no resource of the global database late-initializes (it would copy those fields into forProvider)', () => {
    const database = [...ofKind(global, 'GlobalCluster'), ...ofKind(global, 'Cluster'), ...ofKind(global, 'ClusterInstance')];
    // 1 GlobalCluster + per region (2) one Cluster and instancesPerRegion ClusterInstances.
    expect(database).toHaveLength(1 + 2 * (1 + ENVIRONMENTS[0].database.instancesPerRegion));
    for (const r of database) expect(r.spec.managementPolicies).toEqual(['Observe', 'Create', 'Update', 'Delete']);
  });

  test('the GlobalCluster keeps engineVersion out of diffs and names no source cluster', () => {
    const cluster = byName(global, 'global-cluster');
    expect(createOnlyFields(cluster)).toContain('engineVersion');
    expect(forProvider(cluster)).not.toHaveProperty('sourceDbClusterIdentifier');
  });

  test('the two members declare the same role-dependent fields: a failover or switchover changes nothing either declares', () => {
    const [east, west] = ['cluster-use1', 'cluster-usw2'].map((name) => byName(global, name));
    const roleFields = ['replicationSourceIdentifier', 'globalClusterIdentifier', 'sourceRegion'];
    for (const field of roleFields) expect([field in forProvider(east), field in forProvider(west)]).toEqual([false, false]);
  });
});

/**
 * Deletion order as a graph: an edge A → B means "A is deleted only after B is gone". Usages give
 * edges (of → by); AWS adds one that depends on the roles: the writer cluster's last instance is
 * refused while a secondary cluster exists.
 */
function deletionGraph(usages: readonly Json[], writer: 'use1' | 'usw2'): Map<string, Set<string>> {
  const node = (ref: Json) => {
    const labels = ref.resourceSelector.matchLabels;
    return `${ref.kind}(${labels['payments-dr.io/region'] ?? 'global'}${labels['payments-dr.io/purpose']?.replace(/^/, ':') ?? ''})`;
  };
  const graph = new Map<string, Set<string>>();
  const edge = (from: string, to: string) => graph.set(from, (graph.get(from) ?? new Set()).add(to));
  for (const usage of usages) edge(node(usage.spec.of), node(usage.spec.by));
  const secondary = writer === 'use1' ? 'usw2' : 'use1';
  edge(`ClusterInstance(${writer}:instance-1)`, `Cluster(${secondary}:cluster)`);
  return graph;
}

function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'visiting') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'visiting');
    stack.push(n);
    for (const next of graph.get(n) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of graph.keys()) {
    const cycle = visit(n);
    if (cycle) return cycle;
  }
  return undefined;
}

/** A cycle read from its smallest node: where the search enters it depends on the order the Usages are composed in. */
function fromSmallest(cycle: string[]): string[] {
  const ring = cycle.slice(0, -1);
  const start = ring.indexOf([...ring].sort()[0]);
  const rotated = [...ring.slice(start), ...ring.slice(0, start)];
  return [...rotated, rotated[0]];
}

describe('tear-down completes in every role', () => {
  test.each(['use1', 'usw2'] as const)('with the writer in %s the deletion order is acyclic', (writer) => {
    expect(findCycle(deletionGraph(ofKind(global, 'Usage'), writer))).toBeUndefined();
  });

  test('the check finds the deadlock a "secondary before primary" Usage causes once usw2 is the writer', () => {
    const secondaryBeforePrimary = {
      spec: {
        of: {
          kind: 'Cluster',
          resourceSelector: { matchLabels: { 'payments-dr.io/region': 'use1', 'payments-dr.io/purpose': 'cluster' } },
        },
        by: {
          kind: 'Cluster',
          resourceSelector: { matchLabels: { 'payments-dr.io/region': 'usw2', 'payments-dr.io/purpose': 'cluster' } },
        },
      },
    };
    const usages = [...ofKind(global, 'Usage'), secondaryBeforePrimary];
    expect(findCycle(deletionGraph(usages, 'use1'))).toBeUndefined();
    expect(fromSmallest(findCycle(deletionGraph(usages, 'usw2')) ?? [])).toEqual([
      'Cluster(use1:cluster)',
      'Cluster(usw2:cluster)',
      'ClusterInstance(usw2:instance-1)',
      'Cluster(use1:cluster)',
    ]);
  });

  test('each regional KMS key outlives every global table and replicated secret (their replicas use the us-west-2 key)', () => {
    const held = (kind: string, purpose: string, region: string) =>
      ofKind(global, 'Usage').filter(
        (u) =>
          u.spec.by.kind === kind &&
          u.spec.by.resourceSelector.matchLabels['payments-dr.io/purpose'] === purpose &&
          u.spec.of.kind === 'Key' &&
          u.spec.of.resourceSelector.matchLabels['payments-dr.io/region'] === region,
      );
    const encrypted = [...ofKind(global, 'Table'), ...ofKind(global, 'Secret')];
    expect(encrypted).toHaveLength(6);
    for (const resource of encrypted) {
      for (const region of ['use1', 'usw2']) {
        const [usage] = held(resource.kind, label(resource, 'purpose'), region);
        expect(usage.spec.of.resourceSelector.matchLabels).toEqual({
          'payments-dr.io/region': region,
          'payments-dr.io/component': 'kms',
          'payments-dr.io/environment': 'dev',
        });
        expect(usage.spec.by.resourceSelector.matchControllerRef).toBe(true);
      }
    }
  });
});

describe('secrets rotate', () => {
  const versions = (resources: Json[]) => ofKind(resources, 'SecretVersion');

  test('no secret version carries the ForceNew secretString: the value is write-only, its version set at creation', () => {
    for (const version of versions(global)) {
      expect(forProvider(version)).not.toHaveProperty('secretStringSecretRef');
      expect(forProvider(version).secretStringWoSecretRef).toMatchObject({ namespace: 'crossplane-system' });
      expect(forProvider(version).secretStringWoVersion).toBe(1);
    }
  });

  test('raising a version composes a NEW SecretVersion (the next slot) instead of updating one in place', async () => {
    const rotated = composedOf(await renderEnvironments([devWith({ 'secretVersions.dbCredentials': 2 })]), GLOBAL);
    const names = (resources: Json[]) =>
      versions(resources).map(
        (v) => `${v.metadata.annotations['crossplane.io/composition-resource-name']}@${forProvider(v).secretStringWoVersion}`,
      );
    expect(names(global).sort()).toEqual([
      'secret-version-db-app-credentials-odd@1',
      'secret-version-db-credentials-odd@1',
      'secret-version-webhook-signing-odd@1',
    ]);
    expect(names(rotated).sort()).toEqual([
      'secret-version-db-app-credentials-odd@1',
      'secret-version-db-credentials-even@2',
      'secret-version-webhook-signing-odd@1',
    ]);
    expect(versions(rotated).find((v) => forProvider(v).secretStringWoVersion === 2)!.metadata.name).toBe(
      'db-credentials-version-even-use1-dev',
    );
  });
});

describe('stable names and an issued certificate', () => {
  test('KMS alias external names carry no alias/ prefix (the provider strips it and adds it back)', () => {
    const aliases = [...ofKind(use1, 'Alias'), ...ofKind(usw2, 'Alias'), ...ofKind(global, 'Alias')];
    expect(aliases.map((a) => a.metadata.annotations['crossplane.io/external-name']).sort()).toEqual([
      'payments-use1-dev',
      'payments-usw2-dev',
      'payments-usw2-dev',
    ]);
  });

  test('custom domains take the certificate ARN the CertificateValidation reports, never a selector on the bare Certificate', () => {
    for (const kind of ['regional', 'failover']) {
      const configuration = forProvider(byName(use1, `domain-${kind}`)).domainNameConfiguration;
      expect(configuration).not.toHaveProperty('certificateArnSelector');
      expect(configuration.certificateArn).toMatch(/^arn:aws:acm:us-east-1:\d{12}:certificate\//);
    }
  });

  test('the certificate ARN reaches the XR only from the CertificateValidation, and a domain waits for it', () => {
    const composition = dev.objects.find((o) => o.doc.kind === 'Composition' && o.doc.metadata.name === 'paymentregion-aws')!.doc;
    const resources: Json[] = composition.spec.pipeline[0].input.resources;
    const writers = resources.filter((r) =>
      r.patches.some((p: Json) => p.type === 'ToCompositeFieldPath' && p.toFieldPath === 'status.issuedCertificateArn'),
    );
    expect(writers.map((r) => r.name)).toEqual(['certificate-validation']);
    for (const domain of resources.filter((r) => r.base.kind === 'DomainName')) {
      const patch = domain.patches.find((p: Json) => p.toFieldPath === 'spec.forProvider.domainNameConfiguration.certificateArn');
      expect(patch).toMatchObject({ fromFieldPath: 'status.issuedCertificateArn', policy: { fromFieldPath: 'Required' } });
    }
  });

  test.each(['webhook', 'health'])('the %s role may describe subnets, as AWSLambdaVPCAccessExecutionRole v3 allows', (fn) => {
    const statements = JSON.parse(forProvider(byName(use1, `role-policy-${fn}`)).policy).Statement;
    const everywhere = statements.filter((s: Json) => s.Resource === '*').flatMap((s: Json) => s.Action);
    expect(everywhere.sort()).toEqual(['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets']);
  });
});

describe('lag alarms watch metrics that exist', () => {
  test.each(['aurora-rpo-lag', 'aurora-replication-lag'])(
    '%s queries the metric by cluster, whatever other dimensions it carries',
    (name) => {
      for (const [resources, suffix] of [
        [use1, 'use1'],
        [usw2, 'usw2'],
      ] as const) {
        const alarm = forProvider(byName(resources, `alarm-${name}`));
        expect(alarm).not.toHaveProperty('dimensions');
        expect(alarm).not.toHaveProperty('metricName');
        const metric = name === 'aurora-rpo-lag' ? 'AuroraGlobalDBRPOLag' : 'AuroraGlobalDBReplicationLag';
        expect(alarm.metricQuery).toEqual([
          {
            id: 'q1',
            label: metric,
            period: 60,
            returnData: true,
            expression: `SELECT MAX(${metric}) FROM "AWS/RDS" WHERE DBClusterIdentifier = 'aurora-${suffix}-dev'`,
          },
        ]);
      }
    },
  );
});

/** The IAM actions functions/README.md lists for the failover controller (its "failover controller" bullet). */
function documentedControllerActions(): string[] {
  const readme = readFileSync(path.join(__dirname, '../../functions/README.md'), 'utf8');
  const block = /^- failover controller[^\n]*\n((?: {2,}.*\n)+)/m.exec(readme);
  if (!block) throw new Error('functions/README.md has no "- failover controller" IAM bullet');
  return [...new Set([...block[1].matchAll(/`([a-z0-9-]+:[A-Za-z]+)`/g)].map((m) => m[1]))].sort();
}

describe('the failover controller is deployed', () => {
  test('in both regions, from one artifact, the required memory, outside the VPC, never in the other region', () => {
    const [east, west] = [use1, usw2].map((resources) => forProvider(byName(resources, 'function-failover-controller')));
    expect(east.s3Key).toBe(west.s3Key);
    expect(east.sourceCodeHash).toBe(west.sourceCodeHash);
    expect(east.s3Key).toMatch(/^functions\/failover-controller\/[0-9a-f]{64}\.zip$/);
    for (const [fn, region, suffix, peer] of [
      [east, 'us-east-1', 'use1', 'usw2'],
      [west, 'us-west-2', 'usw2', 'use1'],
    ] as const) {
      expect(fn).toMatchObject({ region, memorySize: LAMBDA_MEMORY_MB, handler: 'index.handler', timeout: 60 });
      expect(fn).not.toHaveProperty('vpcConfig');
      expect(fn.environment.variables).toMatchObject({
        LOCAL_CLUSTER_ID: `aurora-${suffix}-dev`,
        GLOBAL_CLUSTER_ID: 'aurora-global-use1-dev',
        DR_STATE_TABLE: 'dr-state-use1-dev',
        ALERT_TOPIC_ARN: `arn:aws:sns:${region}:111122223333:alerts-${suffix}-dev`,
        OWN_HEALTH_URL: `https://api-${suffix}-dev.dev.payments.example.com/health`,
        PEER_HEALTH_URL: `https://api-${peer}-dev.dev.payments.example.com/health`,
        AUTO_FAILOVER_ENABLED: 'false',
        FAILED_MINUTES_BEFORE_PROMOTION: '3',
        REPLICATION_LAG_THRESHOLD_MS: '1000',
      });
    }
  });

  test("its role has exactly the actions functions/README.md lists (plus its log group), on its own region's resources", () => {
    const statements: Json[] = JSON.parse(forProvider(byName(usw2, 'role-policy-failover-controller')).policy).Statement;
    const actions = [...new Set(statements.flatMap((s) => s.Action))].filter((a) => !a.startsWith('logs:')).sort();
    expect(actions).toEqual(documentedControllerActions());
    const arns = statements.flatMap((s) => [s.Resource].flat()).filter((arn: string) => arn !== '*');
    expect(arns.filter((arn: string) => /us-east-1/.test(arn))).toEqual([]);
  });

  test("a schedule every minute in its own region, invoking only this region's controller through its own role", () => {
    for (const [resources, region, suffix] of [
      [use1, 'us-east-1', 'use1'],
      [usw2, 'us-west-2', 'usw2'],
    ] as const) {
      const schedule = forProvider(byName(resources, 'schedule-failover-controller'));
      const controllerArn = `arn:aws:lambda:${region}:111122223333:function:failover-controller-${suffix}-dev`;
      expect(schedule).toMatchObject({
        region,
        scheduleExpression: 'rate(1 minute)',
        flexibleTimeWindow: { mode: 'OFF' },
        target: { arn: controllerArn },
      });
      expect(schedule.target.roleArnSelector).toEqual({ matchControllerRef: true, matchLabels: { 'payments-dr.io/purpose': 'scheduler' } });
      const invoke = JSON.parse(forProvider(byName(resources, 'role-policy-scheduler')).policy).Statement;
      expect(invoke).toEqual([
        { Sid: 'InvokeFailoverController', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [controllerArn] },
      ]);
    }
  });

  test('the schedule is DISABLED unless the environment enables automatic failover', async () => {
    expect([use1, usw2].map((r) => forProvider(byName(r, 'schedule-failover-controller')).state)).toEqual(['DISABLED', 'DISABLED']);
    const automatic = await renderEnvironments([devWith({ 'failover.automatic': true })]);
    for (const suffix of ['use1', 'usw2']) {
      const resources = composedOf(automatic, REGION(suffix));
      expect(forProvider(byName(resources, 'schedule-failover-controller')).state).toBe('ENABLED');
      expect(forProvider(byName(resources, 'function-failover-controller')).environment.variables.AUTO_FAILOVER_ENABLED).toBe('true');
    }
  });
});
