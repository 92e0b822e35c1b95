import { performance } from 'node:perf_hooks';
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { elapsedMs } from '../shared/elapsed';
import type { ActiveRegion, FenceCheck } from '../shared/fencing';
import { DrStateError, FenceMissingError, FenceMovedError, FenceRegressedError } from '../shared/fencing';
import type { HttpError, HttpResponse } from '../shared/http';
import { errorResponse, jsonResponse, routeError } from '../shared/http';
import type { InvocationClock } from '../shared/lambda';
import type { AppliedEvent, ApplyContext } from './apply-payment-event';
import type { PaymentEvent } from './payment-event';
import { parsePaymentEvent } from './payment-event';
import { EventConflictError, EventRejectedByDatabaseError } from './payment-events-table';
import { SIGNATURE_HEADER, verifySignature } from './signature';

export const WEBHOOK_ROUTE = { method: 'POST', path: '/webhooks/payments' };
/** Payment events are a few hundred bytes; anything near this is not one. */
export const MAX_BODY_BYTES = 64 * 1024;

export interface WebhookDependencies {
  logger: Logger;
  /** The active signing secrets (a JSON list in Secrets Manager), cached parsed by the caller. */
  signingSecrets(): Promise<string[]>;
  applyEvent(event: PaymentEvent, context: ApplyContext): Promise<AppliedEvent>;
  /** A fresh strongly consistent read of the fence (never cached); rejects when it cannot be read. */
  fence(invocation: InvocationClock): Promise<FenceCheck>;
  /** Reads the fence again; rejects (FenceMovedError or the read's error) unless it is still `before`. */
  confirmFence(before: ActiveRegion, invocation: InvocationClock): Promise<void>;
  signatureToleranceSeconds: number;
}

type Outcome =
  | 'applied'
  | 'duplicate'
  | 'rejected'
  | 'fenced'
  | 'fenced_after_store'
  | 'in_progress'
  | 'conflict'
  | 'unprocessable'
  | 'dependency_failure';

type Decision = { outcome: Outcome; eventId?: string; cause?: unknown; active?: ActiveRegion; now?: ActiveRegion } & (
  | { applied: AppliedEvent; failure?: undefined }
  | { failure: HttpError; applied?: undefined }
);

/**
 * POST /webhooks/payments: route → size → signature → JSON → schema → fence → apply exactly once
 * → fence again. 2xx only once the event is durable in Aurora and on the session AND a fence read
 * made after that still names this region at the same epoch; 5xx when a dependency fails, when this
 * region is not the active one (nothing is written, not even an idempotency record), or when the
 * fence moved while the event was being stored (the sender retries; the active region applies it,
 * idempotently). Logs one structured line per request (never the body or a secret).
 */
export async function handleWebhook(
  request: APIGatewayProxyEventV2,
  invocation: InvocationClock,
  deps: WebhookDependencies,
): Promise<HttpResponse> {
  const started = performance.now();
  const decision = await decide(request, invocation, deps);
  const response = decision.applied
    ? jsonResponse(200, { received: true, eventId: decision.eventId, duplicate: decision.applied.duplicate })
    : errorResponse(decision.failure);
  const entry = {
    requestId: request.requestContext.requestId,
    eventId: decision.eventId,
    outcome: decision.outcome,
    statusCode: response.statusCode,
    errorCode: decision.failure?.code,
    ...(decision.active && { activeRegion: decision.active.activeRegion, epoch: decision.active.epoch }),
    ...(decision.now && { activeRegionNow: decision.now.activeRegion, epochNow: decision.now.epoch }),
    latencyMs: elapsedMs(started),
  };
  // refusing writes outside the active region is the intended behaviour, not a malfunction
  if (decision.outcome === 'fenced' || decision.outcome === 'fenced_after_store')
    deps.logger.warn('webhook refused: region not active', entry);
  else if (response.statusCode >= 500) deps.logger.error('webhook failed', { ...entry, error: decision.cause });
  else if (response.statusCode >= 400) deps.logger.warn('webhook rejected', entry);
  else deps.logger.info('webhook handled', entry);
  return response;
}

async function decide(request: APIGatewayProxyEventV2, invocation: InvocationClock, deps: WebhookDependencies): Promise<Decision> {
  const reject = (statusCode: number, code: string, message: string): Decision => ({
    outcome: 'rejected',
    failure: { statusCode, code, message },
  });

  const wrongRoute = routeError(request, WEBHOOK_ROUTE);
  if (wrongRoute) return { outcome: 'rejected', failure: wrongRoute };

  const rawBody = decodeBody(request);
  if (!rawBody) return reject(413, 'payload_too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);

  let secrets: string[];
  try {
    secrets = await deps.signingSecrets();
  } catch (cause) {
    return { outcome: 'dependency_failure', failure: retryLater('signing secrets unavailable'), cause };
  }
  const signature = verifySignature({
    header: headerValue(request, SIGNATURE_HEADER),
    rawBody,
    secrets,
    nowSeconds: Math.floor(Date.now() / 1000),
    toleranceSeconds: deps.signatureToleranceSeconds,
  });
  if (!signature.ok) return reject(401, signature.code, signature.message);

  const parsed = parsePaymentEvent(rawBody);
  if (!parsed.ok) return reject(400, parsed.code, parsed.message);
  const eventId = parsed.event.id;

  // before anything is written (idempotency record included): an old primary must not take payments
  let fence: FenceCheck;
  try {
    fence = await deps.fence(invocation);
  } catch (cause) {
    return {
      outcome: 'dependency_failure',
      eventId,
      failure: retryLater(`the active region could not be read (${fenceProblem(cause)})`),
      cause,
    };
  }
  if (!fence.allowed) return { outcome: 'fenced', eventId, failure: notActive(`${fence.message}; retry later`), active: fence.active };

  let applied: AppliedEvent;
  try {
    applied = await deps.applyEvent(parsed.event, {
      fence: fence.active,
      getRemainingTimeInMillis: () => invocation.getRemainingTimeInMillis(),
    });
  } catch (cause) {
    return failedApply(cause, eventId, fence.active);
  }
  // the last word before a 2xx: this region must still hold the fence it was admitted under
  try {
    await deps.confirmFence(fence.active, invocation);
  } catch (cause) {
    return failedApply(cause, eventId, fence.active);
  }
  return { outcome: applied.duplicate ? 'duplicate' : 'applied', eventId, applied, active: fence.active };
}

function failedApply(cause: unknown, eventId: string, active: ActiveRegion): Decision {
  if (cause instanceof FenceMovedError) {
    const failure = notActive(`${cause.message}; it was not acknowledged here: retry (the active region applies it once)`);
    return { outcome: 'fenced_after_store', eventId, failure, active, now: cause.now, cause };
  }
  if (cause instanceof IdempotencyAlreadyInProgressError) {
    const failure = {
      statusCode: 409,
      code: 'event_in_progress',
      message: 'another delivery of this event is still being processed; retry later',
      headers: { 'retry-after': '1' },
    };
    return { outcome: 'in_progress', eventId, failure };
  }
  if (cause instanceof IdempotencyValidationError || cause instanceof EventConflictError) {
    const failure = { statusCode: 422, code: 'event_id_conflict', message: 'this event id was already received with different content' };
    return { outcome: 'conflict', eventId, failure, cause };
  }
  if (cause instanceof EventRejectedByDatabaseError) {
    const failure = {
      statusCode: 422,
      code: 'event_unprocessable',
      message: 'the event cannot be stored (the database refuses its values); it will never succeed as sent',
    };
    return { outcome: 'unprocessable', eventId, failure, cause };
  }
  return {
    outcome: 'dependency_failure',
    eventId,
    failure: retryLater(
      cause instanceof DrStateError ? `the active region could not be confirmed (${fenceProblem(cause)})` : 'event could not be stored',
    ),
    cause,
  };
}

function notActive(message: string): HttpError {
  return { statusCode: 503, code: 'region_not_active', message, headers: { 'retry-after': '5' } };
}

/** A fence problem in words for the 503 message (the record's state is no secret; errors are summarised). */
function fenceProblem(cause: unknown): string {
  if (cause instanceof FenceMissingError) return 'no active-region record';
  if (cause instanceof FenceRegressedError) return 'the record went back to an older epoch';
  if (cause instanceof DrStateError) return 'the record is malformed';
  return 'the DR state table did not answer';
}

function retryLater(reason: string): HttpError {
  return { statusCode: 503, code: 'dependency_unavailable', message: `${reason}; retry later`, headers: { 'retry-after': '5' } };
}

/** The raw body bytes (API Gateway base64-encodes non-text bodies), or undefined when too large. */
function decodeBody(request: APIGatewayProxyEventV2): Buffer | undefined {
  const body = request.body ?? '';
  if (request.isBase64Encoded && body.length > Math.ceil(MAX_BODY_BYTES / 3) * 4) return undefined;
  const bytes = Buffer.from(body, request.isBase64Encoded ? 'base64' : 'utf8');
  return bytes.length > MAX_BODY_BYTES ? undefined : bytes;
}

function headerValue(request: APIGatewayProxyEventV2, name: string): string | undefined {
  const key = Object.keys(request.headers ?? {}).find((candidate) => candidate.toLowerCase() === name);
  return key ? request.headers[key] : undefined;
}
