/**
 * Certificates of the local control plane, made with openssl (P-256 keys: fast to generate).
 * One CA signs the API server's serving certificate, the client certificates every component
 * authenticates with, and Crossplane's webhook serving certificate. The functions' serving
 * certificates are signed by Crossplane's own root CA instead (`core init` makes it, as in a
 * cluster), because Crossplane verifies functions and functions verify Crossplane with it.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { E2eError } from './log';

export interface KeyPair {
  readonly crt: string;
  readonly key: string;
}

export interface Pki {
  readonly dir: string;
  readonly ca: KeyPair;
  readonly apiserver: KeyPair;
  /** O=system:masters: what the e2e itself (and kubectl) uses. */
  readonly admin: KeyPair;
  /** Crossplane core's identity towards the API server. */
  readonly crossplane: KeyPair;
  /** kube-controller-manager's identity (garbage collector). */
  readonly controllerManager: KeyPair;
  /** Crossplane core's webhook server (the API server calls https://127.0.0.1:<port>). */
  readonly webhook: KeyPair;
  /** Service-account token signing key pair (the API server requires one). */
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new E2eError('openssl is needed to make the test certificates: install it (apt-get install openssl)');
    const stderr = String((error as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')[0];
    throw new E2eError(`openssl ${args[0]} failed in ${cwd}: ${stderr}`);
  }
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * A key and certificate `name` signed by `ca`. `subject` is an openssl -subj string;
 * `ips`/`dns` become subjectAltNames (server certificates), `usage` the extended key usage.
 */
export function issue(
  dir: string,
  ca: KeyPair,
  name: string,
  subject: string,
  usage: 'serverAuth' | 'clientAuth',
  ips: string[] = [],
  dns: string[] = [],
): KeyPair {
  fs.mkdirSync(dir, { recursive: true });
  const sans = [...ips.map((ip) => `IP:${ip}`), ...dns.map((d) => `DNS:${d}`)];
  const ext = [`extendedKeyUsage=${usage}`, 'keyUsage=critical,digitalSignature,keyEncipherment', 'basicConstraints=CA:FALSE'];
  if (sans.length) ext.push(`subjectAltName=${sans.join(',')}`);
  fs.writeFileSync(path.join(dir, `${name}.ext`), `${ext.join('\n')}\n`);
  openssl(dir, ['req', ...EC_KEY, '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    ca.crt,
    '-CAkey',
    ca.key,
    '-set_serial',
    `0x${randomBytes(12).toString('hex')}`,
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.crt`,
  ]);
  return { crt: path.join(dir, `${name}.crt`), key: path.join(dir, `${name}.key`) };
}

export function makePki(dir: string): Pki {
  fs.mkdirSync(dir, { recursive: true });
  openssl(dir, ['req', '-x509', ...EC_KEY, '-days', '2', '-subj', '/CN=payments-dr-e2e-ca', '-keyout', 'ca.key', '-out', 'ca.crt']);
  const ca = { crt: path.join(dir, 'ca.crt'), key: path.join(dir, 'ca.key') };
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'service-account.key']);
  openssl(dir, ['pkey', '-in', 'service-account.key', '-pubout', '-out', 'service-account.pub']);
  return {
    dir,
    ca,
    apiserver: issue(
      dir,
      ca,
      'kube-apiserver',
      '/CN=kube-apiserver',
      'serverAuth',
      ['127.0.0.1'],
      ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'],
    ),
    admin: issue(dir, ca, 'admin', '/O=system:masters/CN=payments-dr-e2e-admin', 'clientAuth'),
    crossplane: issue(dir, ca, 'crossplane', '/O=system:masters/CN=crossplane', 'clientAuth'),
    controllerManager: issue(dir, ca, 'kube-controller-manager', '/O=system:masters/CN=system:kube-controller-manager', 'clientAuth'),
    webhook: issue(
      dir,
      ca,
      'crossplane-webhook',
      '/CN=crossplane-webhooks.crossplane-system.svc',
      'serverAuth',
      ['127.0.0.1'],
      ['crossplane-webhooks.crossplane-system.svc'],
    ),
    serviceAccountKey: path.join(dir, 'service-account.key'),
    serviceAccountPub: path.join(dir, 'service-account.pub'),
  };
}

/** A kubeconfig for `user` at `server`, certificates embedded by path. */
export function writeKubeconfig(file: string, server: string, ca: string, user: KeyPair, userName: string): string {
  fs.writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: payments-dr-e2e',
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority: ${ca}`,
      'users:',
      `- name: ${userName}`,
      '  user:',
      `    client-certificate: ${user.crt}`,
      `    client-key: ${user.key}`,
      'contexts:',
      '- name: payments-dr-e2e',
      '  context:',
      '    cluster: payments-dr-e2e',
      `    user: ${userName}`,
      '    namespace: payments-dr',
      'current-context: payments-dr-e2e',
      '',
    ].join('\n'),
  );
  return file;
}
