/**
 * The payment event a sender posts, validated field by field. Unknown fields are ignored
 * (senders add fields over time) and dropped: only validated fields are stored anywhere.
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

export type ParsedEvent =
  | { ok: true; event: PaymentEvent }
  | { ok: false; code: 'malformed_json' | 'invalid_event'; message: string };

const IDENTIFIER = /^[A-Za-z0-9_.:-]{1,128}$/;
const ISO_4217 = new Set(Intl.supportedValuesOf('currency'));

export function parsePaymentEvent(rawBody: Buffer): ParsedEvent {
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
  check(Number.isSafeInteger(event.created) && (event.created as number) > 0, 'created must be a positive integer (unix seconds)');
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
      id: event.id as string,
      type: event.type as PaymentEventType,
      created: event.created as number,
      data: {
        payment_id: data.payment_id as string,
        session_id: data.session_id as string,
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
