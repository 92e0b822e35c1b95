import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PaymentEvent } from './payment-event';

/**
 * Records the event on its session item (sessions table, hash key `sessionId`).
 * The condition makes it exactly-once and order-aware on its own: an event already recorded,
 * or older than the newest one recorded, changes nothing. `appliedEventCount` counts the updates
 * made, so it always equals the size of `appliedEventIds` unless an event was applied twice.
 * Resolves true when the item changed.
 */
export async function recordOnSession(documents: DynamoDBDocumentClient, table: string, event: PaymentEvent, now: Date): Promise<boolean> {
  try {
    await documents.send(
      new UpdateCommand({
        TableName: table,
        Key: { sessionId: event.data.session_id },
        UpdateExpression:
          'SET paymentId = :paymentId, paymentStatus = :status, amountMinor = :amount, currency = :currency, ' +
          'lastEventId = :eventId, lastEventCreated = :created, updatedAt = :now ADD appliedEventIds :eventIds, appliedEventCount :one',
        ConditionExpression:
          'NOT contains(appliedEventIds, :eventId) AND (attribute_not_exists(lastEventCreated) OR lastEventCreated <= :created)',
        ExpressionAttributeValues: {
          ':paymentId': event.data.payment_id,
          ':status': event.type.replace(/^payment\./, ''),
          ':amount': event.data.amount,
          ':currency': event.data.currency,
          ':eventId': event.id,
          ':eventIds': new Set([event.id]),
          ':one': 1,
          ':created': event.created,
          ':now': now.toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
