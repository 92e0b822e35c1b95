import { LABEL } from '../../facts/labels';
import { ExperimentTemplateV1Beta2 } from '../../imports/fis.aws.upbound.io';
import { Role, RolePolicy } from '../../imports/iam.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { type Statement, policyDocument, serviceTrustPolicy } from '../lib/iam';
import { composedWhenPresent } from '../lib/optional-resources';
import { type Patch, fromXr, required, templated } from '../lib/patches';
import { regionFromXr, sameComposite } from '../lib/resources';
import { XR, ZONE_SLOTS, regionalResource } from './common';
import { ROUTE53_METRICS_REGION } from './metrics';

/**
 * AWS FIS experiment templates for the runbook's drills (docs/runbooks.md, section 6), composed in
 * the region the claim marks as the drill target (`spec.drills`, PRIMARY only: the XRD says why).
 * Each template has its own role that may do exactly what its one FIS action needs, stop
 * conditions on composed alarms, and tags the `dr drill` command finds it by.
 */

/** Tag keys on every drill template: `npm run dr -- drill` resolves a template by them. */
export const DRILL_TAGS = {
  scenario: 'payments-dr:drill-scenario',
  environment: 'payments-dr:environment',
  region: 'payments-dr:region',
} as const;

export type DrillScenarioName = 'network-disruption' | 'aurora-writer-failover';

/** XR fields the templates and policies may use, by token. */
const TOKENS = {
  account: XR.account,
  region: XR.region,
  regionSuffix: XR.regionSuffix,
  env: XR.environment,
  standby: 'spec.drills.standbyRegionSuffix',
  vpcId: 'status.vpcId',
} as const;

/** A composed alarm's ARN: `alarm-{stem}-{suffix}-{env}` (alerting.ts) in the region it lives in. */
const alarmArn = (region: string, stem: string, regionSuffixToken: 'regionSuffix' | 'standby') =>
  `arn:aws:cloudwatch:${region}:{{account}}:alarm:alarm-${stem}-{{${regionSuffixToken}}}-{{env}}`;
/** The standby's Route 53 health-check alarm: if the region that must take over goes unhealthy, the drill is causing an outage. */
const STANDBY_HEALTH_ALARM = alarmArn(ROUTE53_METRICS_REGION, 'healthcheck', 'standby');
const OWN_HEALTH_ALARM = alarmArn(ROUTE53_METRICS_REGION, 'healthcheck', 'regionSuffix');
const OWN_CLUSTER_ARN = 'arn:aws:rds:{{region}}:{{account}}:cluster:aurora-{{regionSuffix}}-{{env}}';
const OWN_NETWORK_ACLS = 'arn:aws:ec2:{{region}}:{{account}}:network-acl/*';
const MANAGED_BY_FIS = { 'aws:RequestTag/managedByFIS': 'true' };

export interface DrillScenario {
  readonly name: DrillScenarioName;
  readonly description: string;
  /** The one FIS action of the template (AWS FIS actions reference). */
  readonly actionId: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** FIS target resource type and the patches that fill `target[0]`. */
  readonly targetResourceType: string;
  /** The action's name for its target (`Subnets`, `Clusters`). */
  readonly targetKey: string;
  readonly targetPatches: readonly Patch[];
  /** Stop-condition alarm ARNs (templates over TOKENS), each an alarm this platform composes. */
  readonly stopAlarms: readonly string[];
  /** What the role may do: exactly the permissions the action's reference entry lists, scoped to this region's resources. */
  readonly statements: readonly Statement[];
}

export const DRILL_SCENARIOS: readonly DrillScenario[] = [
  {
    name: 'network-disruption',
    description: "payments-dr drill: deny all traffic in and out of this region's private subnets (Lambda ENIs, Aurora) for 10 minutes",
    actionId: 'aws:network:disrupt-connectivity',
    // scope "all": FIS swaps each subnet's network ACL for a deny-all one it creates, and restores the original at the end.
    parameters: { duration: 'PT10M', scope: 'all' },
    targetResourceType: 'aws:ec2:subnet',
    targetKey: 'Subnets',
    targetPatches: ZONE_SLOTS.map(({ letter, index }) =>
      required(fromXr(`status.privateSubnetArns.${letter}`, `spec.forProvider.target[0].resourceArns[${index}]`)),
    ),
    stopAlarms: [
      STANDBY_HEALTH_ALARM,
      alarmArn('{{region}}', 'ddb-replication-sessions', 'regionSuffix'),
      alarmArn('{{region}}', 'ddb-replication-idempotency', 'regionSuffix'),
    ],
    statements: [
      {
        Sid: 'CreateDenyAllAcl',
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkAcl'],
        Resource: [OWN_NETWORK_ACLS, 'arn:aws:ec2:{{region}}:{{account}}:vpc/{{vpcId}}'],
        Condition: { StringEquals: MANAGED_BY_FIS },
      },
      {
        Sid: 'TagDenyAllAcl',
        Effect: 'Allow',
        Action: ['ec2:CreateTags'],
        Resource: OWN_NETWORK_ACLS,
        Condition: { StringEquals: { 'ec2:CreateAction': 'CreateNetworkAcl', ...MANAGED_BY_FIS } },
      },
      {
        Sid: 'FillAndDeleteDenyAllAcl',
        Effect: 'Allow',
        Action: ['ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAcl'],
        Resource: OWN_NETWORK_ACLS,
        Condition: { StringEquals: { 'ec2:ResourceTag/managedByFIS': 'true' } },
      },
      {
        Sid: 'SwapSubnetAcls',
        Effect: 'Allow',
        Action: ['ec2:ReplaceNetworkAclAssociation'],
        Resource: [OWN_NETWORK_ACLS, 'arn:aws:ec2:{{region}}:{{account}}:subnet/*'],
      },
      {
        Sid: 'DescribeNetwork',
        Effect: 'Allow',
        Action: ['ec2:DescribeNetworkAcls', 'ec2:DescribeSubnets', 'ec2:DescribeVpcs'],
        Resource: '*',
      },
    ],
  },
  {
    name: 'aurora-writer-failover',
    description:
      "payments-dr drill: fail this region's Aurora cluster over to one of its readers " +
      '(FailoverDBCluster; needs database.instancesPerRegion >= 2)',
    actionId: 'aws:rds:failover-db-cluster',
    parameters: {},
    targetResourceType: 'aws:rds:cluster',
    targetKey: 'Clusters',
    targetPatches: [templated(OWN_CLUSTER_ARN, TOKENS, 'spec.forProvider.target[0].resourceArns[0]')],
    stopAlarms: [STANDBY_HEALTH_ALARM, OWN_HEALTH_ALARM, alarmArn('{{region}}', 'api-5xx', 'regionSuffix')],
    statements: [
      {
        Sid: 'FailoverOwnCluster',
        Effect: 'Allow',
        Action: ['rds:FailoverDBCluster', 'rds:DescribeDBClusters'],
        Resource: [OWN_CLUSTER_ARN],
      },
    ],
  },
];

/** The names a drill's resources get: `{type}-{region}-{env}`. */
const drillTemplateType = (scenario: DrillScenarioName) => `fis-${scenario}`;
const rolePurpose = (scenario: DrillScenarioName) => `fis-${scenario}`;
/** Role purposes of the drill roles: each is assumed by fis.amazonaws.com only. */
export const DRILL_ROLE_PURPOSES: readonly string[] = DRILL_SCENARIOS.map((scenario) => rolePurpose(scenario.name));

/** FIS may assume the role only for experiments in this account and region. */
const FIS_TRUST = serviceTrustPolicy('fis.amazonaws.com', '{{account}}', 'arn:aws:fis:{{region}}:{{account}}:experiment/*');

/** The annotation names the standby whose health alarm guards the drill. */
const DRILL_STANDBY_ANNOTATION = fromXr(TOKENS.standby, 'metadata.annotations[payments-dr.io/drill-standby]');

function scenarioResources(scenario: DrillScenario): ComposedResource[] {
  const purpose = rolePurpose(scenario.name);
  const type = drillTemplateType(scenario.name);
  const resources = [
    regionalResource({
      name: `role-${type}`,
      type: `role-${type}`,
      component: 'drills',
      purpose,
      regional: false,
      manifest: Role.manifest({ spec: { forProvider: { description: `payments-dr: AWS FIS runs the ${scenario.name} drill` } } }),
      patches: [DRILL_STANDBY_ANNOTATION, templated(FIS_TRUST, TOKENS, 'spec.forProvider.assumeRolePolicy')],
    }),
    regionalResource({
      name: `role-policy-${type}`,
      type: `policy-${type}`,
      component: 'drills',
      purpose,
      regional: false,
      manifest: RolePolicy.manifest({ spec: { forProvider: { roleSelector: sameComposite({ [LABEL.purpose]: purpose }) } } }),
      patches: [DRILL_STANDBY_ANNOTATION, required(templated(policyDocument(scenario.statements), TOKENS, 'spec.forProvider.policy'))],
    }),
    regionalResource({
      name: `experiment-template-${scenario.name}`,
      type,
      component: 'drills',
      purpose: scenario.name,
      manifest: ExperimentTemplateV1Beta2.manifest({
        spec: {
          forProvider: regionFromXr({
            description: scenario.description,
            roleArnSelector: sameComposite({ [LABEL.purpose]: purpose }),
            action: [
              {
                name: scenario.name,
                actionId: scenario.actionId,
                target: { key: scenario.targetKey, value: 'primary' },
                ...(Object.keys(scenario.parameters).length
                  ? { parameter: Object.entries(scenario.parameters).map(([key, value]) => ({ key, value })) }
                  : {}),
              },
            ],
            target: [{ name: 'primary', resourceType: scenario.targetResourceType, selectionMode: 'ALL' }],
            stopCondition: scenario.stopAlarms.map(() => ({ source: 'aws:cloudwatch:alarm' })),
            tags: { [DRILL_TAGS.scenario]: scenario.name },
          }),
        },
      }),
      patches: [
        DRILL_STANDBY_ANNOTATION,
        ...scenario.targetPatches,
        ...scenario.stopAlarms.map((arn, index) => templated(arn, TOKENS, `spec.forProvider.stopCondition[${index}].value`)),
        fromXr(XR.environment, `spec.forProvider.tags[${DRILL_TAGS.environment}]`),
        fromXr(XR.regionSuffix, `spec.forProvider.tags[${DRILL_TAGS.region}]`),
        templated(`${type}-{{regionSuffix}}-{{env}}`, TOKENS, 'spec.forProvider.tags[Name]'),
      ],
    }),
  ];
  // Only in the claim that has spec.drills (the primary's); the standby's alarm guards the drill.
  return resources.map((resource) => composedWhenPresent(resource, TOKENS.standby));
}

/** Every drill scenario's role, policy and experiment template. */
export function drillResources(): ComposedResource[] {
  return DRILL_SCENARIOS.flatMap(scenarioResources);
}
