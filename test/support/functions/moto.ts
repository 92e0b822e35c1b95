import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports';

/**
 * moto's server mode (`moto[server]`, pinned in requirements-test.txt, installed in .build/venv by
 * .ci/run) on 127.0.0.1 and a free port: the real AWS query/JSON protocols for the control-plane
 * APIs it implements — RDS DescribeGlobalClusters / DescribeDBClusters, CloudWatch PutMetricData /
 * GetMetricData, SNS, SQS, Secrets Manager (with replica regions). What moto lacks (RDS
 * FailoverGlobalCluster, SwitchoverGlobalCluster, FailoverState, SynchronizationStatus) stays a mock,
 * named so in the tests. One server holds every region; a client picks its region as in AWS.
 */
export interface Moto {
  endpoint: string;
  /** SDK client options for `region` against this server (dummy credentials, bounded timeouts). */
  client(region: string): {
    region: string;
    endpoint: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
    maxAttempts: number;
    requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: boolean };
  };
  /** Forgets every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  /** SIGSTOP / SIGCONT: the port stays open, nothing is answered (a hung AWS endpoint). */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export const ACCOUNT_ID = '123456789012';
const REPOSITORY = path.resolve(__dirname, '..', '..', '..');
const PYTHON = process.env.MOTO_PYTHON ?? path.join(REPOSITORY, '.build', 'venv', 'bin', 'python');

/** Runs moto's server and exits when its parent (the jest worker) goes away, so no server outlives a test run. */
const RUNNER = `
import os, sys, threading, time
parent = os.getppid()
def watch():
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
from moto.server import main
main(sys.argv[1:])
`;

export async function startMoto(): Promise<Moto> {
  if (!existsSync(PYTHON)) {
    throw new Error(
      `moto is not installed: run  python3.11 -m venv .build/venv && ` +
        `.build/venv/bin/pip install -r requirements-test.txt  (or set MOTO_PYTHON)`,
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const stderr: string[] = [];
  const child: ChildProcess = spawn(PYTHON, ['-c', RUNNER, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, MOTO_ACCOUNT_ID: ACCOUNT_ID, AWS_DEFAULT_REGION: 'us-east-1' },
  });
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  };
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited (code ${child.exitCode}): ${stderr.join('').slice(-2000)}`);
    try {
      if ((await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto did not answer on ${endpoint} within 20 s: ${stderr.join('').slice(-2000)}`);
    }
    await sleep(50);
  }
  return {
    endpoint,
    client: (region) => ({
      region,
      endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true },
    }),
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    pause: () => void (child.pid && process.kill(child.pid, 'SIGSTOP')),
    resume: () => void (child.pid && process.kill(child.pid, 'SIGCONT')),
    stop,
  };
}
