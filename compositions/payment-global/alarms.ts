import { MetricAlarmV1Beta2 } from '../../imports/cloudwatch.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { combine, fromXr, templated } from '../lib/patches';
import { XR, awsRegion, homedResource } from './common';
import { GLOBAL_TABLES } from './tables';

/**
 * Alarms on the shared data layer that no single region owns: DynamoDB server-side errors on each
 * global table (in us-east-1, where the tables are homed), notifying the us-east-1 alert topic of
 * the environment's PaymentRegion. Replication lag is alarmed per region by PaymentRegion.
 */
function tableSystemErrorsAlarm(table: (typeof GLOBAL_TABLES)[number]): ComposedResource {
  const topic = templated(
    'arn:aws:sns:us-east-1:{{account}}:alerts-use1-{{env}}',
    { account: 'spec.alerting.awsAccountId', env: XR.environment },
    'spec.forProvider.alarmActions[0]',
  );
  return homedResource({
    name: `alarm-${table.name}-system-errors`,
    type: `alarm-ddb-system-errors-${table.name}`,
    component: 'alerting',
    purpose: `${table.name}-system-errors`,
    manifest: MetricAlarmV1Beta2.manifest({
      spec: {
        forProvider: {
          region: awsRegion('use1'),
          alarmDescription: `DynamoDB server-side errors on ${table.name} (a regional DynamoDB problem: consider the runbook)`,
          namespace: 'AWS/DynamoDB',
          metricName: 'SystemErrors',
          statistic: 'Sum',
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          period: 60,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          treatMissingData: 'notBreaching',
          actionsEnabled: true,
        },
      },
    }),
    patches: [
      fromXr('spec.alerting.tableSystemErrorsThreshold', 'spec.forProvider.threshold'),
      combine(`${table.name}-use1-%s`, [XR.environment], 'spec.forProvider.dimensions[TableName]'),
      topic,
      { ...topic, toFieldPath: 'spec.forProvider.okActions[0]' },
    ],
  });
}

export function alarmResources(): ComposedResource[] {
  return GLOBAL_TABLES.map(tableSystemErrorsAlarm);
}
