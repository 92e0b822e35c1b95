import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PaymentEvent, PaymentEventType } from './payment-event';

/**
 * Which event a session shows when several arrive, in any order: the greatest by
 *   1. `created` (the sender's unix seconds),
 *   2. then the type's place in the payment lifecycle — pending < failed < canceled < succeeded < refunded
 *      (an attempt can fail and be retried; a refund follows a success, so at the same second a
 *      refund is never hidden behind the success it reverses),
 *   3. then the event id (byte order), so that even two events of one type in one second give
 *      the same answer whatever their delivery order.
 * `sessionOrder` encodes that as one string whose byte order is this order.
 */
export const TYPE_PRECEDENCE: Readonly<Record<PaymentEventType, number>> = {
  'payment.pending': 0,
  'payment.failed': 1,
  'payment.canceled': 2,
  'payment.succeeded': 3,
  'payment.refunded': 4,
};

export function sessionOrder(event: Pick<PaymentEvent, 'id' | 'type' | 'created'>): string {
  return `${String(event.created).padStart(12, '0')}#${TYPE_PRECEDENCE[event.type]}#${event.id}`;
}

/**
 * Records the event on its session item (sessions table, hash key `sessionId`).
 * The condition makes it exactly-once and order-aware on its own: an event already recorded, or
 * one that sorts before the event the session shows (`sessionOrder`), changes nothing.
 * `appliedEventCount` counts the updates made, so it always equals the size of `appliedEventIds`
 * unless an event was applied twice. Resolves true when the item changed.
 */
export async function recordOnSession(
  documents: DynamoDBDocumentClient,
  table: string,
  event: PaymentEvent,
  now: Date,
  options: { abortSignal?: AbortSignal } = {},
): Promise<boolean> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { sessionId: event.data.session_id },
        UpdateExpression:
          'SET paymentId = :paymentId, paymentStatus = :status, amountMinor = :amount, currency = :currency, ' +
          'lastEventId = :eventId, lastEventCreated = :created, lastEventOrder = :order, ' +
          'updatedAt = :now ADD appliedEventIds :eventIds, appliedEventCount :one',
        ConditionExpression:
          'NOT contains(appliedEventIds, :eventId) AND (attribute_not_exists(lastEventOrder) OR lastEventOrder < :order)',
        ExpressionAttributeValues: {
          ':paymentId': event.data.payment_id,
          ':status': event.type.replace(/^payment\./, ''),
          ':amount': event.data.amount,
          ':currency': event.data.currency,
          ':eventId': event.id,
          ':eventIds': new Set([event.id]),
          ':one': 1,
          ':created': event.created,
          ':order': sessionOrder(event),
          ':now': now.toISOString(),
        },
      }),
      options,
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
