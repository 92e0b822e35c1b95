/**
 * `npm run local`: the webhook and health handlers over HTTP on 127.0.0.1, backed by dynalite and
 * embedded PostgreSQL 14 in temporary directories. PORT picks the port (default 8787).
 * Ctrl-C (SIGINT) or SIGTERM stops everything and deletes the temporary data.
 */
import { createHealth } from '../functions/health/create-health';
import { HEALTH_ROUTE } from '../functions/health/check-health';
import { serveHandlers } from '../functions/local/http-server';
import { samplePaymentEvent } from '../functions/local/sample-event';
import { startLocalStack } from '../functions/local/stack';
import { loadConfig } from '../functions/shared/config';
import { lambdaHandler } from '../functions/shared/lambda';
import { createWebhook } from '../functions/webhook/create-webhook';
import { WEBHOOK_ROUTE } from '../functions/webhook/handle-webhook';
import { SIGNATURE_HEADER, signatureHeader } from '../functions/webhook/signature';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8787);
  const stack = await startLocalStack();
  const config = loadConfig(stack.env);
  const functions = [createWebhook(config), createHealth(config)];
  const [webhook, health] = functions;
  const server = await serveHandlers(
    { [WEBHOOK_ROUTE.path]: lambdaHandler(webhook), [HEALTH_ROUTE.path]: lambdaHandler(health) },
    '127.0.0.1',
    port,
  ).catch(async (error: unknown) => {
    await stack.stop();
    throw error;
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping\n`);
    await server.close();
    await Promise.allSettled(functions.map((fn) => fn.close()));
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const body = JSON.stringify(samplePaymentEvent());
  const header = signatureHeader(body, stack.signingSecrets, Math.floor(Date.now() / 1000));
  const secret = stack.signingSecrets[0];
  process.stdout.write(
    [
      `payments-dr functions on ${server.url} (dynalite ${stack.dynamodb.endpoint}, PostgreSQL 14 on port ${stack.postgres.port})`,
      `  health:  curl -sS ${server.url}${HEALTH_ROUTE.path}`,
      `  webhook (signature valid for ${config.signatureToleranceSeconds} s):`,
      `    curl -sS -X POST ${server.url}${WEBHOOK_ROUTE.path} -H 'content-type: application/json' -H '${SIGNATURE_HEADER}: ${header}' --data '${body}'`,
      `  sign your own body with the local signing secret:`,
      `    secret='${secret}'; body='${body}'; t=$(date +%s)`,
      `    sig=$(printf '%s.%s' "$t" "$body" | openssl dgst -sha256 -hmac "$secret" -r | cut -d' ' -f1)`,
      `    curl -sS -X POST ${server.url}${WEBHOOK_ROUTE.path} -H 'content-type: application/json' -H "${SIGNATURE_HEADER}: t=$t,v1=$sig" --data "$body"`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run local failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
