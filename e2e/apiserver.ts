/**
 * kube-apiserver with envtest-like minimal flags, on 127.0.0.1 only: client-certificate
 * authentication, RBAC authorization (so `kubectl auth can-i` answers from the project's own
 * ClusterRole/Binding; the e2e's admin is in system:masters), a service-account key pair (the
 * server requires one), no endpoint reconciler (nothing can reach a loopback "kubernetes"
 * Service anyway) and no priority-and-fairness (one client, two cores).
 */
import type { Kube } from './kube';
import type { Pki } from './pki';
import { type Supervisor, waitFor } from './processes';

export async function startApiServer(
  supervisor: Supervisor,
  binary: string,
  pki: Pki,
  etcd: string,
  port: number,
  kube: Kube,
): Promise<void> {
  supervisor.start('kube-apiserver', binary, [
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${port}`,
    `--etcd-servers=${etcd}`,
    `--tls-cert-file=${pki.apiserver.crt}`,
    `--tls-private-key-file=${pki.apiserver.key}`,
    `--client-ca-file=${pki.ca.crt}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=https://127.0.0.1:${port}`,
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-cluster-ip-range=10.96.0.0/24',
    '--endpoint-reconciler-type=none',
    '--enable-priority-and-fairness=false',
    '--profiling=false',
    `--cert-dir=${pki.dir}`,
  ]);
  await waitFor(
    'kube-apiserver /readyz',
    120_000,
    async () => (await kube.request('GET', '/readyz')).status === 200,
    supervisor,
    200,
    `see ${supervisor.logFile('kube-apiserver')}`,
  );
}
