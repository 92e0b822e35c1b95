/**
 * Certificates for the scratch API server, made with openssl: a CA, a serving certificate for
 * 127.0.0.1 and a client certificate in group system:masters (without a remote authorizer only
 * system:masters is authorized). EC P-256 keys: quick to make, valid for one day.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineError } from './errors';

export interface Pki {
  readonly dir: string;
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd }, (error, _out, stderr) => {
      if (!error) return resolve();
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new EngineError(
          'openssl',
          missing
            ? 'openssl is not installed; install it (apt-get install openssl)'
            : `openssl ${args[0]} failed: ${stderr.trim().split('\n')[0]}`,
        ),
      );
    });
  });
}

export async function makePki(dir: string): Promise<Pki> {
  fs.mkdirSync(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(['req', '-x509', ...ec, '-days', '1', '-subj', '/CN=payments-dr-engines-ca', '-keyout', 'ca.key', '-out', 'ca.crt'], dir);
  fs.writeFileSync(path.join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  fs.writeFileSync(path.join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  await Promise.all([
    openssl(['req', ...ec, '-subj', '/CN=127.0.0.1', '-keyout', 'server.key', '-out', 'server.csr'], dir),
    openssl(['req', ...ec, '-subj', '/O=system:masters/CN=payments-dr-engines', '-keyout', 'client.key', '-out', 'client.csr'], dir),
  ]);
  const sign = (name: string, serial: string) =>
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-set_serial',
        serial,
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.crt`,
      ],
      dir,
    );
  await Promise.all([sign('server', '1'), sign('client', '2')]);
  const at = (name: string) => path.join(dir, name);
  return {
    dir,
    caCert: at('ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
  };
}
