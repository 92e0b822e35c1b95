import { performance } from 'node:perf_hooks';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Region } from '../shared/config';
import { elapsedMs } from '../shared/elapsed';
import type { ActiveRegion } from '../shared/fencing';
import { PRIMARY_REGION } from '../shared/fencing';
import type { HttpResponse } from '../shared/http';
import { errorResponse, jsonResponse, routeError } from '../shared/http';

export const HEALTH_ROUTE = { method: 'GET', path: '/health' };
/** Per check; checks run in parallel, so the answer stays far inside Route 53's 2 s. */
export const CHECK_TIMEOUT_MS = 400;
/** The check that reads the fence; its value is the active region. */
export const FENCE_CHECK = 'fence';

/** A readiness probe of one dependency; rejects (or outlives the timeout) when not ready. */
export type Check = (signal: AbortSignal) => Promise<unknown>;

export interface CheckResult {
  name: string;
  ok: boolean;
  latencyMs: number;
  /** Only `timeout` or `error` is published; the detail goes to the log. */
  failure?: 'timeout' | 'error';
}

export interface HealthDependencies {
  logger: Logger;
  region: Region;
  /** Must include FENCE_CHECK, resolving the ActiveRegion. */
  checks: Record<string, Check>;
  timeoutMs?: number;
  /** Receives the fence as read by this check (undefined when unreadable), e.g. to publish it as metrics. */
  onFence?: (active: ActiveRegion | undefined) => void;
}

/** `active`: this region holds the fence; `standby`: another does; `unknown`: the fence could not be read. */
export type Role = 'active' | 'standby' | 'unknown';

/**
 * GET /health — what Route 53 routes on, so routing follows the fence:
 *
 * - READY means every check passes: this region's function runs, its Aurora cluster answers
 *   `SELECT 1`, its replicas of the sessions and idempotency tables answer, its replicas of the DB
 *   and signing secrets read and parse, and the fence (the MRSC DR state table) reads — which
 *   needs this region to reach a quorum (itself plus us-east-2's witness, or plus the other region).
 * - The region of the PRIMARY failover record (us-east-1) answers 200 only when READY and ACTIVE
 *   (the fence names it): a recovered old primary that is not active stays out of rotation, so
 *   Route 53 keeps traffic on the promoted region, and a failback is one fence change.
 * - The region of the SECONDARY record (us-west-2) answers 200 when READY, active or standby: a
 *   healthy standby is what Route 53 falls back to when the primary fails; until it is promoted
 *   its webhooks answer 503 region_not_active and senders retry.
 *
 * 503 otherwise: `status` is `unavailable` (not ready; `failing` names the checks) or `standby` (ready,
 * but the PRIMARY record's region is not the active one: `failing` is ["active_region"]). The body
 * always says `ready` and `role`, so the failover controller can tell "ready but standby" from "down".
 */
export async function handleHealth(request: APIGatewayProxyEventV2, deps: HealthDependencies): Promise<HttpResponse> {
  const wrongRoute = routeError(request, HEALTH_ROUTE);
  if (wrongRoute) return errorResponse(wrongRoute);

  const started = performance.now();
  const outcomes = await Promise.all(
    Object.entries(deps.checks).map(([name, check]) => runCheck(name, check, deps.timeoutMs ?? CHECK_TIMEOUT_MS)),
  );
  const checks = outcomes.map(({ result }) => result);
  const failingChecks = checks.filter((check) => !check.ok).map((check) => check.name);
  const active = outcomes.find(({ result }) => result.name === FENCE_CHECK && result.ok)?.value as ActiveRegion | undefined;
  const role: Role = !active ? 'unknown' : active.activeRegion === deps.region ? 'active' : 'standby';
  deps.onFence?.(active);
  const ready = failingChecks.length === 0;
  const routable = ready && (deps.region !== PRIMARY_REGION || role === 'active');
  const failing = ready && !routable ? ['active_region'] : failingChecks;
  const body = {
    status: routable ? 'ok' : ready ? 'standby' : 'unavailable',
    region: deps.region,
    role,
    ...(active && { activeRegion: active.activeRegion, epoch: active.epoch }),
    ready,
    failing,
    checks,
    latencyMs: elapsedMs(started),
  };
  const entry = {
    requestId: request.requestContext.requestId,
    outcome: body.status,
    role,
    ready,
    failing,
    checks,
    latencyMs: body.latencyMs,
  };
  if (!ready) {
    const errors = Object.fromEntries(outcomes.filter(({ error }) => error).map(({ result, error }) => [result.name, error]));
    deps.logger.warn('health check failed', { ...entry, errors });
  } else if (!routable) {
    deps.logger.info('health check: ready standby of the primary record, kept out of rotation', entry);
  } else {
    deps.logger.debug('health check passed', entry);
  }
  return jsonResponse(routable ? 200 : 503, body);
}

async function runCheck(name: string, check: Check, timeoutMs: number): Promise<{ result: CheckResult; value?: unknown; error?: unknown }> {
  const started = performance.now();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new CheckTimeout(`${name} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  try {
    const value = await Promise.race([check(controller.signal), timeout]);
    return { result: { name, ok: true, latencyMs: elapsedMs(started) }, value };
  } catch (error) {
    const failure = error instanceof CheckTimeout ? 'timeout' : 'error';
    return { result: { name, ok: false, latencyMs: elapsedMs(started), failure }, error };
  } finally {
    clearTimeout(timer);
  }
}

class CheckTimeout extends Error {}
