import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RDSClient } from '@aws-sdk/client-rds';
import type { CloudWatchApi } from '../../functions/failover-controller/evidence';
import type { RdsControlPlane } from '../../functions/failover-controller/rds';
import type { Region } from '../../functions/shared/config';
import type { DynamoDbItemApi } from '../../functions/shared/fencing';

/** The AWS clients the `dr` commands use, one per service and region (tests pass fakes and dynalite). */
export interface DrAws {
  rds(region: Region): RdsControlPlane;
  cloudwatch(region: Region): CloudWatchApi;
  /** That region's replica of the DR state global table. */
  dynamodb(region: Region): DynamoDbItemApi;
}

/** Bounded: an unreachable region fails a call in seconds, it does not hang the command. */
const CLIENT_OPTIONS = { maxAttempts: 3, requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000 } };

/** Real SDK clients with the default credential chain (AWS_PROFILE, SSO, environment), created on first use. */
export function sdkClients(): DrAws & { destroy(): void } {
  const clients = new Map<string, { destroy(): void }>();
  const client = <T extends { destroy(): void }>(key: string, create: () => T): T => {
    if (!clients.has(key)) clients.set(key, create());
    return clients.get(key) as T;
  };
  return {
    rds: (region) => client(`rds/${region}`, () => new RDSClient({ region, ...CLIENT_OPTIONS })),
    cloudwatch: (region) => client(`cloudwatch/${region}`, () => new CloudWatchClient({ region, ...CLIENT_OPTIONS })),
    dynamodb: (region) => client(`dynamodb/${region}`, () => new DynamoDBClient({ region, ...CLIENT_OPTIONS })),
    destroy: () => clients.forEach((created) => created.destroy()),
  };
}
