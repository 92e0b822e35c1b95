/** etcd 3.6 on loopback (client and peer), no fsync (test data), metrics off. */
import * as http from 'node:http';
import * as path from 'node:path';
import { type Supervisor, waitFor } from './processes';

export async function startEtcd(
  supervisor: Supervisor,
  binary: string,
  dataRoot: string,
  clientPort: number,
  peerPort: number,
): Promise<string> {
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  supervisor.start('etcd', binary, [
    '--name',
    'e2e',
    '--data-dir',
    path.join(dataRoot, 'etcd'),
    '--listen-client-urls',
    client,
    '--advertise-client-urls',
    client,
    '--listen-peer-urls',
    peer,
    '--initial-advertise-peer-urls',
    peer,
    '--initial-cluster',
    `e2e=${peer}`,
    '--listen-metrics-urls',
    '',
    '--unsafe-no-fsync',
    '--log-level',
    'warn',
  ]);
  await waitFor('etcd /health', 60_000, () => healthy(`${client}/health`), supervisor, 100);
  return client;
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get(url, { timeout: 2000 }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(res.statusCode === 200 && body.includes('"health":"true"')));
      })
      .on('error', () => resolve(false));
  });
}
