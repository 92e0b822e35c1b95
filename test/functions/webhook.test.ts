import type { LocalStack } from '../../functions/local/stack';
import { startLocalStack } from '../../functions/local/stack';
import { samplePaymentEvent } from '../../functions/local/sample-event';
import type { HttpFunction } from '../../functions/shared/lambda';
import { createWebhook } from '../../functions/webhook/create-webhook';
import { MAX_BODY_BYTES } from '../../functions/webhook/handle-webhook';
import { SIGNATURE_HEADER } from '../../functions/webhook/signature';
import { captureOutput } from './support/captured-output';
import { EngineInspector, stackConfig, withPostgresStopped } from './support/engines';
import { FakeSecretsManager } from './support/fake-secrets-manager';
import { apiGatewayEvent, errorCode, invocation, signedWebhookRequest } from './support/requests';

const CURRENT_SECRET = 'whsec_current_0123456789abcdef';
const NEXT_SECRET = 'whsec_next_fedcba9876543210';

describe('webhook on dynalite + embedded PostgreSQL 14 (mock Secrets Manager)', () => {
  let stack: LocalStack;
  let webhook: HttpFunction;
  let engines: EngineInspector;
  let output: ReturnType<typeof captureOutput>;

  const deliver = (body: string, options: { secrets?: string[]; timestamp?: number; base64?: boolean } = {}) =>
    webhook.handle(signedWebhookRequest(body, options.secrets ?? [CURRENT_SECRET], options), invocation());

  beforeAll(async () => {
    stack = await startLocalStack();
    output = captureOutput();
    const secretsManager = new FakeSecretsManager({
      ...stack.secrets,
      // rotation in progress: two active signing secrets
      [stack.env.SIGNING_SECRET_ID]: JSON.stringify([CURRENT_SECRET, NEXT_SECRET]),
    });
    webhook = createWebhook(stackConfig(stack), { secretsManager });
    engines = new EngineInspector(stack);
  });

  afterAll(async () => {
    output?.restore();
    engines?.close();
    await webhook?.close();
    await stack?.stop();
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

  test('concurrent duplicates (Promise.all) are applied once; the others get 200 duplicate or a retryable 409', async () => {
    const event = samplePaymentEvent();
    const body = JSON.stringify(event);

    const responses = await Promise.all(Array.from({ length: 6 }, () => deliver(body)));

    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.every((status) => status === 200 || status === 409)).toBe(true);
    expect(responses.filter((response) => response.statusCode === 200 && !JSON.parse(response.body).duplicate)).toHaveLength(1);
    for (const conflict of responses.filter((response) => response.statusCode === 409)) {
      expect(errorCode(conflict)).toBe('event_in_progress');
      expect(conflict.headers?.['retry-after']).toBeDefined();
    }
    expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
    expect((await engines.session(event.data.session_id))?.appliedEventIds).toEqual(new Set([event.id]));
  });

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

  describe('signature', () => {
    test.each([
      ['a tampered body', (body: string) => signedWithBodySwapped(body), 'invalid_signature'],
      ['a signature made with an unknown secret', (body: string) => signedWebhookRequest(body, ['whsec_attacker_0000000000']), 'invalid_signature'],
      ['an expired timestamp (6 minutes old)', (body: string) => signedWebhookRequest(body, [CURRENT_SECRET], { timestamp: nowSeconds() - 360 }), 'signature_expired'],
      ['a timestamp too far in the future', (body: string) => signedWebhookRequest(body, [CURRENT_SECRET], { timestamp: nowSeconds() + 360 }), 'signature_expired'],
      ['a missing signature header', (body: string) => apiGatewayEvent({ method: 'POST', path: '/webhooks/payments', body }), 'missing_signature'],
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

    const failed = await withPostgresStopped(stack, () => deliver(body));

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

    const line = output.lines().find((entry) => entry.requestId === request.requestContext.requestId);
    expect(line).toMatchObject({ level: 'INFO', region: 'us-east-1', environment: 'local', eventId: event.id, outcome: 'applied', statusCode: 200 });
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

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
