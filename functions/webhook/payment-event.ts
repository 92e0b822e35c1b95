import { storableIdentifier } from '../shared/mask';

/**
 * The payment event a sender posts, validated field by field. Unknown fields are ignored
 * (senders add fields over time) and dropped: only validated fields are stored anywhere.
 * Everything that can never be stored is refused here with 400 (never a 5xx the sender would
 * retry forever): besides types and formats, a `created` outside [2000-01-01, now + 1 day] (which
 * PostgreSQL's to_timestamp would also refuse beyond its range). Identifiers that carry something
 * shaped like a card number are replaced by their hash (shared/mask.ts) before anything uses them.
 */
export const PAYMENT_EVENT_TYPES = [
  'payment.pending',
  'payment.succeeded',
  'payment.failed',
  'payment.canceled',
  'payment.refunded',
] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

export interface PaymentEvent {
  id: string;
  type: PaymentEventType;
  /** Unix seconds at which the sender created the event. */
  created: number;
  data: {
    payment_id: string;
    session_id: string;
    /** Integer amount in the currency's minor unit (cents for USD). */
    amount: number;
    /** ISO 4217 alphabetic code, upper case. */
    currency: string;
  };
}

export type ParsedEvent = { ok: true; event: PaymentEvent } | { ok: false; code: 'malformed_json' | 'invalid_event'; message: string };

const IDENTIFIER = /^[A-Za-z0-9_.:-]{1,128}$/;
/** 2000-01-01T00:00:00Z: no payment event of this system is older. */
export const CREATED_MIN_SECONDS = 946_684_800;
/** Sender clocks may run ahead a little; a day is generous, more is a bug (or milliseconds). */
export const CREATED_MAX_AHEAD_SECONDS = 86_400;
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

export function parsePaymentEvent(rawBody: Buffer, nowSeconds = Math.floor(Date.now() / 1000)): ParsedEvent {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8'));
  } catch {
    return { ok: false, code: 'malformed_json', message: 'body is not valid JSON' };
  }
  if (!isRecord(body)) return { ok: false, code: 'invalid_event', message: 'body must be a JSON object' };
  const event = body;
  const data = isRecord(event.data) ? event.data : undefined;

  const problems: string[] = [];
  const check = (ok: boolean, problem: string) => ok || problems.push(problem);
  check(isIdentifier(event.id), 'id must be 1-128 letters, digits or _.:-');
  check(PAYMENT_EVENT_TYPES.includes(event.type as PaymentEventType), `type must be one of ${PAYMENT_EVENT_TYPES.join(', ')}`);
  check(
    Number.isSafeInteger(event.created) &&
      (event.created as number) >= CREATED_MIN_SECONDS &&
      (event.created as number) <= nowSeconds + CREATED_MAX_AHEAD_SECONDS,
    'created must be unix seconds from 2000-01-01 to at most one day ahead',
  );
  check(data !== undefined, 'data must be an object');
  if (data) {
    check(isIdentifier(data.payment_id), 'data.payment_id must be 1-128 letters, digits or _.:-');
    check(isIdentifier(data.session_id), 'data.session_id must be 1-128 letters, digits or _.:-');
    check(Number.isSafeInteger(data.amount) && (data.amount as number) >= 0, 'data.amount must be a non-negative integer in minor units');
    check(typeof data.currency === 'string' && ISO_4217.has(data.currency), 'data.currency must be an ISO 4217 code such as USD');
  }
  if (problems.length || !data) return { ok: false, code: 'invalid_event', message: problems.join('; ') };

  return {
    ok: true,
    event: {
      id: storableIdentifier(event.id as string),
      type: event.type as PaymentEventType,
      created: event.created as number,
      data: {
        payment_id: storableIdentifier(data.payment_id as string),
        session_id: storableIdentifier(data.session_id as string),
        amount: data.amount as number,
        currency: data.currency as string,
      },
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIdentifier(value: unknown): boolean {
  return typeof value === 'string' && IDENTIFIER.test(value);
}
