import type { EnvironmentReport } from '../../conformance/dr-report';
import type { Datapoint, DrillObservations } from './drill-observations';
import type { ExperimentView } from './fis';

/** The drill's measured figures, in seconds after the experiment started (undefined: not observed in the window). */
export interface DrillMeasurements {
  /** First alarm of the environment in ALARM. */
  detectionSeconds?: number;
  firstAlarm?: string;
  /** The target region's Route 53 health-check alarm in ALARM: Route 53 answers with the SECONDARY from then on. */
  trafficShiftSeconds?: number;
  /** The standby's ActiveRegion metric went from 0 to 1: the fence names it (promotion recorded). */
  promotionSeconds?: number;
  fenceEpochBefore?: number;
  fenceEpochAfter?: number;
  /** Highest AuroraGlobalDBRPOLag of the standby's cluster in the window (ms). */
  observedRpoMs?: number;
}

export interface Comparison {
  figure: string;
  measured?: number;
  expected: number;
  unit: 's' | 'ms';
  /** measured ≤ expected; undefined when nothing was measured. */
  withinExpected?: boolean;
  basis: string;
}

export interface DrillReport {
  environment: string;
  scenario: string;
  templateId: string;
  experimentId: string;
  outcome: ExperimentView['state'];
  reason?: string;
  startedAt: string;
  endedAt: string;
  measurements: DrillMeasurements;
  comparisons: Comparison[];
  alarms: Array<{ alarm: string; region: string; at: string }>;
}

const secondsAfter = (start: Date, at: Date | undefined) =>
  at === undefined ? undefined : Math.round((at.getTime() - start.getTime()) / 1000);
const maxOf = (points: readonly Datapoint[]) => (points.length ? Math.max(...points.map((p) => p.value)) : undefined);

/** The first minute the standby's ActiveRegion reads 1 after having read 0 (already active is no promotion). */
function promotedAt(points: readonly Datapoint[]): Date | undefined {
  const firstStandby = points.findIndex((p) => p.value === 0);
  if (firstStandby < 0) return undefined;
  return points.slice(firstStandby).find((p) => p.value === 1)?.at;
}

export function measure(observations: DrillObservations, startedAt: Date, targetHealthAlarm: string): DrillMeasurements {
  const first = observations.alarms[0];
  const shift = observations.alarms.find((a) => a.alarm === targetHealthAlarm);
  const epochs = observations.fenceEpoch;
  return {
    detectionSeconds: secondsAfter(startedAt, first?.at),
    firstAlarm: first?.alarm,
    trafficShiftSeconds: secondsAfter(startedAt, shift?.at),
    promotionSeconds: secondsAfter(startedAt, promotedAt(observations.standbyActive)),
    fenceEpochBefore: epochs[0]?.value,
    fenceEpochAfter: epochs[epochs.length - 1]?.value,
    observedRpoMs: maxOf(observations.rpoLagMs),
  };
}

/** Measured against the figures `npm run dr-report` computes from the manifests. */
export function compare(measured: DrillMeasurements, expected: EnvironmentReport): Comparison[] {
  const row = (figure: string, value: number | undefined, bound: number, unit: Comparison['unit'], basis: string): Comparison => ({
    figure,
    measured: value,
    expected: bound,
    unit,
    withinExpected: value === undefined ? undefined : value <= bound,
    basis,
  });
  return [
    row(
      'detection (first alarm)',
      measured.detectionSeconds,
      expected.pagedSeconds,
      's',
      'dr-report step 8: health-check detection + the health-check alarm window',
    ),
    row(
      'traffic shift (target health-check alarm)',
      measured.trafficShiftSeconds,
      expected.pagedSeconds,
      's',
      'dr-report steps 1 and 8: Route 53 marks the target unhealthy, its alarm follows within one period',
    ),
    row(
      'observed RPO (max AuroraGlobalDBRPOLag)',
      measured.observedRpoMs,
      expected.replicationLagThresholdMs,
      'ms',
      'dr-report step 5: the replication-lag alarm threshold (monitored, not enforced)',
    ),
  ];
}

const text = (value: number | undefined, unit = '') => (value === undefined ? 'not observed' : `${value}${unit ? ` ${unit}` : ''}`);

export function markdownReport(report: DrillReport): string {
  const m = report.measurements;
  const verdict = (c: Comparison) => (c.withinExpected === undefined ? '—' : c.withinExpected ? 'within' : '**OVER**');
  return [
    `# DR drill: ${report.scenario} (${report.environment})`,
    '',
    `Experiment \`${report.experimentId}\` from template \`${report.templateId}\`: ` +
      `**${report.outcome}**${report.reason ? ` — ${report.reason}` : ''}.`,
    `Window ${report.startedAt} → ${report.endedAt}. Times are seconds after the experiment ` +
      `started; metric figures have CloudWatch's 60 s resolution, alarm times are exact.`,
    '',
    '| figure | measured |',
    '|---|---|',
    `| detection (first alarm${m.firstAlarm ? `: ${m.firstAlarm}` : ''}) | ${text(m.detectionSeconds, 's')} |`,
    `| traffic shift (target health-check alarm) | ${text(m.trafficShiftSeconds, 's')} |`,
    `| promotion (standby ActiveRegion 0 → 1) | ${text(m.promotionSeconds, 's')} |`,
    `| fence epoch before → after | ${text(m.fenceEpochBefore)} → ${text(m.fenceEpochAfter)} |`,
    `| observed RPO (max AuroraGlobalDBRPOLag) | ${text(m.observedRpoMs, 'ms')} |`,
    '',
    '| compared with dr-report | measured | expected (≤) | verdict | basis |',
    '|---|---|---|---|---|',
    ...report.comparisons.map(
      (c) => `| ${c.figure} | ${text(c.measured, c.unit)} | ${c.expected} ${c.unit} | ${verdict(c)} | ${c.basis} |`,
    ),
    '',
    '## Alarms in ALARM during the window',
    '',
    ...(report.alarms.length ? report.alarms.map((a) => `- ${a.at} ${a.alarm} (${a.region})`) : ['- none']),
    '',
  ].join('\n');
}
