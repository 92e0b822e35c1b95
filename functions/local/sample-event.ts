import { randomBytes } from 'node:crypto';
import type { PaymentEvent } from '../webhook/payment-event';

/** A valid payment event with fresh ids (for `npm run local`, tests and the bench). */
export function samplePaymentEvent(overrides: Partial<Omit<PaymentEvent, 'data'>> & { data?: Partial<PaymentEvent['data']> } = {}): PaymentEvent {
  const suffix = randomBytes(8).toString('hex');
  return {
    id: `evt_${suffix}`,
    type: 'payment.succeeded',
    created: Math.floor(Date.now() / 1000),
    ...overrides,
    data: { payment_id: `pay_${suffix}`, session_id: `sess_${suffix}`, amount: 1999, currency: 'USD', ...overrides.data },
  };
}
