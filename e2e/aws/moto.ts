/**
 * moto's server (`moto[server]`, pinned in requirements-test.txt, installed in .build/venv) as a
 * supervised process of the AWS e2e: account 000000000000, every request recorded to a file, Lambda
 * invoke without Docker. moto_runner.py adds the one control route the run needs (switchover).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../engines/crds';
import { E2eError } from '../log';
import { type Supervisor, waitFor } from '../processes';
import { type AwsCall, readCalls } from './aws-calls';

/** The account moto answers as; the provider's ProviderConfig skips credential validation. */
export const MOTO_ACCOUNT_ID = '000000000000';
/** Any name resolves to 127.0.0.1 through the loopback resolver; this one is the provider's moto. */
const MOTO_HOST = 'moto.e2e.internal';
const PYTHON = process.env.MOTO_PYTHON ?? path.join(REPO_ROOT, '.build', 'venv', 'bin', 'python');

export interface MotoPorts {
  readonly api: number;
  readonly control: number;
}

export class Moto {
  readonly endpoint: string;
  /**
   * The endpoint the provider is given. With the loopback resolver it is a host name: the AWS SDK
   * puts the account id in front of the S3 Control host, and Go's resolver refuses a name that
   * ends like an IP address (000000000000.127.0.0.1).
   */
  readonly providerEndpoint: string;
  /** moto_runner.py's own routes (switchover, inventory). */
  readonly controlEndpoint: string;
  readonly recording: string;
  private readFrom = 0;

  private constructor(ports: MotoPorts, workDir: string, dns?: string) {
    this.endpoint = `http://127.0.0.1:${ports.api}`;
    this.providerEndpoint = dns ? `http://${MOTO_HOST}:${ports.api}` : this.endpoint;
    this.controlEndpoint = `http://127.0.0.1:${ports.control}`;
    this.recording = path.join(workDir, 'moto-requests.jsonl');
  }

  /** `dns`: an address[:port] where every A query is answered with 127.0.0.1 (see moto_runner.py). */
  static async start(supervisor: Supervisor, ports: MotoPorts, workDir: string, dns?: string): Promise<Moto> {
    if (!fs.existsSync(PYTHON))
      throw new E2eError(
        'moto is not installed: python3.11 -m venv .build/venv && ' +
          '.build/venv/bin/pip install -r requirements-test.txt (or set MOTO_PYTHON)',
      );
    const moto = new Moto(ports, workDir, dns);
    supervisor.start(
      'moto',
      PYTHON,
      [path.join(__dirname, 'moto_runner.py'), String(ports.api), String(ports.control), ...(dns ? [dns] : [])],
      {
        MOTO_ACCOUNT_ID,
        // The provider's host name is moto's endpoint, not a bucket's virtual host.
        MOTO_S3_CUSTOM_ENDPOINTS: `${moto.endpoint},${moto.providerEndpoint}`,
        MOTO_ENABLE_RECORDING: 'True',
        MOTO_RECORDER_FILEPATH: moto.recording,
        MOTO_ACM_VALIDATION_WAIT: '1',
        MOTO_IAM_LOAD_MANAGED_POLICIES: 'true',
        AWS_DEFAULT_REGION: 'us-east-1',
      },
    );
    await waitFor(
      `moto on ${moto.endpoint}`,
      30_000,
      async () => (await fetch(`${moto.endpoint}/moto-api/`, { signal: AbortSignal.timeout(5000) })).ok,
      supervisor,
      200,
    );
    // Lambda's Invoke runs the function in Docker unless told not to; there is no Docker here.
    await moto.post('/moto-api/config', { lambda: { use_docker: false }, batch: { use_docker: false } });
    return moto;
  }

  private async post(route: string, body: unknown, base = this.endpoint): Promise<unknown> {
    const response = await fetch(`${base}${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new E2eError(`moto ${route} answered ${response.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** Every AWS call recorded since the last call of this method. */
  takeCalls(): AwsCall[] {
    const { calls, end } = readCalls(this.recording, this.readFrom);
    this.readFrom = end;
    return calls;
  }

  /** A public hosted zone with the id the claims name (one the account has before the platform). */
  existingHostedZone(id: string, name: string): Promise<unknown> {
    return this.post('/hosted-zone', { id, name }, this.controlEndpoint);
  }

  /** Makes `writerRegion`'s member the writer of the global cluster, as a switchover leaves AWS. */
  switchover(globalClusterIdentifier: string, writerRegion: string): Promise<unknown> {
    return this.post('/switchover', { globalClusterIdentifier, writerRegion }, this.controlEndpoint);
  }
}
