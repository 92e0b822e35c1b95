import { performance } from 'node:perf_hooks';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { elapsedMs } from '../shared/elapsed';
import type { HttpResponse } from '../shared/http';
import { errorResponse, jsonResponse, routeError } from '../shared/http';

export const HEALTH_ROUTE = { method: 'GET', path: '/health' };
/** Per check; checks run in parallel, so the answer stays far inside Route 53's 2 s. */
export const CHECK_TIMEOUT_MS = 400;

/** A readiness probe of one LOCAL dependency; rejects (or outlives the timeout) when not ready. */
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
  region: string;
  checks: Record<string, Check>;
  timeoutMs?: number;
}

/** GET /health: 200 when every local check passes, 503 naming the failing checks otherwise. */
export async function handleHealth(request: APIGatewayProxyEventV2, deps: HealthDependencies): Promise<HttpResponse> {
  const wrongRoute = routeError(request, HEALTH_ROUTE);
  if (wrongRoute) return errorResponse(wrongRoute);

  const started = performance.now();
  const outcomes = await Promise.all(
    Object.entries(deps.checks).map(([name, check]) => runCheck(name, check, deps.timeoutMs ?? CHECK_TIMEOUT_MS)),
  );
  const checks = outcomes.map(({ result }) => result);
  const failing = checks.filter((check) => !check.ok).map((check) => check.name);
  const body = { status: failing.length ? 'unavailable' : 'ok', region: deps.region, failing, checks, latencyMs: elapsedMs(started) };
  const entry = { requestId: request.requestContext.requestId, outcome: body.status, failing, checks, latencyMs: body.latencyMs };
  if (failing.length) {
    const errors = Object.fromEntries(outcomes.filter(({ error }) => error).map(({ result, error }) => [result.name, error]));
    deps.logger.warn('health check failed', { ...entry, errors });
  } else {
    deps.logger.debug('health check passed', entry);
  }
  return jsonResponse(failing.length ? 503 : 200, body);
}

async function runCheck(name: string, check: Check, timeoutMs: number): Promise<{ result: CheckResult; error?: unknown }> {
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
    await Promise.race([check(controller.signal), timeout]);
    return { result: { name, ok: true, latencyMs: elapsedMs(started) } };
  } catch (error) {
    const failure = error instanceof CheckTimeout ? 'timeout' : 'error';
    return { result: { name, ok: false, latencyMs: elapsedMs(started), failure }, error };
  } finally {
    clearTimeout(timer);
  }
}

class CheckTimeout extends Error {}
