import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * 200 ready; 503 not ready (failing database); `ready-standby`: 503 ready but out of rotation (the PRIMARY record's
 * region, not active); `hang`: no answer.
 */
export type HealthAnswer = 200 | 503 | 'ready-standby' | 'hang';

/**
 * A region's /health over real HTTP on 127.0.0.1: answers like functions/health (200 ok, 503 naming
 * a failing check) or never answers (`hang`, a blackholed region). `answers` are served in order,
 * the last one repeating; `requests` counts the GETs.
 */
export interface HealthServer {
  url: string;
  requests: number;
  answer(...answers: HealthAnswer[]): void;
  close(): Promise<void>;
}

export async function startHealthServer(region: string): Promise<HealthServer> {
  let queue: HealthAnswer[] = [200];
  const state = { requests: 0 };
  const server: Server = createServer((_request, response) => {
    state.requests += 1;
    const answer = queue.length > 1 ? (queue.shift() as HealthAnswer) : queue[0];
    if (answer === 'hang') return; // the socket stays open; the caller's timeout must end it
    const body =
      answer === 200
        ? { status: 'ok', ready: true, failing: [] }
        : answer === 'ready-standby'
          ? { status: 'standby', ready: true, failing: ['active_region'] }
          : { status: 'unavailable', ready: false, failing: ['database'] };
    response.writeHead(answer === 200 ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ...body, region, checks: [], latencyMs: 1 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    get requests() {
      return state.requests;
    },
    answer(...answers) {
      queue = answers;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A URL on which nothing listens (connection refused). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/health`;
}
