import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { InvocationClock } from '../../../functions/shared/lambda';
import { SIGNATURE_HEADER, signatureHeader } from '../../../functions/webhook/signature';

let requestCounter = 0;

/** An API Gateway HTTP API (payload 2.0, `$default` stage) request event. */
export function apiGatewayEvent(options: {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  isBase64Encoded?: boolean;
}): APIGatewayProxyEventV2 {
  requestCounter += 1;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: options.path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...options.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'test',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method: options.method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'jest' },
      requestId: `req-${requestCounter}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: options.body,
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}

/** POST /webhooks/payments with the body signed by `secrets` (timestamp defaults to now). */
export function signedWebhookRequest(
  body: string,
  secrets: readonly string[],
  options: { timestamp?: number; base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return apiGatewayEvent({
    method: 'POST',
    path: '/webhooks/payments',
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64,
    headers: { [SIGNATURE_HEADER]: signatureHeader(body, secrets, timestamp) },
  });
}

/** A Lambda invocation with `remainingMs` left (default: all of the functions' 10 s timeout). */
export function invocation(remainingMs = 10_000): InvocationClock {
  const deadline = Date.now() + remainingMs;
  return { getRemainingTimeInMillis: () => deadline - Date.now() };
}

export function errorCode(response: { body: string }): string {
  return (JSON.parse(response.body) as { error: { code: string } }).error.code;
}
