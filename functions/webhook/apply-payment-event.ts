import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Database } from '../shared/database';
import type { ActiveRegion } from '../shared/fencing';
import type { InvocationClock } from '../shared/lambda';
import type { PaymentEvent } from './payment-event';
import { insertPaymentEvent } from './payment-events-table';
import { recordOnSession } from './session-update';

/** Senders retry for up to 3 days; records live a week (Aurora's UNIQUE event id backs them up after that). */
const IDEMPOTENCY_EXPIRY_SECONDS = 7 * 24 * 60 * 60;

/**
 * Same prefix in both regions (Powertools defaults to the function name, which carries the region
 * suffix): with the idempotency table global, a duplicate delivered to the other region after a
 * DNS flip finds the record written by the first.
 */
const IDEMPOTENCY_KEY_PREFIX = 'payments-webhook';

/**
 * A duplicate that meets another delivery's IN_PROGRESS record waits for it (polling with backoff)
 * instead of answering 409 at once: at most `maxMs`, and never into the last `reserveMs` of the
 * invocation (kept to apply the event itself if the other attempt fails and deletes its record).
 * With the 10 s Lambda timeout that is a 5 s wait; an apply takes milliseconds.
 */
export const IN_PROGRESS_WAIT = { maxMs: 5000, reserveMs: 3000, firstPollMs: 10, maxPollMs: 200 } as const;

export interface AppliedEvent {
  eventId: string;
  /** True when an earlier delivery already applied this event (answer replayed from its record). */
  duplicate: boolean;
}

export interface ApplyDependencies {
  database: Database;
  dynamodb: DynamoDBClient;
  sessionsTable: string;
  idempotencyTable: string;
  region: string;
  /**
   * Reads the fence again once the event is durable in Aurora and on the session, and throws
   * (FenceMovedError, or the read's own error) unless it still is `before`. Because it throws
   * inside the idempotent function, Powertools deletes the IN_PROGRESS record: the redelivery the
   * 5xx causes — in the now active region — applies the event again instead of replaying an answer
   * for a write that may have landed on a writer that was being failed over.
   */
  confirmFence(before: ActiveRegion, invocation: InvocationClock): Promise<void>;
}

/** The invocation plus the fence this delivery was admitted under (Powertools reads only the clock). */
export interface ApplyContext extends InvocationClock {
  fence: ActiveRegion;
}

/**
 * Applies a payment event exactly once: Aurora row, then session item, then the idempotency record
 * is marked COMPLETED. If anything throws, Powertools deletes the IN_PROGRESS record so the sender's
 * retry runs again (both writes are themselves idempotent, so a partial first attempt is harmless).
 * A concurrent duplicate meets the IN_PROGRESS record and waits for it (`waitWhileInProgress`);
 * IdempotencyAlreadyInProgressError reaches the caller only when the wait is exhausted.
 */
export function createPaymentEventApplier(deps: ApplyDependencies): (event: PaymentEvent, context: ApplyContext) => Promise<AppliedEvent> {
  const documents = DynamoDBDocumentClient.from(deps.dynamodb);
  // Powertools reads the context's remaining time: it bounds the IN_PROGRESS lock
  const apply = async (event: PaymentEvent, context: ApplyContext): Promise<AppliedEvent> => {
    const stored = await insertPaymentEvent(await deps.database.pool(), event, deps.region);
    await recordOnSession(documents, deps.sessionsTable, event, new Date());
    await deps.confirmFence(context.fence, context);
    return { eventId: event.id, duplicate: stored === 'duplicate' };
  };
  const applyOnce = makeIdempotent(apply, {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: deps.idempotencyTable, awsSdkV3Client: deps.dynamodb }),
    keyPrefix: IDEMPOTENCY_KEY_PREFIX,
    config: new IdempotencyConfig({
      eventKeyJmesPath: 'id',
      // the same id with a different body is refused (IdempotencyValidationError), not silently acknowledged
      payloadValidationJmesPath: '[type, created, data]',
      expiresAfterSeconds: IDEMPOTENCY_EXPIRY_SECONDS,
      throwOnNoIdempotencyKey: true,
      responseHook: (response) => ({ ...(response as object), duplicate: true }),
    }),
  });
  return waitWhileInProgress(applyOnce);
}

/**
 * Retries `applyOnce` while another delivery of the same event holds the IN_PROGRESS record, until
 * it completes (the retry then replays its answer as a duplicate), fails (its record is deleted and
 * the retry applies the event), or its lock expires (the retry takes over), within IN_PROGRESS_WAIT.
 */
function waitWhileInProgress<T, C extends InvocationClock>(
  applyOnce: (event: PaymentEvent, invocation: C) => Promise<T>,
): (event: PaymentEvent, invocation: C) => Promise<T> {
  const wait = IN_PROGRESS_WAIT;
  return async (event, invocation) => {
    const deadline = Date.now() + Math.min(wait.maxMs, invocation.getRemainingTimeInMillis() - wait.reserveMs);
    for (let pause: number = wait.firstPollMs; ; pause = Math.min(pause * 2, wait.maxPollMs)) {
      try {
        return await applyOnce(event, invocation);
      } catch (error) {
        const left = deadline - Date.now();
        if (!(error instanceof IdempotencyAlreadyInProgressError) || left <= 0) throw error;
        // jitter spreads the polls of many waiting duplicates; the last poll is at the deadline
        await sleep(Math.min(left, pause * (0.5 + Math.random() / 2)));
      }
    }
  };
}
