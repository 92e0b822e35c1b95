import { parseDbCredentials } from '../../functions/shared/database';
import { ConfigError, loadConfig, loadWebhookConfig } from '../../functions/shared/config';
import { loadControllerConfig } from '../../functions/failover-controller/config';
import type { Environment } from '../../functions/shared/config';
import { EXAMPLE_ENVIRONMENT } from '../../functions/local/example-environment';
import { CONTROLLER_ENVIRONMENT as CONTROLLER } from '../support/functions/controller-environment';

/** The example configuration moved to us-west-2, as the secondary region's functions get it. */
const VALID: Environment = {
  ...EXAMPLE_ENVIRONMENT,
  AWS_REGION: 'us-west-2',
  REGION_SUFFIX: 'usw2',
  DB_LOCAL_ENDPOINT: 'aurora-usw2-dev.cluster-abcdef.us-west-2.rds.amazonaws.com',
};

/** The ConfigError message of loading `env` (each function has its loader). */
function problemsOf(env: Environment, load: (env: Environment) => unknown = loadConfig): string {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration from environment variables', () => {
  test('a complete environment gives the regional configuration with defaults', () => {
    expect(loadConfig(VALID)).toMatchObject({
      region: 'us-west-2',
      regionSuffix: 'usw2',
      dbLocal: { kind: 'fixed', host: VALID.DB_LOCAL_ENDPOINT },
      dbPort: 5432,
      logLevel: 'INFO',
      signatureToleranceSeconds: 300,
      dbTls: true,
    });
  });

  const ENDPOINT_VARIABLES = ['DB_WRITER_ENDPOINT', 'DB_LOCAL_ENDPOINT'];

  test.each(Object.keys(VALID).filter((v) => !ENDPOINT_VARIABLES.includes(v)))('a missing %s is an error naming it', (variable) => {
    expect(problemsOf({ ...VALID, [variable]: undefined })).toContain(`${variable} is required`);
  });

  test("in AWS the cluster ids replace fixed endpoints: writer from the global cluster, local from this region's cluster", () => {
    const config = loadConfig({
      ...VALID,
      DB_WRITER_ENDPOINT: undefined,
      DB_LOCAL_ENDPOINT: undefined,
      GLOBAL_CLUSTER_ID: 'aurora-global-use1-dev',
      LOCAL_CLUSTER_ID: 'aurora-usw2-dev',
    });
    expect(config.dbWriter).toEqual({ kind: 'global-writer', globalClusterId: 'aurora-global-use1-dev' });
    expect(config.dbLocal).toEqual({ kind: 'regional-reader', clusterId: 'aurora-usw2-dev' });
  });

  test('without an endpoint or a cluster id the error names both variables', () => {
    const message = problemsOf({ ...VALID, DB_WRITER_ENDPOINT: undefined, DB_LOCAL_ENDPOINT: undefined });
    expect(message).toContain('DB_WRITER_ENDPOINT/GLOBAL_CLUSTER_ID one of them is required');
    expect(message).toContain('DB_LOCAL_ENDPOINT/LOCAL_CLUSTER_ID one of them is required');
  });

  test('every problem is reported at once', () => {
    const message = problemsOf({ ...VALID, SESSIONS_TABLE: '', DB_PORT: 'five' });
    expect(message).toContain('SESSIONS_TABLE is required');
    expect(message).toContain('DB_PORT must be an integer');
  });

  test('a region outside the pair, or a suffix of the other region, is refused', () => {
    expect(problemsOf({ ...VALID, AWS_REGION: 'eu-west-1' })).toContain('AWS_REGION must be one of us-east-1, us-west-2');
    expect(problemsOf({ ...VALID, REGION_SUFFIX: 'use1' })).toContain('REGION_SUFFIX must be usw2 in us-west-2');
  });

  test('a secret ARN from the other region is refused (health must read the local replica)', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-db-dev-AbCdEf';
    expect(problemsOf({ ...VALID, DB_SECRET_ID: arn })).toContain('DB_SECRET_ID is an ARN in us-east-1, not in us-west-2');
  });

  test('local-only overrides are accepted locally and refused inside Lambda', () => {
    const local = {
      ...VALID,
      SECRETS_FILE: '/tmp/secrets.json',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567',
      DB_TLS: 'disable',
      DB_TLS_CA_FILE: '/tmp/ca.pem',
      DB_CONNECT_ADDRESS: '127.0.0.1',
    };
    expect(loadConfig(local)).toMatchObject({
      secretsFile: '/tmp/secrets.json',
      dbTls: false,
      dbTlsCaFile: '/tmp/ca.pem',
      dbConnectAddress: '127.0.0.1',
    });

    const message = problemsOf({ ...local, AWS_LAMBDA_FUNCTION_NAME: 'lambda-webhook-usw2-dev' });
    for (const variable of ['SECRETS_FILE', 'DYNAMODB_ENDPOINT', 'DB_TLS', 'DB_TLS_CA_FILE', 'DB_CONNECT_ADDRESS']) {
      expect(message).toContain(`${variable} is for local use only and is refused when running in Lambda`);
    }
  });
});

describe('the DR state table', () => {
  test('webhook and health both require DR_STATE_TABLE: the webhook is fenced by it, /health follows it', () => {
    const withoutTable = { ...VALID, DR_STATE_TABLE: undefined };
    expect(problemsOf(withoutTable, loadWebhookConfig)).toBe('invalid configuration: DR_STATE_TABLE is required');
    expect(problemsOf(withoutTable, loadConfig)).toBe('invalid configuration: DR_STATE_TABLE is required');
    expect(loadWebhookConfig(VALID).drStateTable).toBe('dr-state-use1-dev');
  });

  test('DB_CONNECT_ADDRESS must be an IP address', () => {
    expect(problemsOf({ ...VALID, DB_CONNECT_ADDRESS: 'localhost' })).toContain('DB_CONNECT_ADDRESS must be an IP address');
  });
});

describe('failover controller configuration', () => {
  const controllerProblems = (env: Environment) => problemsOf(env, loadControllerConfig);

  test('defaults: automatic failover off, 3 failed minutes, 1000 ms lag threshold', () => {
    expect(loadControllerConfig(CONTROLLER)).toMatchObject({
      region: 'us-west-2',
      localClusterId: 'aurora-usw2-dev',
      autoFailoverEnabled: false,
      failedMinutesBeforePromotion: 3,
      replicationLagThresholdMs: 1000,
      logLevel: 'INFO',
    });
  });

  test.each(Object.keys(CONTROLLER))('a missing %s is an error naming it', (variable) => {
    expect(controllerProblems({ ...CONTROLLER, [variable]: undefined })).toContain(`${variable} is required`);
  });

  test('the flag and thresholds are parsed strictly', () => {
    expect(
      loadControllerConfig({
        ...CONTROLLER,
        AUTO_FAILOVER_ENABLED: 'TRUE',
        FAILED_MINUTES_BEFORE_PROMOTION: '5',
        REPLICATION_LAG_THRESHOLD_MS: '2500',
      }),
    ).toMatchObject({
      autoFailoverEnabled: true,
      failedMinutesBeforePromotion: 5,
      replicationLagThresholdMs: 2500,
    });
    const message = controllerProblems({
      ...CONTROLLER,
      AUTO_FAILOVER_ENABLED: 'yes',
      FAILED_MINUTES_BEFORE_PROMOTION: '0',
      REPLICATION_LAG_THRESHOLD_MS: 'fast',
    });
    expect(message).toContain('AUTO_FAILOVER_ENABLED must be one of true, false (got "yes")');
    expect(message).toContain('FAILED_MINUTES_BEFORE_PROMOTION must be an integer from 1 to 60');
    expect(message).toContain('REPLICATION_LAG_THRESHOLD_MS must be an integer');
  });

  test('nothing may point at the other region: the alert topic, the local cluster', () => {
    expect(controllerProblems({ ...CONTROLLER, ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:111122223333:alerts-use1-dev' })).toContain(
      'ALERT_TOPIC_ARN is a topic in us-east-1, not in us-west-2',
    );
    expect(controllerProblems({ ...CONTROLLER, LOCAL_CLUSTER_ID: 'aurora-use1-dev' })).toContain(
      "LOCAL_CLUSTER_ID must be this region's cluster",
    );
    expect(controllerProblems({ ...CONTROLLER, ALERT_TOPIC_ARN: 'alerts-usw2-dev' })).toContain('ALERT_TOPIC_ARN must be an SNS topic ARN');
  });

  test('health URLs are https (plain http only locally) and the peer is not this region', () => {
    expect(loadControllerConfig({ ...CONTROLLER, PEER_HEALTH_URL: 'http://127.0.0.1:3001/health' }).peerHealthUrl).toBe(
      'http://127.0.0.1:3001/health',
    );
    const inLambda = { ...CONTROLLER, AWS_LAMBDA_FUNCTION_NAME: 'failover-controller-usw2-dev' };
    expect(controllerProblems({ ...inLambda, PEER_HEALTH_URL: 'http://api-use1-dev.example.com/health' })).toContain(
      'PEER_HEALTH_URL must be an https:// URL',
    );
    expect(controllerProblems({ ...inLambda, DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567' })).toContain(
      'DYNAMODB_ENDPOINT is for local use only',
    );
    expect(controllerProblems({ ...CONTROLLER, PEER_HEALTH_URL: 'not a url' })).toContain('PEER_HEALTH_URL must be an absolute URL');
    expect(controllerProblems({ ...CONTROLLER, PEER_HEALTH_URL: CONTROLLER.OWN_HEALTH_URL })).toContain(
      'PEER_HEALTH_URL must differ from OWN_HEALTH_URL',
    );
  });
});

describe('database secret shapes', () => {
  test('JSON with username and password', () => {
    expect(parseDbCredentials('{"username":"app","password":"s3cret"}')).toEqual({ username: 'app', password: 's3cret' });
  });

  test('a bare password (the replicated secret in AWS) takes the user from DB_USERNAME', () => {
    expect(parseDbCredentials('s3cret-generated', 'paymentsadmin')).toEqual({ username: 'paymentsadmin', password: 's3cret-generated' });
  });

  test('a bare password without DB_USERNAME is a clear error that does not echo the secret', () => {
    expect(() => parseDbCredentials('s3cret-generated')).toThrow('database secret holds a bare password: DB_USERNAME must name the user');
    expect(() => parseDbCredentials('s3cret-generated')).not.toThrow(/s3cret/);
  });
});
