import { LABEL } from '../../facts/labels';
import { Role, RolePolicy } from '../../imports/iam.aws.upbound.io';
import { ScheduleV1Beta2 } from '../../imports/scheduler.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { policyDocument, serviceTrustPolicy } from '../lib/iam';
import { type Transform, fromXr, mapValues, required, templated } from '../lib/patches';
import { regionFromXr, sameComposite } from '../lib/resources';
import { XR, regionalName, regionalResource } from './common';

/** EventBridge Scheduler's group the schedule lives in (every account has it). */
const SCHEDULE_GROUP = 'default';
/** The controller decides on whole minutes of evidence (functions/failover-controller/decision.ts). */
export const FAILOVER_CONTROLLER_RATE = 'rate(1 minute)';

const TOKENS = { account: XR.account, region: XR.region, regionSuffix: XR.regionSuffix, env: XR.environment };
const CONTROLLER_ARN = 'arn:aws:lambda:{{region}}:{{account}}:function:failover-controller-{{regionSuffix}}-{{env}}';
const SCHEDULE_GROUP_ARN = `arn:aws:scheduler:{{region}}:{{account}}:schedule-group/${SCHEDULE_GROUP}`;

/** spec.failover.automatic (boolean) → the schedule's state. */
const SCHEDULE_STATE: Transform[] = [{ type: 'convert', convert: { toType: 'string' } }, mapValues({ true: 'ENABLED', false: 'DISABLED' })];

/**
 * The failover controller's schedule in this region: every minute, no flexible window, no retries
 * (a late run is worth nothing: the next minute brings fresh evidence). It is ENABLED only when
 * the environment turns automatic failover on; otherwise it exists DISABLED, so enabling it is one
 * config change. Its role may invoke exactly this region's controller, and only this account's
 * default schedule group may assume it.
 */
export function failoverScheduleResources(): ComposedResource[] {
  return [
    regionalResource({
      name: 'role-scheduler',
      type: 'role-scheduler',
      component: 'failover',
      purpose: 'scheduler',
      regional: false,
      manifest: Role.manifest({
        spec: { forProvider: { description: 'payments-dr: EventBridge Scheduler invokes the failover controller' } },
      }),
      patches: [
        templated(
          serviceTrustPolicy('scheduler.amazonaws.com', '{{account}}', SCHEDULE_GROUP_ARN),
          TOKENS,
          'spec.forProvider.assumeRolePolicy',
        ),
      ],
    }),
    regionalResource({
      name: 'role-policy-scheduler',
      type: 'policy-scheduler',
      component: 'failover',
      purpose: 'scheduler',
      regional: false,
      manifest: RolePolicy.manifest({ spec: { forProvider: { roleSelector: sameComposite({ [LABEL.purpose]: 'scheduler' }) } } }),
      patches: [
        required(
          templated(
            policyDocument([
              { Sid: 'InvokeFailoverController', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [CONTROLLER_ARN] },
            ]),
            TOKENS,
            'spec.forProvider.policy',
          ),
        ),
      ],
    }),
    regionalResource({
      name: 'schedule-failover-controller',
      type: 'schedule-failover',
      component: 'failover',
      purpose: 'failover-controller',
      manifest: ScheduleV1Beta2.manifest({
        spec: {
          forProvider: regionFromXr({
            groupName: SCHEDULE_GROUP,
            description: 'payments-dr: failover controller, every minute',
            scheduleExpression: FAILOVER_CONTROLLER_RATE,
            flexibleTimeWindow: { mode: 'OFF' },
            target: {
              roleArnSelector: sameComposite({ [LABEL.purpose]: 'scheduler' }),
              retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
            },
          }),
        },
      }),
      patches: [
        regionalName('schedule-failover', 'spec.forProvider.name'),
        fromXr('spec.failover.automatic', 'spec.forProvider.state', ...SCHEDULE_STATE),
        // The target ARN takes no Lambda reference (its selector targets SQS queues): a literal ARN.
        templated(CONTROLLER_ARN, TOKENS, 'spec.forProvider.target.arn'),
      ],
    }),
  ];
}
