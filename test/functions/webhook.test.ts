import type { LocalStack } from '../../functions/local/stack';
import { startLocalStack } from '../../functions/local/stack';
import { samplePaymentEvent } from '../../functions/local/sample-event';
import type { HttpFunction } from '../../functions/shared/lambda';
import { IN_PROGRESS_WAIT } from '../../functions/webhook/apply-payment-event';
import { createWebhook } from '../../functions/webhook/create-webhook';
import { MAX_BODY_BYTES } from '../../functions/webhook/handle-webhook';
import { SIGNATURE_HEADER } from '../../functions/webhook/signature';
import { storableIdentifier } from '../../functions/shared/mask';
import { captureOutput } from '../support/functions/captured-output';
import { EngineInspector, stackConfig, withStopped } from '../support/functions/engines';
import type { Moto } from '../support/functions/moto';
import { startMoto } from '../support/functions/moto';
import { motoSecrets } from '../support/functions/moto-fixtures';
import { apiGatewayEvent, errorCode, invocation, signedWebhookRequest } from '../support/functions/requests';

const CURRENT_SECRET = 'whsec_current_0123456789abcdef';
const NEXT_SECRET = 'whsec_next_fedcba9876543210';

describe('webhook on dynalite + embedded PostgreSQL 14, Secrets Manager on moto', () => {
  let stack: LocalStack;
  let moto: Moto;
  let secretsManager: Awaited<ReturnType<typeof motoSecrets>>;
  let webhook: HttpFunction;
  let engines: EngineInspector;
  let output: ReturnType<typeof captureOutput>;
  /** A new execution environment of the webhook (its own clients and pool). */
  let webhookOf: () => HttpFunction;
  const opened: HttpFunction[] = [];

  const deliver = (body: string, options: { secrets?: string[]; timestamp?: number; base64?: boolean } = {}) =>
    webhook.handle(signedWebhookRequest(body, options.secrets ?? [CURRENT_SECRET], options), invocation());

  beforeAll(async () => {
    // the stack records us-east-1 (its region) active at epoch 1, as `dr init` does
    [stack, moto] = await Promise.all([startLocalStack(), startMoto()]);
    output = captureOutput();
    secretsManager = await motoSecrets(moto, {
      ...stack.secrets,
      // rotation in progress: two active signing secrets
      [stack.env.SIGNING_SECRET_ID]: JSON.stringify([CURRENT_SECRET, NEXT_SECRET]),
    });
    webhookOf = () => {
      const fn = createWebhook(stackConfig(stack), { secretsManager });
      opened.push(fn);
      return fn;
    };
    webhook = webhookOf();
    engines = new EngineInspector(stack);
  });

  afterAll(async () => {
    output?.restore();
    engines?.close();
    secretsManager?.destroy();
    await Promise.all(opened.map((fn) => fn.close()));
    await Promise.all([stack?.stop(), moto?.stop()]);
  });

  test('a valid signed event answers 200, adds one payment_events row and updates the session', async () => {
    const event = samplePaymentEvent({ data: { amount: 4250, currency: 'EUR' } });

    const response = await deliver(JSON.stringify(event));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ received: true, eventId: event.id, duplicate: false });
    const rows = await engines.paymentEventRows(event.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event_type: 'payment.succeeded', amount_minor: '4250', currency: 'EUR', received_region: 'us-east-1' });
    const session = await engines.session(event.data.session_id);
    expect(session).toMatchObject({ paymentStatus: 'succeeded', amountMinor: 4250, currency: 'EUR', lastEventId: event.id });
    expect(session?.appliedEventIds).toEqual(new Set([event.id]));
    expect(session?.appliedEventCount).toBe(1);
  });

  test('the idempotency record is COMPLETED and expires no sooner than 3 days from now', async () => {
    const event = samplePaymentEvent();
    await deliver(JSON.stringify(event));

    const record = await engines.idempotencyRecord(event.id);

    expect(record?.status).toBe('COMPLETED');
    expect(Number(record?.expiration) - Date.now() / 1000).toBeGreaterThanOrEqual(3 * 24 * 3600);
  });

  test('a sequential duplicate answers 200 duplicate:true and is applied once', async () => {
    const event = samplePaymentEvent();
    const body = JSON.stringify(event);

    const first = await deliver(body);
    const second = await deliver(body);

    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    expect(JSON.parse(second.body)).toMatchObject({ eventId: event.id, duplicate: true });
    expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
    expect((await engines.session(event.data.session_id))?.appliedEventIds).toEqual(new Set([event.id]));
  });

  test(
    'the same event delivered 50 times concurrently (5 execution ' + 'environments): every answer 200, one row, one session update',
    async () => {
      const event = samplePaymentEvent();
      const body = JSON.stringify(event);
      const environments = [webhook, ...Array.from({ length: 4 }, () => webhookOf())];

      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          environments[index % environments.length].handle(signedWebhookRequest(body, [CURRENT_SECRET]), invocation()),
        ),
      );

      expect(responses.map((response) => response.statusCode)).toEqual(Array(50).fill(200));
      const duplicates = responses.map((response) => JSON.parse(response.body).duplicate);
      expect(duplicates.filter((duplicate) => duplicate === false)).toHaveLength(1);
      expect(duplicates.filter((duplicate) => duplicate === true)).toHaveLength(49);
      expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
      const session = await engines.session(event.data.session_id);
      expect(session?.appliedEventIds).toEqual(new Set([event.id]));
      expect(session?.appliedEventCount).toBe(1);
      expect((await engines.idempotencyRecord(event.id))?.status).toBe('COMPLETED');
    },
  );

  test(
    'a duplicate whose original does not finish within the wait ' + 'answers a retryable 409; the retry then gets 200 duplicate',
    async () => {
      const event = samplePaymentEvent();
      const body = JSON.stringify(event);
      // an open transaction holding the same event id blocks the original's INSERT on the UNIQUE index
      const blocker = await engines.postgresClient();
      await blocker.query('BEGIN');
      await blocker.query(
        `INSERT INTO payment_events (event_id, event_type, payment_id, ` +
          `session_id, amount_minor, currency, event_created_at, received_region)
       VALUES ($1, 'payment.pending', 'pay_blocker', 'sess_blocker', 0, 'USD', now(), 'test')`,
        [event.id],
      );
      try {
        const original = deliver(body);
        await waitFor(async () => (await engines.idempotencyRecord(event.id))?.status === 'INPROGRESS');
        // late in its invocation (600 ms left beyond the reserve) the duplicate may wait only ~600 ms
        const started = Date.now();
        const duplicate = await webhook.handle(signedWebhookRequest(body, [CURRENT_SECRET]), invocation(IN_PROGRESS_WAIT.reserveMs + 600));

        expect(duplicate.statusCode).toBe(409);
        expect(errorCode(duplicate)).toBe('event_in_progress');
        expect(duplicate.headers?.['retry-after']).toBe('1');
        expect(Date.now() - started).toBeGreaterThanOrEqual(590);
        expect(Date.now() - started).toBeLessThan(1500);

        await blocker.query('ROLLBACK');
        expect((await original).statusCode).toBe(200);
      } finally {
        await blocker.end();
      }
      const retried = await deliver(body);
      expect(retried.statusCode).toBe(200);
      expect(JSON.parse(retried.body).duplicate).toBe(true);
      expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
    },
  );

  test('the same event id with different content is refused with 422, not acknowledged', async () => {
    const event = samplePaymentEvent();
    await deliver(JSON.stringify(event));

    const response = await deliver(JSON.stringify({ ...event, data: { ...event.data, amount: 1 } }));

    expect(response.statusCode).toBe(422);
    expect(errorCode(response)).toBe('event_id_conflict');
    expect((await engines.paymentEventRows(event.id))[0].amount_minor).toBe(String(event.data.amount));
  });

  test('an event older than the one already on the session is stored but does not overwrite the session', async () => {
    const newer = samplePaymentEvent({ type: 'payment.succeeded' });
    const older = samplePaymentEvent({ type: 'payment.pending', created: newer.created - 60, data: { session_id: newer.data.session_id } });

    expect((await deliver(JSON.stringify(newer))).statusCode).toBe(200);
    expect((await deliver(JSON.stringify(older))).statusCode).toBe(200);

    expect(await engines.paymentEventRows(older.id)).toHaveLength(1);
    expect(await engines.session(newer.data.session_id)).toMatchObject({ paymentStatus: 'succeeded', lastEventId: newer.id });
  });

  describe('session order: created, then lifecycle precedence, then event id (point 6)', () => {
    // The previous condition (lastEventCreated <= created) let the later arrival win a tie, so a
    // succeeded delivered after its refund, in the same second, showed the payment as succeeded.
    test.each([
      ['refund first, success second', ['payment.refunded', 'payment.succeeded']],
      ['success first, refund second', ['payment.succeeded', 'payment.refunded']],
    ])('a refund and a success in the same second: the session shows refunded whatever the order (%s)', async (_case, types) => {
      const created = nowSeconds() - 30;
      const sessionId = `sess_tie_${types[0]}_${created}`;
      const events = types.map((type) =>
        samplePaymentEvent({ type: type as 'payment.refunded', created, data: { session_id: sessionId } }),
      );
      for (const event of events) expect((await deliver(JSON.stringify(event))).statusCode).toBe(200);

      const session = await engines.session(sessionId);
      expect(session).toMatchObject({ paymentStatus: 'refunded' });
      // every event is stored and counted once on the session only when it was applied
      for (const event of events) expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
      expect(session?.appliedEventCount).toBe((session?.appliedEventIds as Set<string> | undefined)?.size);
    });

    test('an older success arriving after a newer refund does not bring the payment back to succeeded', async () => {
      const refund = samplePaymentEvent({ type: 'payment.refunded' });
      const success = samplePaymentEvent({
        type: 'payment.succeeded',
        created: refund.created - 5,
        data: { session_id: refund.data.session_id },
      });
      await deliver(JSON.stringify(refund));
      await deliver(JSON.stringify(success));
      expect(await engines.session(refund.data.session_id)).toMatchObject({ paymentStatus: 'refunded', lastEventId: refund.id });
    });

    test('two events of one type in one second: the greater event id wins in both delivery orders', async () => {
      const created = nowSeconds() - 20;
      const [a, b] = ['evt_order_a', 'evt_order_b'].map((id, index) =>
        samplePaymentEvent({
          id: `${id}_${created}`,
          type: 'payment.pending',
          created,
          data: { session_id: `sess_same_${created}`, amount: index },
        }),
      );
      await deliver(JSON.stringify(b));
      await deliver(JSON.stringify(a));
      expect(await engines.session(a.data.session_id)).toMatchObject({ lastEventId: b.id, amountMinor: 1 });
    });
  });

  describe('no poison messages: what can never be stored is a 4xx, never a 5xx the sender retries forever (point 5)', () => {
    test.each([
      ['far in the future (PostgreSQL to_timestamp out of range: a 503 for ever before)', 9_000_000_000_000_000],
      ['more than a day ahead', nowSeconds() + 2 * 86_400],
      ['before 2000-01-01', 900_000_000],
      ['zero', 0],
      ['negative', -1],
    ])('created %s answers 400 invalid_event and stores nothing', async (_case, created) => {
      const event = samplePaymentEvent({ created });
      const response = await deliver(JSON.stringify(event));
      expect(response.statusCode).toBe(400);
      expect(errorCode(response)).toBe('invalid_event');
      expect(JSON.parse(response.body).error.message).toContain('created');
      expect(await engines.paymentEventRows(event.id)).toHaveLength(0);
    });

    test(
      'a value the database refuses (SQLSTATE class 22/23) answers 422 ' + 'event_unprocessable, not 503; the next valid event is applied',
      async () => {
        const db = await engines.postgresClient();
        try {
          // a stricter rule in the database than in the webhook's validation (e.g. added by a later migration)
          await db.query('ALTER TABLE payment_events ADD CONSTRAINT test_amount_limit CHECK (amount_minor < 1000000000)');
          const event = samplePaymentEvent({ data: { amount: 2_000_000_000 } });
          const responses = [await deliver(JSON.stringify(event)), await deliver(JSON.stringify(event))];
          expect(responses.map((response) => response.statusCode)).toEqual([422, 422]);
          expect(errorCode(responses[0])).toBe('event_unprocessable');
          expect(await engines.idempotencyRecord(event.id)).toBeUndefined();
        } finally {
          await db.query('ALTER TABLE payment_events DROP CONSTRAINT IF EXISTS test_amount_limit');
          await db.end();
        }
        expect((await deliver(JSON.stringify(samplePaymentEvent()))).statusCode).toBe(200);
      },
    );

    test('a created time that is not an integer answers 400', async () => {
      expect((await deliver(JSON.stringify({ ...samplePaymentEvent(), created: 1.5e9 + 0.5 }))).statusCode).toBe(400);
    });
  });

  describe('the database agrees with idempotency (point 8)', () => {
    test(
      'same id, different content, when the idempotency record is gone ' +
        '(expired, or removed by reconcile): 422, the stored row is kept',
      async () => {
        const event = samplePaymentEvent({ data: { amount: 500 } });
        expect((await deliver(JSON.stringify(event))).statusCode).toBe(200);
        await engines.deleteIdempotencyRecord(event.id);

        const changed = { ...event, data: { ...event.data, amount: 9999 } };
        const response = await deliver(JSON.stringify(changed));

        expect(response.statusCode).toBe(422);
        expect(errorCode(response)).toBe('event_id_conflict');
        expect((await engines.paymentEventRows(event.id)).map((row) => row.amount_minor)).toEqual(['500']);
        expect(await engines.idempotencyRecord(event.id)).toBeUndefined();
      },
    );

    test('same id, same content, record gone: 200 duplicate:true (the row is the proof), session unchanged', async () => {
      const event = samplePaymentEvent();
      await deliver(JSON.stringify(event));
      await engines.deleteIdempotencyRecord(event.id);

      const response = await deliver(JSON.stringify(event));

      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ eventId: event.id, duplicate: true });
      expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
      expect((await engines.session(event.data.session_id))?.appliedEventCount).toBe(1);
    });
  });

  describe('logs stay traceable (point 9)', () => {
    test('an event id shaped like a card number is stored, logged and answered as its hash; the digits are nowhere', async () => {
      const pan = '4111111111111111';
      const event = samplePaymentEvent({ id: `evt_${pan}`, data: { payment_id: `pay_${pan}` } });
      const request = signedWebhookRequest(JSON.stringify(event), [CURRENT_SECRET]);

      const response = await webhook.handle(request, invocation());

      const stored = storableIdentifier(event.id);
      expect(stored).toMatch(/^sha256_/);
      expect(JSON.parse(response.body)).toMatchObject({ received: true, eventId: stored });
      const rows = await engines.paymentEventRows(stored);
      expect(rows).toHaveLength(1);
      expect(rows[0].payment_id).toBe(storableIdentifier(event.data.payment_id));
      expect(
        await engines.query('SELECT count(*)::int AS n FROM payment_events WHERE event_id LIKE $1 OR payment_id LIKE $1', [`%${pan}%`]),
      ).toEqual([{ n: 0 }]);
      // the log line names the very id the database holds
      const line = output.lines().find((entry) => entry.requestId === request.requestContext.requestId);
      expect(line?.eventId).toBe(stored);
      // a redelivery is the same event
      expect(JSON.parse((await deliver(JSON.stringify(event))).body)).toMatchObject({ eventId: stored, duplicate: true });
    });

    test('a UUID request id that the old masker altered (a Luhn-valid digit window) is logged intact', async () => {
      const requestId = '14487230-4911-4956-9d11-1c816fb95bb8';
      const request = signedWebhookRequest(JSON.stringify(samplePaymentEvent()), [CURRENT_SECRET]);
      request.requestContext.requestId = requestId;
      await webhook.handle(request, invocation());
      expect(output.lines().some((entry) => entry.requestId === requestId)).toBe(true);
    });
  });

  describe('signature', () => {
    test.each([
      ['a tampered body', (body: string) => signedWithBodySwapped(body), 'invalid_signature'],
      [
        'a signature made with an unknown secret',
        (body: string) => signedWebhookRequest(body, ['whsec_attacker_0000000000']),
        'invalid_signature',
      ],
      [
        'an expired timestamp (6 minutes old)',
        (body: string) => signedWebhookRequest(body, [CURRENT_SECRET], { timestamp: nowSeconds() - 360 }),
        'signature_expired',
      ],
      [
        'a timestamp too far in the future',
        (body: string) => signedWebhookRequest(body, [CURRENT_SECRET], { timestamp: nowSeconds() + 360 }),
        'signature_expired',
      ],
      [
        'a missing signature header',
        (body: string) => apiGatewayEvent({ method: 'POST', path: '/webhooks/payments', body }),
        'missing_signature',
      ],
      ['a malformed signature header', (body: string) => withSignature(body, 'v1=abc'), 'invalid_signature'],
    ])('%s answers 401 and stores nothing', async (_case, request, code) => {
      const event = samplePaymentEvent();

      const response = await webhook.handle(request(JSON.stringify(event)), invocation());

      expect(response.statusCode).toBe(401);
      expect(errorCode(response)).toBe(code);
      expect(await engines.paymentEventRows(event.id)).toHaveLength(0);
    });

    test('during rotation a body signed only with the second active secret is accepted', async () => {
      expect((await deliver(JSON.stringify(samplePaymentEvent()), { secrets: [NEXT_SECRET] })).statusCode).toBe(200);
    });

    test('a header carrying several v1 signatures (sender rotating) is accepted when one matches', async () => {
      const response = await deliver(JSON.stringify(samplePaymentEvent()), { secrets: ['whsec_sender_old_000000000', CURRENT_SECRET] });
      expect(response.statusCode).toBe(200);
    });

    test('a base64-encoded body from API Gateway is verified over its decoded bytes', async () => {
      const event = samplePaymentEvent();
      const response = await deliver(JSON.stringify(event), { base64: true });
      expect(response.statusCode).toBe(200);
      expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
    });

    function signedWithBodySwapped(body: string) {
      const request = signedWebhookRequest(body, [CURRENT_SECRET]);
      return { ...request, body: body.replace('"amount":1999', '"amount":1') };
    }

    function withSignature(body: string, header: string) {
      return apiGatewayEvent({ method: 'POST', path: '/webhooks/payments', body, headers: { [SIGNATURE_HEADER]: header } });
    }
  });

  describe('input', () => {
    test('malformed JSON answers 400 malformed_json', async () => {
      const response = await deliver('{"id": "evt_1",');
      expect(response.statusCode).toBe(400);
      expect(errorCode(response)).toBe('malformed_json');
    });

    test.each([
      ['amount with a fraction', { data: { amount: 19.99 } }, 'data.amount'],
      ['amount as a string', { data: { amount: '1999' } }, 'data.amount'],
      ['lower-case currency', { data: { currency: 'usd' } }, 'data.currency'],
      ['unknown currency', { data: { currency: 'ABC' } }, 'data.currency'],
      ['unknown type', { type: 'payment.exploded' }, 'type'],
      ['created in milliseconds as a string', { created: '1700000000000' }, 'created'],
      ['missing id', { id: undefined }, 'id'],
    ])('a schema-invalid event (%s) answers 400 invalid_event naming the field', async (_case, change, field) => {
      const event = samplePaymentEvent();
      const invalid = { ...event, ...change, data: { ...event.data, ...(change as { data?: object }).data } };

      const response = await deliver(JSON.stringify(invalid));

      expect(response.statusCode).toBe(400);
      expect(errorCode(response)).toBe('invalid_event');
      expect(JSON.parse(response.body).error.message).toContain(field);
    });

    test(`a body over ${MAX_BODY_BYTES} bytes answers 413`, async () => {
      const event = { ...samplePaymentEvent(), padding: 'x'.repeat(MAX_BODY_BYTES) };
      const response = await deliver(JSON.stringify(event));
      expect(response.statusCode).toBe(413);
      expect(errorCode(response)).toBe('payload_too_large');
    });

    test('GET on the webhook route answers 405 with Allow: POST', async () => {
      const response = await webhook.handle(apiGatewayEvent({ method: 'GET', path: '/webhooks/payments' }), invocation());
      expect(response.statusCode).toBe(405);
      expect(response.headers?.allow).toBe('POST');
    });

    test('an unknown route answers 404', async () => {
      const response = await webhook.handle(apiGatewayEvent({ method: 'POST', path: '/webhooks/refunds' }), invocation());
      expect(response.statusCode).toBe(404);
      expect(errorCode(response)).toBe('not_found');
    });
  });

  test('with PostgreSQL down it answers 503; the retry after recovery applies the event exactly once', async () => {
    const event = samplePaymentEvent();
    const body = JSON.stringify(event);

    const failed = await withStopped(stack.postgres, () => deliver(body));

    expect(failed.statusCode).toBe(503);
    expect(errorCode(failed)).toBe('dependency_unavailable');
    // the failed attempt left no idempotency record behind to block the retry
    expect(await engines.idempotencyRecord(event.id)).toBeUndefined();

    const retried = await deliver(body);

    expect(retried.statusCode).toBe(200);
    expect(JSON.parse(retried.body).duplicate).toBe(false);
    expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
    expect((await engines.session(event.data.session_id))?.appliedEventIds).toEqual(new Set([event.id]));
  });

  test('every request logs one JSON line with region, environment, request id, event id, outcome and latency', async () => {
    const event = samplePaymentEvent();
    const request = signedWebhookRequest(JSON.stringify(event), [CURRENT_SECRET]);

    await webhook.handle(request, invocation());

    const lines = output.lines().filter((entry) => entry.requestId === request.requestContext.requestId);
    expect(lines).toHaveLength(1);
    const [line] = lines;
    expect(line).toMatchObject({
      level: 'INFO',
      region: 'us-east-1',
      environment: 'local',
      eventId: event.id,
      outcome: 'applied',
      statusCode: 200,
    });
    expect(typeof line?.latencyMs).toBe('number');
  });

  test('logs never contain a signing secret, the DB password or a full card number', async () => {
    const pan = '4111 1111 1111 1111';
    await deliver(JSON.stringify({ ...samplePaymentEvent(), card: pan, data: { amount: pan } }));
    webhook.logger.warn('sender note', { note: `card ${pan}` });

    const logs = output.text();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [CURRENT_SECRET, NEXT_SECRET, stack.postgres.password]) expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/4111[ -]?1111[ -]?1111[ -]?1111/);
    expect(logs).toContain('************1111');
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
