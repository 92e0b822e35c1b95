import { execFileSync } from 'node:child_process';
import { DescribeDBClustersCommand, DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import { createHealth } from '../../functions/health/create-health';
import type { LocalStack } from '../../functions/local/stack';
import { startLocalStack } from '../../functions/local/stack';
import { samplePaymentEvent } from '../../functions/local/sample-event';
import type { Config } from '../../functions/shared/config';
import type { RdsApi } from '../../functions/shared/endpoints';
import type { HttpFunction } from '../../functions/shared/lambda';
import { createWebhook } from '../../functions/webhook/create-webhook';
import { captureOutput } from '../support/functions/captured-output';
import { EngineInspector, stackConfig } from '../support/functions/engines';
import type { Moto } from '../support/functions/moto';
import { startMoto } from '../support/functions/moto';
import type { MotoAurora } from '../support/functions/moto-fixtures';
import { motoAurora, motoSecrets } from '../support/functions/moto-fixtures';
import { apiGatewayEvent, errorCode, invocation, signedWebhookRequest } from '../support/functions/requests';
import type { TestCa } from '../support/functions/tls-certs';
import { testCa } from '../support/functions/tls-certs';

/**
 * TLS to the database, verified, never `rejectUnauthorized: false`. Embedded PostgreSQL 14 serves
 * a certificate shaped like Aurora's — CN the instance endpoint, SANs the instance, cluster and
 * cluster reader endpoints, issued by a CA the functions are given (in Lambda: the runtime's Amazon
 * CA bundle) — and deliberately NOT naming the global writer endpoint, the case AWS does not
 * document. The names come from moto's RDS (DescribeGlobalClusters / DescribeDBClusters); the TCP
 * connection goes to 127.0.0.1 (DB_CONNECT_ADDRESS, local only) since those names are not in DNS.
 */
describe("TLS to Aurora, verified against the writer cluster's names (embedded PostgreSQL 14 with TLS, RDS on moto)", () => {
  let moto: Moto;
  let aurora: MotoAurora;
  let ca: TestCa;
  let stack: LocalStack;
  let engines: EngineInspector;
  let secretsManager: Awaited<ReturnType<typeof motoSecrets>>;
  let output: ReturnType<typeof captureOutput>;
  let config: Config;
  let certificateNames: string[];
  const opened: HttpFunction[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    aurora = await motoAurora(moto);
    ca = testCa();
    const east = aurora.clusterEndpoints['us-east-1'];
    const instance = east.writer.replace('.cluster-', '-instance-1.');
    certificateNames = [instance, east.writer, east.reader];
    stack = await startLocalStack({ postgresTls: ca.issue(certificateNames) });
    engines = new EngineInspector(stack);
    secretsManager = await motoSecrets(moto, stack.secrets);
    output = captureOutput();
    config = {
      ...stackConfig(stack),
      dbWriter: { kind: 'global-writer', globalClusterId: aurora.globalClusterId },
      dbLocal: { kind: 'regional-reader', clusterId: 'aurora-use1-dev' },
      dbTls: true,
      dbTlsCaFile: ca.caFile,
      dbConnectAddress: '127.0.0.1',
    };
  });

  afterAll(async () => {
    output?.restore();
    engines?.close();
    secretsManager?.destroy();
    await Promise.all(opened.map((fn) => fn.close()));
    aurora?.close();
    ca?.close();
    await Promise.all([stack?.stop(), moto?.stop()]);
  });

  const webhookWith = (overrides: Partial<Config>, rds: (region: string) => RdsApi = (region) => aurora.rds(region)) => {
    const fn = createWebhook({ ...config, ...overrides }, { secretsManager, rds });
    opened.push(fn);
    return fn;
  };
  const deliver = (fn: HttpFunction, event = samplePaymentEvent()) =>
    fn.handle(signedWebhookRequest(JSON.stringify(event), stack.signingSecrets), invocation());

  test(
    'the webhook connects through the global writer endpoint over verified ' +
      'TLS: the certificate names the writer cluster, not the global endpoint',
    async () => {
      expect(certificateNames).not.toContain(aurora.globalEndpoint);
      const event = samplePaymentEvent();

      const response = await deliver(webhookWith({}), event);

      expect(response.statusCode).toBe(200);
      expect(await engines.paymentEventRows(event.id)).toHaveLength(1);
      // the server saw an encrypted session from the webhook's pool
      const sessions = await engines.query(
        "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.application_name = 'payments-webhook-use1'",
      );
      expect(sessions.length).toBeGreaterThan(0);
      expect(sessions.every((session) => session.ssl === true)).toBe(true);
    },
  );

  test("health connects to this region's cluster reader endpoint over verified TLS", async () => {
    const health = createHealth(config, { secretsManager, rds: (region) => aurora.rds(region) });
    opened.push(health);
    const response = await health.handle(apiGatewayEvent({ method: 'GET', path: '/health' }), invocation(3000));
    expect(JSON.parse(response.body).checks.find((check: { name: string }) => check.name === 'database')).toMatchObject({ ok: true });
  });

  test('a certificate for other names (same CA) is refused: 503, and the log names the mismatch', async () => {
    const response = await deliver(webhookWith({ dbWriter: { kind: 'fixed', host: 'payments.attacker.example' } }));

    expect(response.statusCode).toBe(503);
    expect(errorCode(response)).toBe('dependency_unavailable');
    const line = output
      .lines()
      .reverse()
      .find((entry) => entry.message === 'webhook failed');
    expect(JSON.stringify(line?.error)).toContain('is valid for none of payments.attacker.example');
  });

  test('a certificate from a CA the function does not trust is refused: 503', async () => {
    const stranger = testCa('Some Other CA');
    try {
      const response = await deliver(webhookWith({ dbTlsCaFile: stranger.caFile }));
      expect(response.statusCode).toBe(503);
      expect(
        JSON.stringify(
          output
            .lines()
            .reverse()
            .find((entry) => entry.message === 'webhook failed')?.error,
        ),
      ).toMatch(/self[- ]signed|unable to (get|verify)|UNABLE_TO_VERIFY/i);
    } finally {
      stranger.close();
    }
  });

  test(
    '(mock RDS: moto cannot fail a global cluster over) after a failover the certificate names another ' +
      'cluster: that connection is refused, the writer is looked up again, the next delivery succeeds',
    async () => {
      let writer = 'us-west-2';
      const describes: string[] = [];
      const east = aurora.clusterEndpoints['us-east-1'];
      const west = aurora.clusterEndpoints['us-west-2'];
      // a stale view first (the writer in us-west-2), then the real one
      const mockRds = (region: string): RdsApi => ({
        send: async (command) => {
          describes.push(`${region} ${command.constructor.name}`);
          if (command instanceof DescribeGlobalClustersCommand) {
            return {
              GlobalClusters: [
                {
                  Endpoint: aurora.globalEndpoint,
                  GlobalClusterMembers: [
                    { DBClusterArn: east.arn, IsWriter: writer === 'us-east-1' },
                    { DBClusterArn: west.arn, IsWriter: writer === 'us-west-2' },
                  ],
                },
              ],
            };
          }
          if (command instanceof DescribeDBClustersCommand)
            return {
              DBClusters: [
                region === 'us-east-1'
                  ? { Endpoint: east.writer, ReaderEndpoint: east.reader }
                  : { Endpoint: west.writer, ReaderEndpoint: west.reader },
              ],
            };
          throw new Error('unexpected command');
        },
      });
      const fn = webhookWith({}, mockRds);

      expect((await deliver(fn)).statusCode).toBe(503);
      writer = 'us-east-1';
      expect((await deliver(fn)).statusCode).toBe(200);
      expect(describes).toEqual([
        'us-east-1 DescribeGlobalClustersCommand',
        'us-west-2 DescribeDBClustersCommand',
        'us-east-1 DescribeGlobalClustersCommand',
        'us-east-1 DescribeDBClustersCommand',
      ]);
    },
  );

  test(
    "the operator's check works as documented: openssl s_client -starttls postgres " +
      'verifies the cluster endpoint name, and shows whether the global name is covered',
    () => {
      const check = (name: string) =>
        execFileSync(
          'sh',
          [
            '-c',
            `openssl s_client -starttls postgres -connect 127.0.0.1:${stack.postgres.port} ` +
              `-servername ${name} -verify_hostname ${name} -CAfile ${ca.caFile} </dev/null 2>&1; true`,
          ],
          { encoding: 'utf8', timeout: 10_000 },
        );
      const cluster = check(aurora.clusterEndpoints['us-east-1'].writer);
      expect(cluster).toContain('Verify return code: 0 (ok)');
      const global = check(aurora.globalEndpoint);
      expect(global).toContain('Verify return code: 62 (hostname mismatch)');
    },
  );
});
