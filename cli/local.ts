/**
 * `npm run local`: the webhook and health handlers over HTTP on 127.0.0.1, backed by dynalite and
 * embedded PostgreSQL 14 in temporary directories. PORT picks the port (default 3000).
 * Ctrl-C (SIGINT) or SIGTERM stops everything and deletes the temporary data (exit 0). An engine
 * process that dies on its own (killed, crashed) is reported and everything else is stopped the
 * same way, its orphaned server included (exit 1): nothing keeps running without its engines.
 */
import { createHealth } from '../functions/health/create-health';
import { HEALTH_ROUTE } from '../functions/health/check-health';
import { assertPortFree, serveHandlers } from '../functions/local/http-server';
import { samplePaymentEvent } from '../functions/local/sample-event';
import { startLocalStack } from '../functions/local/stack';
import { loadConfig } from '../functions/shared/config';
import { lambdaHandler } from '../functions/shared/lambda';
import { createWebhook } from '../functions/webhook/create-webhook';
import { WEBHOOK_ROUTE } from '../functions/webhook/handle-webhook';
import { SIGNATURE_HEADER, signatureHeader } from '../functions/webhook/signature';

const DEFAULT_PORT = 3000;
/** A fixed, local-only signing secret, so the README's curl example runs as written (functions/README.md, "Try it locally"). */
const LOCAL_SIGNING_SECRET = 'whsec_local_only_not_a_real_secret';

async function main(): Promise<void> {
  const port = Number(process.env.PORT || DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (got "${process.env.PORT}")`);
  await assertPortFree('127.0.0.1', port);
  const stack = await startLocalStack({ signingSecrets: [LOCAL_SIGNING_SECRET] });
  const config = loadConfig(stack.env);
  const functions = [createWebhook(config), createHealth(config)];
  const [webhook, health] = functions;
  const server = await serveHandlers(
    { [WEBHOOK_ROUTE.path]: lambdaHandler(webhook), [HEALTH_ROUTE.path]: lambdaHandler(health) },
    '127.0.0.1',
    port,
  ).catch(async (error: unknown) => {
    await Promise.allSettled(functions.map((fn) => fn.close()));
    await stack.stop();
    throw error;
  });

  let stopping = false;
  const shutdown = async (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${reason}: stopping the server, PostgreSQL and dynalite, removing their data\n`);
    await Promise.allSettled([server.close(), ...functions.map((fn) => fn.close())]);
    await stack.stop();
    process.stderr.write('stopped\n');
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown('SIGINT', 0));
  process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
  stack.onEngineExit((what) => void shutdown(`${what} unexpectedly`, 1));

  const { postgres } = stack;
  const webhookUrl = `${server.url}${WEBHOOK_ROUTE.path}`;
  const body = JSON.stringify(samplePaymentEvent());
  const header = signatureHeader(body, stack.signingSecrets, Math.floor(Date.now() / 1000));
  process.stdout.write(
    [
      'payments-dr functions, local stack (dynalite + embedded PostgreSQL 14)',
      `  webhook:         POST ${webhookUrl}`,
      `  health:          GET  ${server.url}${HEALTH_ROUTE.path}`,
      `  PostgreSQL:      postgres://${postgres.user}:${postgres.password}@${postgres.host}:${postgres.port}/${stack.env.DB_NAME}`,
      `  DynamoDB:        ${stack.dynamodb.endpoint} (tables ${stack.env.SESSIONS_TABLE}, ` +
        `${stack.env.IDEMPOTENCY_TABLE}, ${stack.env.DR_STATE_TABLE}; any credentials, region us-east-1)`,
      `  signing secret:  ${LOCAL_SIGNING_SECRET}`,
      '',
      `A signed sample delivery (the signature is valid for ${config.signatureToleranceSeconds} s; run it twice to see "duplicate":true):`,
      `  curl -sS -X POST ${webhookUrl} -H 'content-type: application/json' -H '${SIGNATURE_HEADER}: ${header}' --data '${body}'`,
      'Sign your own events with openssl: functions/README.md, "Try it locally".',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run local failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
