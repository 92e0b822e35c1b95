import { randomBytes } from 'node:crypto';
import { containsCardNumber } from '../shared/mask';
import type { PaymentEvent } from '../webhook/payment-event';

/**
 * A valid payment event with fresh ids (for `npm run local`, tests and the bench). About one random
 * hex id in a thousand holds a Luhn-valid run of 13+ digits, which the webhook stores hashed
 * (shared/mask.ts): such suffixes are drawn again, so a sample's ids are stored as they are.
 */
export function samplePaymentEvent(
  overrides: Partial<Omit<PaymentEvent, 'data'>> & { data?: Partial<PaymentEvent['data']> } = {},
): PaymentEvent {
  let suffix: string;
  do suffix = randomBytes(8).toString('hex');
  while (containsCardNumber(suffix));
  return {
    id: `evt_${suffix}`,
    type: 'payment.succeeded',
    created: Math.floor(Date.now() / 1000),
    ...overrides,
    data: { payment_id: `pay_${suffix}`, session_id: `sess_${suffix}`, amount: 1999, currency: 'USD', ...overrides.data },
  };
}
