import { ENVIRONMENTS } from '../../charts/config/environments';
import { DRILL_SCENARIOS, DRILL_TAGS } from '../../compositions/payment-region/drills';
import { observedSamples } from '../../engines/observed-samples';
import { type RenderedEnvironments, byName, composedOf, ofKind, renderEnvironments } from '../support/rendered';
import { AWS_ACTIONS_WITHOUT_RESOURCE_TYPES, serviceTrust } from '../support/iam';

type Json = Record<string, any>;
const forProvider = (r: Json) => r.spec.forProvider;
const PURPOSE = 'payments-dr.io/purpose';

let dev: RenderedEnvironments;
let use1: Json[];
let usw2: Json[];
let everything: Json[];
beforeAll(async () => {
  dev = await renderEnvironments(ENVIRONMENTS);
  use1 = composedOf(dev, 'dev/use1/paymentregion.yaml');
  usw2 = composedOf(dev, 'dev/usw2/paymentregion.yaml');
  everything = [...use1, ...usw2, ...composedOf(dev, 'dev/global/paymentglobal.yaml')];
});

/** What stops each drill of the primary (use1): the standby's health check going red, and the alarms of what the fault hurts. */
const STOP_ALARMS: Record<string, readonly string[]> = {
  'network-disruption': [
    'alarm-healthcheck-usw2-dev',
    'alarm-ddb-replication-sessions-use1-dev',
    'alarm-ddb-replication-idempotency-use1-dev',
  ],
  'aurora-writer-failover': ['alarm-healthcheck-usw2-dev', 'alarm-healthcheck-use1-dev', 'alarm-api-5xx-use1-dev'],
};
const templates = () => ofKind(use1, 'ExperimentTemplate');
const template = (scenario: string) => byName(use1, `experiment-template-${scenario}`);
/** The ARN a composed resource will have, from its kind and AWS name (the names the project's ARNs are built from). */
function arnOf(resource: Json): string | undefined {
  const region = forProvider(resource).region;
  if (resource.kind === 'MetricAlarm')
    return `arn:aws:cloudwatch:${region}:${ENVIRONMENTS[0].awsAccountId}:alarm:${resource.metadata.name}`;
  if (resource.kind === 'Cluster') return `arn:aws:rds:${region}:${ENVIRONMENTS[0].awsAccountId}:cluster:${resource.metadata.name}`;
  return resource.status?.atProvider?.arn;
}

describe('drills: FIS experiment templates', () => {
  test('the render is valid and only the PRIMARY region composes the drills', () => {
    expect(dev.problems).toEqual([]);
    expect(
      templates()
        .map((t) => t.metadata.name)
        .sort(),
    ).toEqual(['fis-aurora-writer-failover-use1-dev', 'fis-network-disruption-use1-dev']);
    expect(ofKind(usw2, 'ExperimentTemplate')).toEqual([]);
    expect(usw2.filter((r) => r.metadata.labels['payments-dr.io/component'] === 'drills')).toEqual([]);
  });

  test.each(DRILL_SCENARIOS.map((s) => [s.name]))(
    "%s: stops on exactly its stop alarms, each composed in the same environment, in the template's region",
    (scenario) => {
      const conditions = forProvider(template(scenario)).stopCondition as Json[];
      const alarms = new Map(ofKind(everything, 'MetricAlarm').map((alarm) => [arnOf(alarm), alarm]));
      expect(conditions.map((c) => c.value.split(':alarm:')[1]).sort()).toEqual([...STOP_ALARMS[scenario]].sort());
      for (const condition of conditions) {
        expect(condition.source).toBe('aws:cloudwatch:alarm');
        const alarm = alarms.get(condition.value);
        expect(alarm ? condition.value : `no composed alarm ${condition.value}`).toBe(condition.value);
        expect(forProvider(alarm!).region).toBe(forProvider(template(scenario)).region);
      }
    },
  );

  test('network-disruption: targets exactly the three private subnets of the region, by the ARNs their status reports', () => {
    const target = forProvider(template('network-disruption')).target[0];
    // The render observes each subnet with a sample status (engines/observed-samples.ts), as the provider would report it.
    const privateSubnets = observedSamples(ofKind(use1, 'Subnet').filter((s) => s.metadata.labels[PURPOSE] === 'private'));
    expect(target.resourceType).toBe('aws:ec2:subnet');
    expect(target.resourceArns).toHaveLength(3);
    expect([...target.resourceArns].sort()).toEqual(privateSubnets.map(arnOf).sort());
  });

  test("aurora-writer-failover: targets the region's own Aurora cluster, composed by PaymentGlobal", () => {
    const target = forProvider(template('aurora-writer-failover')).target[0];
    const cluster = ofKind(everything, 'Cluster').find((c) => arnOf(c) === target.resourceArns[0]);
    expect(target.resourceType).toBe('aws:rds:cluster');
    expect(cluster?.metadata.name).toBe('aurora-use1-dev');
  });

  test.each(DRILL_SCENARIOS.map((s) => [s.name]))(
    "%s: tags name the scenario, environment and region; the action targets the template's target",
    (scenario) => {
      const spec = forProvider(template(scenario));
      expect(spec.tags).toEqual({
        [DRILL_TAGS.scenario]: scenario,
        [DRILL_TAGS.environment]: 'dev',
        [DRILL_TAGS.region]: 'use1',
        Name: `fis-${scenario}-use1-dev`,
      });
      expect(spec.action.map((a: Json) => a.target.value)).toEqual(spec.target.map((t: Json) => t.name));
      expect(spec.roleArnSelector).toEqual({ matchControllerRef: true, matchLabels: { [PURPOSE]: `fis-${scenario}` } });
    },
  );
});

describe('drills: FIS roles', () => {
  /**
   * What each FIS action needs, from the AWS FIS actions reference (Permissions of each action),
   * written out here independently of drills.ts. disrupt-connectivity with scope "all" never reads
   * prefix lists (ec2:DescribeManagedPrefixLists / GetManagedPrefixListEntries serve the
   * prefix-list, s3 and dynamodb scopes); failover-db-cluster targets by ARN, so no tag:GetResources.
   */
  test.each([
    [
      'network-disruption',
      [
        'ec2:CreateNetworkAcl',
        'ec2:CreateNetworkAclEntry',
        'ec2:CreateTags',
        'ec2:DeleteNetworkAcl',
        'ec2:DescribeNetworkAcls',
        'ec2:DescribeSubnets',
        'ec2:DescribeVpcs',
        'ec2:ReplaceNetworkAclAssociation',
      ],
    ],
    ['aurora-writer-failover', ['rds:DescribeDBClusters', 'rds:FailoverDBCluster']],
  ])('%s: the role may do exactly what its FIS action needs', (scenario, actions) => {
    const policy = JSON.parse(forProvider(byName(use1, `role-policy-fis-${scenario}`)).policy);
    expect([...new Set(policy.Statement.flatMap((s: Json) => s.Action))].sort()).toEqual([...actions].sort());
    for (const statement of policy.Statement) {
      if ([statement.Resource].flat().includes('*'))
        for (const action of statement.Action) expect(AWS_ACTIONS_WITHOUT_RESOURCE_TYPES).toContain(action);
      else for (const resource of [statement.Resource].flat()) expect(resource).toMatch(/^arn:aws:(ec2|rds):us-east-1:111122223333:/);
    }
  });

  test.each(DRILL_SCENARIOS.map((s) => [s.name]))(
    "%s: only fis.amazonaws.com may assume the role, for this account's experiments in us-east-1",
    (scenario) => {
      const trust = JSON.parse(forProvider(byName(use1, `role-fis-${scenario}`)).assumeRolePolicy);
      expect(trust.Statement).toEqual(serviceTrust('fis.amazonaws.com', '111122223333', 'arn:aws:fis:us-east-1:111122223333:experiment/*'));
    },
  );

  test("network-disruption: ACLs are created only in the region's own VPC and changed only when FIS made them", () => {
    const policy = JSON.parse(forProvider(byName(use1, 'role-policy-fis-network-disruption')).policy);
    const create = policy.Statement.find((s: Json) => s.Action.includes('ec2:CreateNetworkAcl'));
    expect(create.Resource).toContain('arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0a1b2c3d4e5f60718');
    expect(create.Condition).toEqual({ StringEquals: { 'aws:RequestTag/managedByFIS': 'true' } });
    const destroy = policy.Statement.find((s: Json) => s.Action.includes('ec2:DeleteNetworkAcl'));
    expect(destroy.Condition).toEqual({ StringEquals: { 'ec2:ResourceTag/managedByFIS': 'true' } });
  });
});
