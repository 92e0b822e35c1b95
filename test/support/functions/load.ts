import type { PaymentEvent } from '../../../functions/webhook/payment-event';
import { PAYMENT_EVENT_TYPES } from '../../../functions/webhook/payment-event';

/** One POST of an event; duplicates carry the very same body as the first delivery (senders resend the payload). */
export interface Delivery {
  event: PaymentEvent;
  body: string;
  duplicate: boolean;
}

export interface LoadPlan {
  events: PaymentEvent[];
  deliveries: Delivery[];
}

/** mulberry32: a small seeded PRNG, so the same seed gives the same plan on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CAD'];
/** Fixed, so the plan does not depend on the clock (the signature timestamp does, and is made at delivery). */
const FIRST_CREATED = 1_750_000_000;

/**
 * A deterministic delivery plan: `deliveries` POSTs of which `duplicateShare` repeat an event
 * delivered earlier. Events are spread over sessions (about `eventsPerSession` each) with distinct
 * `created` times and arrive in shuffled order, so sessions also see older events after newer ones.
 * Half the duplicates follow their first delivery closely (within `nearWindow` places: in flight at
 * the same time at that concurrency), the other half anywhere later.
 */
export function loadPlan(options: {
  seed: number;
  deliveries: number;
  duplicateShare: number;
  eventsPerSession: number;
  nearWindow: number;
}): LoadPlan {
  const random = seededRandom(options.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const uniqueCount = Math.round(options.deliveries * (1 - options.duplicateShare));
  const sessionCount = Math.max(1, Math.round(uniqueCount / options.eventsPerSession));

  const events: PaymentEvent[] = Array.from({ length: uniqueCount }, (_, index) => ({
    id: `evt_load_${options.seed}_${index}`,
    type: pick(PAYMENT_EVENT_TYPES),
    created: FIRST_CREATED + index,
    data: {
      payment_id: `pay_load_${index}`,
      session_id: `sess_load_${options.seed}_${Math.floor(random() * sessionCount)}`,
      amount: Math.floor(random() * 100_000),
      currency: pick(CURRENCIES),
    },
  }));
  const bodies = new Map(events.map((event) => [event.id, JSON.stringify(event)]));

  const firstOrder = shuffle(events, random);
  const slots: { at: number; event: PaymentEvent; duplicate: boolean }[] = firstOrder.map((event, at) => ({ at, event, duplicate: false }));
  for (let count = 0; count < options.deliveries - uniqueCount; count++) {
    const at = Math.floor(random() * uniqueCount);
    const later = count % 2 === 0 ? random() * options.nearWindow : random() * (uniqueCount - at);
    slots.push({ at: at + later + 1e-6, event: firstOrder[at], duplicate: true });
  }
  slots.sort((a, b) => a.at - b.at);
  return {
    events,
    deliveries: slots.map(({ event, duplicate }) => ({ event, body: bodies.get(event.id) as string, duplicate })),
  };
}

function shuffle<T>(values: readonly T[], random: () => number): T[] {
  const copy = [...values];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

/**
 * Runs `task` over `items` with `concurrency` workers, each taking the next item when its previous
 * one is done (worker `w` is always the same caller, e.g. one Lambda execution environment).
 */
export async function runConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number, worker: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index], index, worker);
      }
    }),
  );
  return results;
}
