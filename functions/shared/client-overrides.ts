import type { RdsByRegion } from './endpoints';
import type { DynamoDbItemApi } from './fencing';
import type { SecretsManagerApi } from './secrets';

/** Clients a function's factory takes instead of the ones it would create (tests: moto, a cut-off region). */
export interface ClientOverrides {
  /** Replaces the regional Secrets Manager client (tests: moto). */
  secretsManager?: SecretsManagerApi;
  /** Replaces the RDS clients of each region (tests: moto). */
  rds?: RdsByRegion;
  /** Replaces the client of the DR state table only (tests: a region cut off from its MRSC quorum). */
  drStateDynamodb?: DynamoDbItemApi;
}
