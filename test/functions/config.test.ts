import { parseDbCredentials } from '../../functions/shared/database';
import { ConfigError, loadConfig } from '../../functions/shared/config';
import type { Environment } from '../../functions/shared/config';
import { EXAMPLE_ENVIRONMENT } from '../../functions/local/example-environment';

/** The example configuration moved to us-west-2, as the secondary region's functions get it. */
const VALID: Environment = {
  ...EXAMPLE_ENVIRONMENT,
  AWS_REGION: 'us-west-2',
  REGION_SUFFIX: 'usw2',
  DB_LOCAL_ENDPOINT: 'aurora-usw2-dev.cluster-abcdef.us-west-2.rds.amazonaws.com',
};

function problemsOf(env: Environment): string {
  try {
    loadConfig(env);
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

  test('in AWS the cluster ids replace fixed endpoints: writer from the global cluster, local from this region\'s cluster', () => {
    const config = loadConfig({ ...VALID, DB_WRITER_ENDPOINT: undefined, DB_LOCAL_ENDPOINT: undefined, GLOBAL_CLUSTER_ID: 'aurora-global-use1-dev', LOCAL_CLUSTER_ID: 'aurora-usw2-dev' });
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
    const local = { ...VALID, SECRETS_FILE: '/tmp/secrets.json', DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567', DB_TLS: 'disable' };
    expect(loadConfig(local)).toMatchObject({ secretsFile: '/tmp/secrets.json', dbTls: false });

    const message = problemsOf({ ...local, AWS_LAMBDA_FUNCTION_NAME: 'lambda-webhook-usw2-dev' });
    for (const variable of ['SECRETS_FILE', 'DYNAMODB_ENDPOINT', 'DB_TLS']) {
      expect(message).toContain(`${variable} is for local use only and is refused when running in Lambda`);
    }
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
