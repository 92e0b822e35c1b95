import type { Config, Environment, LogLevelName, Region } from '../shared/config';
import { LOCAL_ONLY_VARIABLES, endpointSource, regionalSecretId, variableReader } from '../shared/config';
import type { EndpointSource } from '../shared/endpoints';

/** The migrate function's configuration, validated at cold start (same rules and error as the other functions). */
export interface MigrateConfig extends Pick<Config, 'dbPort' | 'dbName' | 'dbTls' | 'dbTlsCaFile' | 'dbConnectAddress' | 'secretsFile'> {
  region: Region;
  regionSuffix: string;
  environmentSuffix: string;
  logLevel: LogLevelName;
  /** The Aurora global writer (migrations change the one writable database, wherever it is). */
  dbWriter: EndpointSource;
  /** The master user's secret (the bare password Crossplane generated) and its user name. */
  masterSecretId: string;
  masterUsername: string;
  /** The app role's secret (bare password) and the role the migrations create for the webhook and health. */
  appSecretId: string;
  appUsername: string;
}

export function loadMigrateConfig(env: Environment): MigrateConfig {
  const read = variableReader(env);
  const { problem, required, optional, integer, oneOf } = read;
  const { region, regionSuffix, environmentSuffix } = read.placement();
  const config: MigrateConfig = {
    region,
    regionSuffix,
    environmentSuffix,
    logLevel: read.logLevel(),
    dbWriter: endpointSource(
      { variable: 'DB_WRITER_ENDPOINT', host: optional('DB_WRITER_ENDPOINT') },
      { variable: 'GLOBAL_CLUSTER_ID', id: optional('GLOBAL_CLUSTER_ID'), kind: 'global-writer' },
      problem,
    ),
    masterSecretId: regionalSecretId('DB_MASTER_SECRET_ID', required('DB_MASTER_SECRET_ID'), region, problem),
    masterUsername: required('DB_MASTER_USERNAME'),
    appSecretId: regionalSecretId('DB_APP_SECRET_ID', required('DB_APP_SECRET_ID'), region, problem),
    appUsername: required('DB_APP_USERNAME'),
    dbName: required('DB_NAME'),
    dbPort: integer('DB_PORT', 5432, 1, 65535),
    secretsFile: optional('SECRETS_FILE'),
    dbTls: oneOf('DB_TLS', optional('DB_TLS') ?? 'require', ['require', 'disable']) === 'require',
    dbTlsCaFile: optional('DB_TLS_CA_FILE'),
    dbConnectAddress: optional('DB_CONNECT_ADDRESS'),
  };
  if (config.appUsername && config.appUsername === config.masterUsername)
    problem('DB_APP_USERNAME', 'must differ from DB_MASTER_USERNAME (the app role is the least-privilege one)');
  read.refuseInLambda(LOCAL_ONLY_VARIABLES);
  return read.done(config);
}
