import { HEARTBEAT_STALE_MS } from '../functions/failover-controller/heartbeat';
import { type ConformanceModel, type EnvironmentModel, type Json, forProvider, ofKind } from './model';

/**
 * Route 53 answers an alias record to an AWS resource with a TTL it sets itself (the record has
 * no TTL field): 60 s for API Gateway targets (Route 53 Developer Guide, "Choosing between alias
 * and non-alias records"; DESIGN.md §4). A non-alias record's own `ttl` is used instead.
 */
export const ALIAS_TTL_SECONDS = 60;

export interface ReportRow {
  readonly step: string;
  readonly value: string;
  /** How the value follows from the manifests, and the AWS fact it rests on. */
  readonly basis: string;
}

export interface EnvironmentReport {
  readonly environment: string;
  readonly rows: readonly ReportRow[];
  /** Worst-case seconds from the primary failing until clients reach the secondary (DNS only). */
  readonly clientSwitchSeconds: number;
  /** Worst-case seconds from the primary failing until Route 53 marks it unhealthy. */
  readonly detectionSeconds: number;
  /** Worst-case seconds from the primary failing until the health-check alarm pages. */
  readonly pagedSeconds: number;
  /** The replication-lag alarm threshold: the recovery point operators are alerted at. */
  readonly replicationLagThresholdMs: number;
}

const byPurpose = (resources: readonly Json[], kind: string, purpose: string) =>
  ofKind(resources, kind).find((r) => r.metadata.labels?.['payments-dr.io/purpose'] === purpose);

function alarmWindow(alarm: Json): { thresholdMs: number; seconds: number; text: string } {
  const spec = forProvider(alarm);
  // A Metrics Insights alarm carries its period on the query.
  const period = spec.period ?? spec.metricQuery?.[0]?.period;
  return {
    thresholdMs: spec.threshold,
    seconds: period * spec.datapointsToAlarm,
    text:
      `${spec.datapointsToAlarm} of ${spec.evaluationPeriods} × ${period} s periods ` +
      `${spec.comparisonOperator} ${spec.threshold} (missing data: ${spec.treatMissingData})`,
  };
}

/** Seconds between runs of an EventBridge Scheduler `rate(N minute[s])` expression. */
export function rateSeconds(expression: string): number {
  const match = /^rate\((\d+) minutes?\)$/.exec(expression ?? '');
  if (!match) throw new Error(`schedule expression "${expression}" is not rate(N minutes)`);
  return Number(match[1]) * 60;
}

/** The us-west-2 failover controller: whether its schedule runs, how often, and after how many failed runs it promotes. */
function controllerTimeline(usw2: readonly Json[]): { enabled: boolean; seconds: number; text: string } {
  // The standby acts on a stale heartbeat (HEARTBEAT_STALE_MS), then counts failed minutes; its first run may start one interval late.
  const schedule = forProvider(byPurpose(usw2, 'Schedule', 'failover-controller') ?? {});
  const controller = forProvider(byPurpose(usw2, 'Function', 'failover-controller') ?? {});
  const failedMinutes = Number(controller.environment?.variables?.FAILED_MINUTES_BEFORE_PROMOTION);
  const interval = rateSeconds(schedule.scheduleExpression);
  return {
    enabled: schedule.state === 'ENABLED',
    seconds: HEARTBEAT_STALE_MS / 1000 + interval * failedMinutes + interval,
    text:
      `schedule ${schedule.scheduleExpression} (${schedule.state}), heartbeat stale after ${HEARTBEAT_STALE_MS / 1000} s, ` +
      `FAILED_MINUTES_BEFORE_PROMOTION ${failedMinutes}`,
  };
}

/** The failover timeline of one environment, computed from its rendered resources. */
export function environmentReport(env: EnvironmentModel): EnvironmentReport {
  const primaryCheck = forProvider(ofKind(env.regions.use1, 'HealthCheck')[0] ?? {});
  const failoverRecord = forProvider(byPurpose(env.regions.usw2, 'Record', 'failover') ?? {});
  const detection = primaryCheck.requestInterval * primaryCheck.failureThreshold;
  const ttl = failoverRecord.alias ? ALIAS_TTL_SECONDS : failoverRecord.ttl;
  const clientSwitchSeconds = detection + ttl;
  const lag = alarmWindow(byPurpose(env.regions.usw2, 'MetricAlarm', 'aurora-replication-lag') ?? {});
  const rpoLag = alarmWindow(byPurpose(env.regions.usw2, 'MetricAlarm', 'aurora-rpo-lag') ?? {});
  const tableLag = alarmWindow(byPurpose(env.regions.use1, 'MetricAlarm', 'ddb-replication-sessions') ?? {});
  const healthAlarm = alarmWindow(byPurpose(env.regions.use1, 'MetricAlarm', 'healthcheck') ?? {});
  const controller = controllerTimeline(env.regions.usw2);
  const rows: ReportRow[] = [
    {
      step: '1. health-check detection',
      value: `${detection} s`,
      basis:
        `requestInterval ${primaryCheck.requestInterval} s × failureThreshold ${primaryCheck.failureThreshold} ` +
        `on the use1 health check (${(primaryCheck.regions ?? []).length} checker regions; ` +
        'unhealthy when ≤ 18% of checkers see a 2xx/3xx within 2 s after connecting within 4 s — ' +
        'Route 53 Developer Guide, "How Route 53 determines whether a health check is healthy")',
    },
    {
      step: '2. DNS TTL',
      value: `${ttl} s`,
      basis: failoverRecord.alias
        ? 'failover records are aliases to API Gateway custom domains: Route 53 answers them with a 60 s TTL'
        : "the failover record's ttl",
    },
    {
      step: '3. clients reach us-west-2',
      value: `≤ ${clientSwitchSeconds} s`,
      basis:
        'detection + TTL: after detection Route 53 answers with the SECONDARY record at once; ' +
        'resolvers holding the old answer keep it for one TTL',
    },
    {
      step: `4a. database promotion, controller off${controller.enabled ? '' : ' (as deployed)'}`,
      value: 'manual: operator runs npm run dr -- failover',
      basis:
        'Route 53 never promotes Aurora. Until an operator promotes us-west-2 with the dr CLI ' +
        '(FailoverGlobalCluster --allow-data-loss when us-east-1 is gone, and the fence moves), ' +
        'us-west-2 answers 503 to writes and senders retry.',
    },
    {
      step: `4b. database promotion, controller on${controller.enabled ? ' (as deployed)' : ''}`,
      value: `decided after ≤ ${controller.seconds} s, then the fence moves and FailoverGlobalCluster`,
      basis:
        `us-west-2 failover controller: ${controller.text}: the primary's heartbeat goes stale, ` +
        'then that many consecutive failed minutes (the first run may start one interval after the failure), ' +
        'then the fence change and the promotion call; the promotion itself takes minutes (measure it in the drill). ' +
        'Enable with failover.automatic in the environment config.',
    },
    {
      step: '5. Aurora replication-lag alert (RPO you are alerted at)',
      value: `> ${lag.thresholdMs} ms, alerted within ${lag.seconds} s`,
      basis:
        `AuroraGlobalDBReplicationLag on the us-west-2 cluster: ${lag.text}; AuroraGlobalDBRPOLag: ${rpoLag.text}. ` +
        'The 1 s target is monitored, not enforced (rds.global_db_rpo cannot go below 20 s).',
    },
    {
      step: '6. DynamoDB replication alert',
      value: `> ${tableLag.thresholdMs} ms, alerted within ${tableLag.seconds} s`,
      basis:
        `ReplicationLatency from us-east-1 to us-west-2 (emitted in the source region): ${tableLag.text}. ` +
        'Global tables replicate asynchronously; the idempotency table is global so a duplicate after a flip is still caught.',
    },
    {
      step: '7. secret replication monitoring',
      value: `every ${primaryCheck.requestInterval} s via /health`,
      basis:
        "each region's /health reads its local secret replica; " +
        "an unreadable replica fails that region's health check (and its HealthCheckStatus alarm in us-east-1)",
    },
    {
      step: '8. operators paged',
      value: `within ${healthAlarm.seconds} s of the health check failing`,
      basis: `HealthCheckStatus alarm in us-east-1: ${healthAlarm.text}`,
    },
  ];
  return {
    environment: env.environment,
    rows,
    clientSwitchSeconds,
    detectionSeconds: detection,
    pagedSeconds: detection + healthAlarm.seconds,
    replicationLagThresholdMs: lag.thresholdMs,
  };
}

export function drReport(model: ConformanceModel): EnvironmentReport[] {
  return model.environments.map(environmentReport);
}

export function formatReport(reports: readonly EnvironmentReport[]): string {
  const assumptions = [
    'Assumptions: the primary region fails as a whole (its /health stops answering 2xx); clients honour DNS TTLs;',
    'the senders retry non-2xx deliveries (the webhook acknowledges only durable events). Figures are upper bounds from the',
    'synthesized manifests; measure real ones in the quarterly DR drill.',
  ];
  return reports
    .map((report) => {
      const stepWidth = Math.max(...report.rows.map((r) => r.step.length));
      const valueWidth = Math.max(...report.rows.map((r) => r.value.length));
      const line = (cells: string[]) => `| ${cells[0].padEnd(stepWidth)} | ${cells[1].padEnd(valueWidth)} | ${cells[2]} |`;
      return [
        `## environment ${report.environment}: failover timeline ` +
          `(RTO for traffic ≤ ${report.clientSwitchSeconds} s, plus database promotion for writes)`,
        '',
        line(['step', 'value', 'from the manifests / AWS fact']),
        line(['-'.repeat(stepWidth), '-'.repeat(valueWidth), '---']),
        ...report.rows.map((r) => line([r.step, r.value, r.basis])),
      ].join('\n');
    })
    .concat([assumptions.join('\n')])
    .join('\n\n');
}
