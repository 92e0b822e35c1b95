import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import type { CloudWatchApi } from '../../functions/failover-controller/evidence';
import type { RdsControlPlane } from '../../functions/failover-controller/rds';
import type { Region } from '../../functions/shared/config';
import type { DeleteItemCommand, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { ClientTimeouts } from '../../functions/shared/aws-clients';
import { boundedClientOptions } from '../../functions/shared/aws-clients';
import type { DrillCloudWatch } from './drill-observations';
import type { FisApi } from './fis';
import { fisRestClient } from './fis';

/** The AWS clients the `dr` commands use, one per service and region (tests pass fakes and dynalite). */
export interface DrAws {
  rds(region: Region): RdsControlPlane;
  cloudwatch(region: Region): CloudWatchApi;
  /** DynamoDB in that region: its replicas of the DR state table (fence, heartbeats) and of the idempotency table (reconcile). */
  dynamodb(region: Region): DrDynamoDb;
}

/** The DynamoDB calls the commands make; a DynamoDBClient satisfies it. */
export interface DrDynamoDb {
  send(
    command: GetItemCommand | PutItemCommand | ScanCommand | DeleteItemCommand,
    options?: { abortSignal?: AbortSignal },
  ): Promise<unknown>;
}

/** The clients `dr drill` uses: FIS where the templates are, CloudWatch (alarm history, metrics) in both regions. */
export interface DrillAws {
  fis(region: Region): FisApi;
  cloudwatch(region: Region): DrillCloudWatch;
}

/**
 * Bounded (throwOnRequestTimeout: a silent endpoint fails the call instead of hanging it): an
 * unreachable region fails a call within 3 × (3 + 10) s plus backoff, it does not hang the command.
 */
export const DR_TIMEOUTS: ClientTimeouts = { connectionTimeoutMs: 3000, requestTimeoutMs: 10_000, maxAttempts: 3 };

/**
 * Real SDK clients with the default credential chain (AWS_PROFILE, SSO, environment), created on
 * first use. `options` are for tests: other bounds, one endpoint for every service (a local engine).
 */
export function sdkClients(options: { timeouts?: ClientTimeouts; endpoint?: string } = {}): DrAws & { destroy(): void } {
  const clientOptions = {
    ...boundedClientOptions(options.timeouts ?? DR_TIMEOUTS),
    ...(options.endpoint && { endpoint: options.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  };
  const clients = new Map<string, { destroy(): void }>();
  const client = <T extends { destroy(): void }>(key: string, create: () => T): T => {
    if (!clients.has(key)) clients.set(key, create());
    return clients.get(key) as T;
  };
  return {
    rds: (region) => client(`rds/${region}`, () => new RDSClient({ region, ...clientOptions })),
    cloudwatch: (region) => client(`cloudwatch/${region}`, () => new CloudWatchClient({ region, ...clientOptions })),
    dynamodb: (region) => client(`dynamodb/${region}`, () => new DynamoDBClient({ region, ...clientOptions })),
    destroy: () => clients.forEach((created) => created.destroy()),
  };
}

/** Real clients for `dr drill` (FIS over its signed REST API, CloudWatch from the SDK), created on first use. */
export function drillSdkClients(timeouts: ClientTimeouts = DR_TIMEOUTS): DrillAws & { destroy(): void } {
  const cloudwatchClients = new Map<Region, CloudWatchClient>();
  return {
    fis: (region) => fisRestClient(region, { timeoutMs: timeouts.requestTimeoutMs }),
    cloudwatch: (region) => {
      if (!cloudwatchClients.has(region))
        cloudwatchClients.set(region, new CloudWatchClient({ region, ...boundedClientOptions(timeouts) }));
      return cloudwatchClients.get(region) as CloudWatchClient;
    },
    destroy: () => cloudwatchClients.forEach((client) => client.destroy()),
  };
}
