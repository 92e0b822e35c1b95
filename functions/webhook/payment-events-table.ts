import type { Pool } from 'pg';
import type { PaymentEvent } from './payment-event';

/** The same event id is already stored with different content: the sender reused an id (never acknowledged). */
export class EventConflictError extends Error {
  constructor(
    readonly eventId: string,
    readonly differing: string[],
  ) {
    super(`event ${eventId} is already stored with a different ${differing.join(', ')}`);
    this.name = 'EventConflictError';
  }
}

/** PostgreSQL refused the values themselves (SQLSTATE class 22 data exception, 23 integrity violation): retrying cannot help. */
export class EventRejectedByDatabaseError extends Error {
  constructor(
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
    this.name = 'EventRejectedByDatabaseError';
  }
}

interface StoredRow {
  event_type: string;
  payment_id: string;
  session_id: string;
  amount_minor: string;
  currency: string;
  created: string;
}

/**
 * Stores the event once, keyed by its UNIQUE event id (migrations/001_payment_events.sql), and
 * agrees with idempotency: when a row with this id already exists it is compared field by field
 * with the event — identical is `duplicate` (e.g. the idempotency record expired or was removed by
 * `dr reconcile` while the row survived), different throws EventConflictError (answered 422, never
 * acknowledged, and the stored row is left as it was). A value PostgreSQL refuses throws
 * EventRejectedByDatabaseError (answered 422: the same delivery can never succeed).
 */
export async function insertPaymentEvent(pool: Pool, event: PaymentEvent, receivedRegion: string): Promise<'inserted' | 'duplicate'> {
  const fields = [
    event.id,
    event.type,
    event.data.payment_id,
    event.data.session_id,
    event.data.amount,
    event.data.currency,
    event.created,
    receivedRegion,
  ];
  let inserted: number | null;
  try {
    inserted = (
      await pool.query(
        `INSERT INTO payment_events
           (event_id, event_type, payment_id, session_id, amount_minor, currency, event_created_at, received_region)
         VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7), $8)
         ON CONFLICT (event_id) DO NOTHING`,
        fields,
      )
    ).rowCount;
  } catch (error) {
    throw rejectedOrOriginal(error);
  }
  if (inserted === 1) return 'inserted';

  const { rows } = await pool.query<StoredRow>(
    `SELECT event_type, payment_id, session_id, amount_minor::text AS amount_minor, currency,
            extract(epoch FROM event_created_at)::bigint::text AS created
       FROM payment_events WHERE event_id = $1`,
    [event.id],
  );
  const row = rows[0];
  if (!row) throw new Error(`event ${event.id} conflicted on insert but no row was found`);
  const differing = [
    row.event_type !== event.type && 'type',
    row.payment_id !== event.data.payment_id && 'data.payment_id',
    row.session_id !== event.data.session_id && 'data.session_id',
    row.amount_minor !== String(event.data.amount) && 'data.amount',
    row.currency !== event.data.currency && 'data.currency',
    row.created !== String(event.created) && 'created',
  ].filter((field): field is string => typeof field === 'string');
  if (differing.length) throw new EventConflictError(event.id, differing);
  return 'duplicate';
}

function rejectedOrOriginal(error: unknown): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code) && code !== '23505') {
    return new EventRejectedByDatabaseError(code, `the database refuses this event (SQLSTATE ${code}: ${(error as Error).message})`);
  }
  return error;
}
