/**
 * kube-controller-manager running ONLY the garbage collector and the namespace controller.
 * Crossplane deletes an XR's composed resources through their owner references, i.e. through
 * Kubernetes' garbage collector: without it nothing composed is ever deleted.
 */
import * as https from 'node:https';
import { type Supervisor, waitFor } from './processes';

export async function startControllerManager(
  supervisor: Supervisor,
  binary: string,
  kubeconfig: string,
  port: number,
  certDir: string,
): Promise<void> {
  supervisor.start('kube-controller-manager', binary, [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    '--controllers=garbage-collector-controller,namespace-controller',
    '--leader-elect=false',
    '--use-service-account-credentials=false',
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${certDir}`,
  ]);
  await waitFor(
    'kube-controller-manager /healthz',
    120_000,
    () => healthz(port),
    supervisor,
    250,
    `see ${supervisor.logFile('kube-controller-manager')}`,
  );
}

function healthz(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    // Its serving certificate is self-signed (generated into --cert-dir): only liveness is read here.
    https
      .get({ host: '127.0.0.1', port, path: '/healthz', rejectUnauthorized: false, timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false));
  });
}
