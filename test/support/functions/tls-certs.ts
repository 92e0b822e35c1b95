import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway certificate authority (openssl CLI) that issues server certificates, like the RDS CA issues Aurora's. */
export interface TestCa {
  caFile: string;
  caPem: string;
  /** A server certificate for `names` (SAN = all; CN = the first when it fits X.509's 64 characters), signed by this CA. */
  issue(names: string[]): { certPem: string; keyPem: string };
  close(): void;
}

export function testCa(commonName = 'Test RDS Root CA'): TestCa {
  const directory = mkdtempSync(path.join(tmpdir(), 'payments-dr-ca-'));
  const file = (name: string) => path.join(directory, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${commonName}`,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  let serial = 0;
  return {
    caFile: file('ca.pem'),
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    issue(names) {
      const id = `server${(serial += 1)}`;
      writeFileSync(file(`${id}.ext`), `subjectAltName=${names.map((name) => `DNS:${name}`).join(',')}\nextendedKeyUsage=serverAuth\n`);
      const commonName = names[0].length <= 64 ? names[0] : 'Amazon RDS test instance';
      openssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        `/CN=${commonName}`,
        '-keyout',
        file(`${id}.key`),
        '-out',
        file(`${id}.csr`),
      );
      openssl(
        'x509',
        '-req',
        '-in',
        file(`${id}.csr`),
        '-CA',
        file('ca.pem'),
        '-CAkey',
        file('ca.key'),
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        file(`${id}.ext`),
        '-out',
        file(`${id}.crt`),
      );
      return { certPem: readFileSync(file(`${id}.crt`), 'utf8'), keyPem: readFileSync(file(`${id}.key`), 'utf8') };
    },
    close: () => rmSync(directory, { recursive: true, force: true }),
  };
}
