import type { DescribeAlarmHistoryCommandOutput, GetMetricDataCommandOutput, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { DescribeAlarmHistoryCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { auroraLagQuery } from '../../functions/shared/aurora-lag';
import type { Region } from '../../functions/shared/config';
import { REGION_SUFFIXES } from '../../functions/shared/config';
import { DR_METRICS_NAMESPACE, FENCE_METRIC_NAMES } from '../../functions/shared/fence-metrics';
import { awsCall } from './errors';

/** The CloudWatch calls a drill makes after its experiment (a CloudWatchClient satisfies it; tests pass a mock). */
export interface DrillCloudWatch {
  send(command: GetMetricDataCommand): Promise<GetMetricDataCommandOutput>;
  send(command: DescribeAlarmHistoryCommand): Promise<DescribeAlarmHistoryCommandOutput>;
}

export interface AlarmTransition {
  alarm: string;
  region: Region;
  at: Date;
}

export interface Datapoint {
  at: Date;
  value: number;
}

/** What CloudWatch saw during the experiment window. */
export interface DrillObservations {
  /** Every alarm of the environment that went to ALARM in the window, earliest first. */
  alarms: AlarmTransition[];
  /** PaymentsDR ActiveRegion of the standby (1 = the fence names it), per minute. */
  standbyActive: Datapoint[];
  /** PaymentsDR FenceEpoch as both regions' health functions read it, per minute. */
  fenceEpoch: Datapoint[];
  /** AuroraGlobalDBRPOLag of the standby's cluster (ms), per minute. */
  rpoLagMs: Datapoint[];
}

export interface ObservationScope {
  environmentSuffix: string;
  regions: { target: Region; standby: Region };
  standbyClusterId: string;
  from: Date;
  to: Date;
}

/** The window's alarm state changes to ALARM in one region, for the environment's alarms (`alarm-*-<env>`). */
async function alarmTransitions(cloudwatch: DrillCloudWatch, region: Region, scope: ObservationScope): Promise<AlarmTransition[]> {
  const transitions: AlarmTransition[] = [];
  let NextToken: string | undefined;
  do {
    const page = await awsCall(
      { action: 'cloudwatch:DescribeAlarmHistory', resource: `alarm:alarm-*-${scope.environmentSuffix}`, region },
      () =>
        cloudwatch.send(
          new DescribeAlarmHistoryCommand({
            HistoryItemType: 'StateUpdate',
            AlarmTypes: ['MetricAlarm'],
            StartDate: scope.from,
            EndDate: scope.to,
            ScanBy: 'TimestampAscending',
            NextToken,
          }),
        ),
    );
    for (const item of page.AlarmHistoryItems ?? []) {
      const name = item.AlarmName ?? '';
      if (!name.startsWith('alarm-') || !name.endsWith(`-${scope.environmentSuffix}`) || !item.Timestamp) continue;
      const newState = (JSON.parse(item.HistoryData ?? '{}') as { newState?: { stateValue?: string } }).newState?.stateValue;
      if (newState === 'ALARM') transitions.push({ alarm: name, region, at: item.Timestamp });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return transitions;
}

const fenceQuery = (id: string, metricName: string, regionSuffix: string, environmentSuffix: string): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: {
      Namespace: DR_METRICS_NAMESPACE,
      MetricName: metricName,
      Dimensions: [
        { Name: 'Environment', Value: environmentSuffix },
        { Name: 'RegionSuffix', Value: regionSuffix },
      ],
    },
    Period: 60,
    Stat: 'Maximum',
  },
});

/** One GetMetricData call (paginated) in a region, the datapoints of each query id, oldest first. */
async function metricSeries(
  cloudwatch: DrillCloudWatch,
  region: Region,
  queries: MetricDataQuery[],
  scope: ObservationScope,
): Promise<Record<string, Datapoint[]>> {
  const series: Record<string, Datapoint[]> = Object.fromEntries(queries.map((q) => [q.Id, []]));
  let NextToken: string | undefined;
  do {
    const page = await awsCall({ action: 'cloudwatch:GetMetricData', resource: queries.map((q) => q.Id).join(', '), region }, () =>
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: scope.from,
          EndTime: scope.to,
          MetricDataQueries: queries,
          ScanBy: 'TimestampAscending',
          NextToken,
        }),
      ),
    );
    for (const result of page.MetricDataResults ?? []) {
      const points = (result.Timestamps ?? []).map((at, i) => ({ at, value: result.Values?.[i] ?? NaN }));
      series[result.Id ?? '']?.push(...points);
    }
    NextToken = page.NextToken;
  } while (NextToken);
  for (const points of Object.values(series)) points.sort((a, b) => a.at.getTime() - b.at.getTime());
  return series;
}

/** Reads what CloudWatch recorded between the experiment's start and end, in both regions. */
export async function observeDrillWindow(
  cloudwatch: (region: Region) => DrillCloudWatch,
  scope: ObservationScope,
): Promise<DrillObservations> {
  const { target, standby } = scope.regions;
  const env = scope.environmentSuffix;
  const [targetAlarms, standbyAlarms, targetSeries, standbySeries] = await Promise.all([
    alarmTransitions(cloudwatch(target), target, scope),
    alarmTransitions(cloudwatch(standby), standby, scope),
    metricSeries(cloudwatch(target), target, [fenceQuery('epoch', FENCE_METRIC_NAMES.fenceEpoch, REGION_SUFFIXES[target], env)], scope),
    metricSeries(
      cloudwatch(standby),
      standby,
      [
        fenceQuery('epoch', FENCE_METRIC_NAMES.fenceEpoch, REGION_SUFFIXES[standby], env),
        fenceQuery('active', FENCE_METRIC_NAMES.activeRegion, REGION_SUFFIXES[standby], env),
        { Id: 'rpo', Expression: auroraLagQuery('AuroraGlobalDBRPOLag', scope.standbyClusterId), Period: 60 },
      ],
      scope,
    ),
  ]);
  return {
    alarms: [...targetAlarms, ...standbyAlarms].sort((a, b) => a.at.getTime() - b.at.getTime()),
    standbyActive: standbySeries.active,
    fenceEpoch: [...targetSeries.epoch, ...standbySeries.epoch].sort((a, b) => a.at.getTime() - b.at.getTime()),
    rpoLagMs: standbySeries.rpo,
  };
}
