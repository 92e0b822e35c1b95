import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LocalStack } from '../../functions/local/stack';
import { startLocalStack } from '../../functions/local/stack';
import type { HttpFunction } from '../../functions/shared/lambda';
import { createWebhook } from '../../functions/webhook/create-webhook';
import type { PaymentEvent } from '../../functions/webhook/payment-event';
import { sessionOrder } from '../../functions/webhook/session-update';
import { captureOutput } from '../support/functions/captured-output';
import { EngineInspector, stackConfig, withStopped } from '../support/functions/engines';
import type { Moto } from '../support/functions/moto';
import { startMoto } from '../support/functions/moto';
import { motoSecrets } from '../support/functions/moto-fixtures';
import type { Delivery } from '../support/functions/load';
import { loadPlan, runConcurrently } from '../support/functions/load';
import { invocation, signedWebhookRequest } from '../support/functions/requests';

const SEED = 20_240_604;
const DELIVERIES = 5000;
const DUPLICATE_SHARE = 0.3;
/** Lambda execution environments, each serving one delivery at a time. */
const CONCURRENCY = 32;
/** The functions' Lambda timeout: an IN_PROGRESS lock left by an invocation that lost DynamoDB expires within it. */
const INVOCATION_TIMEOUT_MS = 10_000;
const DYNAMODB_OUTAGE = { atDelivery: Math.round(DELIVERIES * 0.2), downMs: 500 };
const POSTGRES_RESTART = { atDelivery: Math.round(DELIVERIES * 0.55), downMs: 300 };

/** What a delivery may answer during faults: both make the sender retry. */
const RETRYABLE = ['503 dependency_unavailable', '409 event_in_progress'];

interface Answer {
  eventId: string;
  status: number;
  /** `200 applied`, `200 duplicate`, or the status and error code. */
  outcome: string;
}

describe(
  `load + faults on dynalite + embedded PostgreSQL 14, Secrets Manager on moto: ${DELIVERIES} deliveries, ` +
    `${DUPLICATE_SHARE * 100}% duplicates, ${CONCURRENCY} concurrent, DynamoDB stopped and restarted, PostgreSQL restarted`,
  () => {
    const plan = loadPlan({
      seed: SEED,
      deliveries: DELIVERIES,
      duplicateShare: DUPLICATE_SHARE,
      eventsPerSession: 5,
      nearWindow: CONCURRENCY,
    });
    const eventsById = new Map(plan.events.map((event) => [event.id, event]));
    let stack: LocalStack;
    let moto: Moto;
    let secretsManager: Awaited<ReturnType<typeof motoSecrets>>;
    let engines: EngineInspector;
    let environments: HttpFunction[];
    let output: ReturnType<typeof captureOutput>;
    let summary = '';

    const deliver = (delivery: Pick<Delivery, 'body'>, worker: number) =>
      environments[worker].handle(signedWebhookRequest(delivery.body, stack.signingSecrets), invocation());
    const answer = async (delivery: Delivery, worker: number): Promise<Answer> => {
      const response = await deliver(delivery, worker);
      const body = JSON.parse(response.body) as { duplicate?: boolean; error?: { code: string } };
      const outcome = `${response.statusCode} ${body.error?.code ?? (body.duplicate ? 'duplicate' : 'applied')}`;
      return { eventId: delivery.event.id, status: response.statusCode, outcome };
    };

    beforeAll(async () => {
      // the stack records us-east-1 (its region) active at epoch 1; every delivery reads that fence twice or three times
      [stack, moto] = await Promise.all([startLocalStack(), startMoto()]);
      output = captureOutput();
      secretsManager = await motoSecrets(moto, stack.secrets);
      const config = { ...stackConfig(stack), logLevel: 'WARN' as const };
      environments = Array.from({ length: CONCURRENCY }, () => createWebhook(config, { secretsManager }));
      engines = new EngineInspector(stack);
    });

    afterAll(async () => {
      engines?.close();
      secretsManager?.destroy();
      await Promise.all((environments ?? []).map((fn) => fn.close()));
      await Promise.all([stack?.stop(), moto?.stop()]);
      output?.restore();
      // printed once the function logs are no longer captured
      if (summary) console.log(summary);
    });

    test('every 2xx event is stored exactly once, nothing is applied ' +
      'twice, and every non-2xx event succeeds once on redelivery', async () => {
      expect(plan.deliveries).toHaveLength(DELIVERIES);
      expect(plan.deliveries.filter((delivery) => delivery.duplicate)).toHaveLength(DELIVERIES * DUPLICATE_SHARE);

      // --- the run; each engine is stopped (data kept), kept down, and started again on the same port when its delivery is dispatched
      const faults: Promise<void>[] = [];
      let dynamodbBackAt = 0;
      const started = performance.now();
      const answers = await runConcurrently(plan.deliveries, CONCURRENCY, (delivery, index, worker) => {
        if (index === DYNAMODB_OUTAGE.atDelivery) {
          faults.push(withStopped(stack.dynamodb, () => sleep(DYNAMODB_OUTAGE.downMs)).then(() => void (dynamodbBackAt = Date.now())));
        }
        if (index === POSTGRES_RESTART.atDelivery) faults.push(withStopped(stack.postgres, () => sleep(POSTGRES_RESTART.downMs)));
        return answer(delivery, worker);
      });
      await Promise.all(faults);
      const runSeconds = (performance.now() - started) / 1000;

      const failed = answers.filter((answer) => answer.status >= 300);
      // the faults really bit, and only as retryable answers (never a 4xx the sender would not retry, never a crash)
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.filter((answer) => !RETRYABLE.includes(answer.outcome))).toEqual([]);

      // --- right after the run: every acknowledged event is durable, once
      const acknowledged = new Set(answers.filter((answer) => answer.status < 300).map((answer) => answer.eventId));
      const rowsAfterRun = await engines.paymentEventCounts();
      expect([...acknowledged].filter((eventId) => rowsAfterRun.get(eventId) !== 1)).toEqual([]);
      expect([...rowsAfterRun.values()].filter((rows) => rows !== 1)).toEqual([]);
      const sessionsAfterRun = await sessionsById();
      const notOnSession = [...acknowledged].filter(
        (eventId) => !recordedOnSession(eventsById.get(eventId) as PaymentEvent, sessionsAfterRun),
      );
      expect(notOnSession).toEqual([]);

      // --- the sender redelivers every event that got a non-2xx, after its retry delay: by then every
      // IN_PROGRESS lock left behind by an invocation that lost DynamoDB has expired with that invocation
      const waitMs = Math.max(0, dynamodbBackAt + INVOCATION_TIMEOUT_MS - Date.now());
      await sleep(waitMs);
      const toRedeliver = [...new Set(failed.map((answer) => answer.eventId))].map((eventId) => ({
        body: JSON.stringify(eventsById.get(eventId)),
      }));
      const redelivered = await runConcurrently(toRedeliver, CONCURRENCY, (delivery, _index, worker) => deliver(delivery, worker));
      expect(redelivered.filter((response) => response.statusCode !== 200).map((response) => response.body)).toEqual([]);
      const firstApplications = redelivered.filter((response) => JSON.parse(response.body).duplicate === false).length;

      // --- afterwards: every event exactly once in PostgreSQL, every session consistent, every record COMPLETED
      const rows = await engines.paymentEventCounts();
      expect(rows.size).toBe(plan.events.length);
      expect(plan.events.filter((event) => rows.get(event.id) !== 1)).toEqual([]);
      const sessions = await sessionsById();
      expect(inconsistentSessions(plan.events, sessions)).toEqual([]);
      const records = await engines.scan(stack.env.IDEMPOTENCY_TABLE);
      expect(records).toHaveLength(plan.events.length);
      expect(records.filter((record) => record.status !== 'COMPLETED')).toEqual([]);

      const outcomes = new Map<string, number>();
      for (const { outcome } of answers) outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      summary =
        `load + faults: ${DELIVERIES} deliveries (${plan.events.length} events + ` +
        `${DELIVERIES - plan.events.length} duplicates) by ${CONCURRENCY} concurrent environments ` +
        `in ${runSeconds.toFixed(1)} s (${(DELIVERIES / runSeconds).toFixed(0)}/s): ` +
        `${[...outcomes].map(([outcome, count]) => `${outcome} ${count}`).join(', ')}; ` +
        `${toRedeliver.length} events redelivered after waiting ${(waitMs / 1000).toFixed(1)} s: all 200 ` +
        `(${firstApplications} applied by the redelivery, ${toRedeliver.length - firstApplications} already applied)`;
    }, 360_000); // 5000 deliveries through a single dynalite take ~1 min on 2 idle cores; a loaded machine needs longer

    async function sessionsById(): Promise<Map<string, Record<string, unknown>>> {
      return new Map((await engines.scan(stack.env.SESSIONS_TABLE)).map((item) => [item.sessionId as string, item]));
    }
  },
);

/**
 * An acknowledged event is on its session, or the session already shows an event that sorts after it (earlier ones are
 * not applied over it).
 */
function recordedOnSession(event: PaymentEvent, sessions: Map<string, Record<string, unknown>>): boolean {
  const session = sessions.get(event.data.session_id);
  if (!session) return false;
  return (session.appliedEventIds as Set<string>).has(event.id) || (session.lastEventOrder as string) > sessionOrder(event);
}

/**
 * Sessions whose item is not what applying each of their events at most once gives: every applied
 * event counted once (appliedEventCount = |appliedEventIds|), only the session's own events, and the
 * newest of all its events as the last one, with that event's status and amount.
 */
function inconsistentSessions(events: PaymentEvent[], sessions: Map<string, Record<string, unknown>>): string[] {
  const eventsBySession = new Map<string, PaymentEvent[]>();
  for (const event of events) eventsBySession.set(event.data.session_id, [...(eventsBySession.get(event.data.session_id) ?? []), event]);
  const problems: string[] = [];
  for (const [sessionId, own] of eventsBySession) {
    const session = sessions.get(sessionId);
    const newest = own.reduce((a, b) => (sessionOrder(b) > sessionOrder(a) ? b : a));
    const applied = (session?.appliedEventIds ?? new Set()) as Set<string>;
    const ownIds = new Set(own.map((event) => event.id));
    if (!session) problems.push(`${sessionId}: no session item`);
    else if (session.appliedEventCount !== applied.size)
      problems.push(`${sessionId}: ${session.appliedEventCount} updates for ${applied.size} events`);
    else if ([...applied].some((eventId) => !ownIds.has(eventId))) problems.push(`${sessionId}: holds another session's event`);
    else if (session.lastEventId !== newest.id || session.lastEventCreated !== newest.created || !applied.has(newest.id)) {
      problems.push(`${sessionId}: last event ${String(session.lastEventId)}, newest is ${newest.id}`);
    } else if (session.paymentStatus !== newest.type.replace('payment.', '') || session.amountMinor !== newest.data.amount) {
      problems.push(`${sessionId}: status/amount not those of ${newest.id}`);
    }
  }
  return problems;
}
