import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import type { HttpResponse } from '../shared/http';
import { errorResponse, NOT_FOUND } from '../shared/http';
import { localContext } from './lambda-context';

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<HttpResponse>;

/** Lambda's synchronous invocation payload limit. */
const MAX_REQUEST_BYTES = 6 * 1024 * 1024;
const INVOCATION_TIMEOUT_MS = 10_000;
/** API Gateway passes these as text; any other body arrives base64-encoded. */
const TEXT_CONTENT = /^(text\/|application\/(json|xml|x-www-form-urlencoded)\b)/i;

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves Lambda HTTP handlers like an API Gateway HTTP API (payload format 2.0, `$default`
 * stage): each request becomes an APIGatewayProxyEventV2 for the handler owning its path.
 */
export async function serveHandlers(routes: Record<string, LambdaHttpHandler>, host: string, port: number): Promise<LocalServer> {
  const server = createServer((request, response) => {
    respond(routes, request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : undefined);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(routes: Record<string, LambdaHttpHandler>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  if (!body) return refuseOversized(request, response);
  const path = new URL(request.url ?? '/', 'http://local').pathname.replace(/\/+$/, '');
  const handler = routes[path];
  const result = handler
    ? await handler(toApiGatewayEvent(request, body), localContext(`local${path.replace(/\//g, '-')}`, INVOCATION_TIMEOUT_MS))
    : errorResponse(NOT_FOUND);
  response.writeHead(result.statusCode, result.headers as Record<string, string>);
  response.end(result.body);
}

/** After a 413 the client may still be sending; the rest of the body is discarded for at most this long, then the socket is closed. */
export const OVERSIZED_DRAIN_MS = 1000;

/**
 * 413 and `Connection: close`, as API Gateway does: the unread rest of the body must never be
 * parsed (nor a request pipelined behind it), nor keep the connection open. Reading stopped when
 * the limit was crossed; the socket is half-closed once the answer is out (the client reads it,
 * then sees the end) and destroyed after OVERSIZED_DRAIN_MS at the latest.
 */
function refuseOversized(request: IncomingMessage, response: ServerResponse): void {
  const result = errorResponse({ statusCode: 413, code: 'payload_too_large', message: 'request exceeds the Lambda payload limit' });
  response.shouldKeepAlive = false;
  response.writeHead(413, { ...(result.headers as Record<string, string>), connection: 'close' });
  response.end(result.body, () => {
    const socket = request.socket;
    socket.end();
    setTimeout(() => socket.destroy(), OVERSIZED_DRAIN_MS).unref();
  });
}

/** The request body, or undefined as soon as it exceeds the payload limit (the rest is left unread, the socket paused). */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES) return void chunks.push(chunk);
      request.off('data', onData);
      request.off('end', onEnd);
      // stop reading the socket: nothing after this point may be parsed (a pipelined request included)
      request.pause();
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    request.on('data', onData);
    request.once('end', onEnd);
    request.once('error', reject);
  });
}

function toApiGatewayEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://local');
  const headers = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : (value ?? '')]),
  );
  const text = TEXT_CONTENT.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    body: body.length ? body.toString(text ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: body.length > 0 && !text,
  };
}

/**
 * Fails with a message that says what to do when `host:port` is taken, before anything expensive
 * (the engines) starts. Port 0 (any free port) is always free.
 */
export async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} on ${host} is already in use: stop what holds it, or pick another port, e.g. PORT=${port + 1} npm run local`
            : error.message,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}
