import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Database } from '../shared/database';
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
}

/**
 * Applies a payment event exactly once: Aurora row, then session item, then the idempotency record
 * is marked COMPLETED. If anything throws, Powertools deletes the IN_PROGRESS record so the sender's
 * retry runs again (both writes are themselves idempotent, so a partial first attempt is harmless).
 * A concurrent duplicate meets the IN_PROGRESS record and gets IdempotencyAlreadyInProgressError.
 */
export function createPaymentEventApplier(deps: ApplyDependencies): (event: PaymentEvent, invocation: InvocationClock) => Promise<AppliedEvent> {
  const documents = DynamoDBDocumentClient.from(deps.dynamodb);
  // the second argument is only read by Powertools: the remaining time bounds the IN_PROGRESS lock
  const apply = async (event: PaymentEvent, _invocation: InvocationClock): Promise<AppliedEvent> => {
    await insertPaymentEvent(await deps.database.pool(), event, deps.region);
    await recordOnSession(documents, deps.sessionsTable, event, new Date());
    return { eventId: event.id, duplicate: false };
  };
  return makeIdempotent(apply, {
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
}
