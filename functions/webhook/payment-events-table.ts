import type { Pool } from 'pg';
import type { PaymentEvent } from './payment-event';

/**
 * Inserts the event once: a second insert of the same event id is a no-op thanks to the
 * UNIQUE constraint (migrations/001_payment_events.sql). Resolves true when this call inserted it.
 */
export async function insertPaymentEvent(pool: Pool, event: PaymentEvent, receivedRegion: string): Promise<boolean> {
  const result = await pool.query(
    `INSERT INTO payment_events
       (event_id, event_type, payment_id, session_id, amount_minor, currency, event_created_at, received_region)
     VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7), $8)
     ON CONFLICT (event_id) DO NOTHING`,
    [event.id, event.type, event.data.payment_id, event.data.session_id, event.data.amount, event.data.currency, event.created, receivedRegion],
  );
  return result.rowCount === 1;
}
