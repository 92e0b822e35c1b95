import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import type { GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { type AuroraLagMetric, auroraLagQuery } from '../shared/aurora-lag';
import { elapsedMs } from '../shared/elapsed';
import type { HealthProbe } from './decision';

/**
 * Evidence is gathered without the active region's control plane: its `/health` is probed directly
 * over HTTPS (like a Route 53 checker), and replication lag comes from CloudWatch in THIS region
 * (Aurora publishes the lag metrics in the secondary's region only).
 */

/** Route 53 gives an endpoint 4 s to connect and 2 s to answer; one attempt gets the sum. */
export const PROBE_TIMEOUT_MS = 6000;
/** A region fails a run's probe only when every attempt fails (a single lost packet is not an outage). */
export const PROBE_ATTEMPTS = 2;
export const PROBE_PAUSE_MS = 1000;

export type Fetch = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<{ status: number; text(): Promise<string> }>;

export interface ProbeOptions {
  timeoutMs?: number;
  attempts?: number;
  pauseMs?: number;
  fetch?: Fetch;
}

/**
 * GETs `url` until an attempt says ready (2xx, or a 503 whose body says `ready: true`: a ready
 * standby of the PRIMARY record, kept out of rotation by the fence) or the attempts run out.
 */
export async function probeHealth(url: string, options: ProbeOptions = {}): Promise<HealthProbe> {
  const {
    timeoutMs = PROBE_TIMEOUT_MS,
    attempts = PROBE_ATTEMPTS,
    pauseMs = PROBE_PAUSE_MS,
    fetch: get = globalThis.fetch as Fetch,
  } = options;
  const started = performance.now();
  let last: Omit<HealthProbe, 'latencyMs' | 'attempts'> = { ok: false, ready: false, failure: 'error' };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(pauseMs);
    last = await probeOnce(url, timeoutMs, get);
    if (last.ready) return { ...last, latencyMs: elapsedMs(started), attempts: attempt };
  }
  return { ...last, latencyMs: elapsedMs(started), attempts };
}

async function probeOnce(url: string, timeoutMs: number, get: Fetch): Promise<Omit<HealthProbe, 'latencyMs' | 'attempts'>> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await get(url, { signal, headers: { accept: 'application/json', 'user-agent': 'payments-dr-failover-controller' } });
    const body = healthBody(await response.text());
    if (response.status >= 200 && response.status < 300) return { ok: true, ready: true, status: response.status };
    return { ok: false, ready: body.ready, status: response.status, failure: 'status', detail: body.detail };
  } catch (error) {
    if (signal.aborted) return { ok: false, ready: false, failure: 'timeout', detail: `no answer within ${timeoutMs} ms` };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, ready: false, failure: 'error', detail: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

/** `/health` says whether it is ready and names its failing checks; anything else (an error page) is not ready. */
function healthBody(text: string): { ready: boolean; detail?: string } {
  try {
    const body = JSON.parse(text) as { ready?: unknown; failing?: unknown };
    const failing =
      Array.isArray(body.failing) && body.failing.every((name) => typeof name === 'string')
        ? `failing ${body.failing.join(', ') || 'none'}`
        : undefined;
    return { ready: body.ready === true, detail: failing };
  } catch {
    return { ready: false };
  }
}

/** The one CloudWatch call the lag reading makes; a CloudWatchClient satisfies it. */
export interface CloudWatchApi {
  send(command: GetMetricDataCommand, options?: { abortSignal?: AbortSignal }): Promise<GetMetricDataCommandOutput>;
}

export const REPLICATION_LAG_METRIC: AuroraLagMetric = 'AuroraGlobalDBReplicationLag';
/** A datapoint older than this says nothing about replication now. */
export const LAG_MAX_AGE_MS = 180_000;

export interface LagReading {
  /** Undefined when there is no datapoint of the last LAG_MAX_AGE_MS (or CloudWatch failed: see `error`). */
  lagMs: number | undefined;
  at?: string;
  error?: string;
}

/**
 * The newest per-minute Maximum of AuroraGlobalDBReplicationLag for `clusterId` (a secondary
 * cluster; the metric exists only in its region). Missing data is unknown, never zero.
 */
export async function replicationLag(cloudwatch: CloudWatchApi, clusterId: string, now: Date): Promise<LagReading> {
  try {
    const output = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now.getTime() - LAG_MAX_AGE_MS),
        EndTime: now,
        ScanBy: 'TimestampDescending',
        MetricDataQueries: [
          // Metrics Insights: matches the cluster's series whatever dimension set AWS publishes them with.
          { Id: 'lag', ReturnData: true, Expression: auroraLagQuery(REPLICATION_LAG_METRIC, clusterId), Period: 60 },
        ],
      }),
    );
    const result = output.MetricDataResults?.find((series) => series.Id === 'lag');
    const points = (result?.Timestamps ?? []).map((timestamp, index) => ({ at: new Date(timestamp), value: result?.Values?.[index] }));
    const newest = points
      .filter((point) => typeof point.value === 'number' && now.getTime() - point.at.getTime() <= LAG_MAX_AGE_MS)
      .sort((a, b) => b.at.getTime() - a.at.getTime())[0];
    return newest ? { lagMs: newest.value, at: newest.at.toISOString() } : { lagMs: undefined };
  } catch (error) {
    return { lagMs: undefined, error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}
