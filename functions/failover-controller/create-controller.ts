import type { Logger } from '@aws-lambda-powertools/logger';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import { SNSClient } from '@aws-sdk/client-sns';
import { boundedClientOptions } from '../shared/aws-clients';
import { createLogger } from '../shared/logger';
import type { ControllerConfig } from './config';
import type { ControllerDependencies, ControllerRun } from './controller';
import { runController } from './controller';
import { probeHealth } from './evidence';

/**
 * Every AWS call is bounded (throwOnRequestTimeout: a silent endpoint fails the call instead of
 * hanging it): a slow dependency fails the run (retried next minute), never the 60 s Lambda timeout.
 */
export const CONTROLLER_TIMEOUTS = { connectionTimeoutMs: 2000, requestTimeoutMs: 5000, maxAttempts: 2 };
const CLIENT_OPTIONS = boundedClientOptions(CONTROLLER_TIMEOUTS);

export interface Controller {
  run(): Promise<ControllerRun>;
  logger: Logger;
  close(): void;
}

/**
 * Wires the controller from configuration: every client talks to THIS region only and is created
 * once per execution environment. `overrides` replace clients (tests: moto for CloudWatch and SNS,
 * a mock for the RDS failover calls moto lacks) or the health probe and the clock.
 */
export function createController(
  config: ControllerConfig,
  overrides: Partial<Omit<ControllerDependencies, 'config' | 'logger'>> = {},
): Controller {
  const logger = createLogger(config, 'payments-failover-controller');
  const local = config.dynamodbEndpoint
    ? { endpoint: config.dynamodbEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};
  const owned: { destroy(): void }[] = [];
  const own = <T extends { destroy(): void }>(created: T): T => {
    owned.push(created);
    return created;
  };
  const deps: ControllerDependencies = {
    config,
    logger,
    dynamodb: overrides.dynamodb ?? own(new DynamoDBClient({ region: config.region, ...CLIENT_OPTIONS, ...local })),
    rds: overrides.rds ?? own(new RDSClient({ region: config.region, ...CLIENT_OPTIONS })),
    cloudwatch: overrides.cloudwatch ?? own(new CloudWatchClient({ region: config.region, ...CLIENT_OPTIONS })),
    sns: overrides.sns ?? own(new SNSClient({ region: config.region, ...CLIENT_OPTIONS })),
    probe: overrides.probe ?? ((url) => probeHealth(url)),
    now: overrides.now ?? (() => new Date()),
  };
  return {
    // a run that cannot even read its state fails the invocation (Lambda Errors metric), logged first
    run: () =>
      runController(deps).catch((error: unknown) => {
        logger.error('failover controller run failed', { error });
        throw error;
      }),
    logger,
    close: () => owned.forEach((owner) => owner.destroy()),
  };
}
