import { DescribeDBClustersCommand, DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';

/**
 * Where a database endpoint comes from: a fixed host name (local stack, tests, or an operator who
 * pins it), the Aurora global cluster (its writer endpoint follows the writer across switchover and
 * failover), or this region's cluster (its reader endpoint answers in both the primary and the
 * secondary role, where the cluster writer endpoint is inactive).
 */
export type EndpointSource =
  | { readonly kind: 'fixed'; readonly host: string }
  | { readonly kind: 'global-writer'; readonly globalClusterId: string }
  | { readonly kind: 'regional-reader'; readonly clusterId: string };

/** The two RDS control-plane reads discovery needs (a test passes a fake: RDS has no local engine). */
export interface RdsApi {
  send(command: DescribeGlobalClustersCommand | DescribeDBClustersCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export class EndpointDiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointDiscoveryError';
  }
}

async function discover(source: Exclude<EndpointSource, { kind: 'fixed' }>, rds: RdsApi): Promise<string> {
  if (source.kind === 'global-writer') {
    const output = (await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: source.globalClusterId }))) as {
      GlobalClusters?: { Endpoint?: string }[];
    };
    const endpoint = output.GlobalClusters?.[0]?.Endpoint;
    if (!endpoint) throw new EndpointDiscoveryError(`global cluster ${source.globalClusterId} has no writer endpoint yet`);
    return endpoint;
  }
  const output = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: source.clusterId }))) as {
    DBClusters?: { ReaderEndpoint?: string; Endpoint?: string }[];
  };
  const endpoint = output.DBClusters?.[0]?.ReaderEndpoint ?? output.DBClusters?.[0]?.Endpoint;
  if (!endpoint) throw new EndpointDiscoveryError(`cluster ${source.clusterId} has no endpoint yet`);
  return endpoint;
}

/**
 * Resolves a source once and remembers the answer; a failed lookup is forgotten so the next call
 * retries (e.g. while the cluster is still being created).
 */
export function endpointResolver(source: EndpointSource, rds: () => RdsApi): () => Promise<string> {
  if (source.kind === 'fixed') return () => Promise.resolve(source.host);
  let resolved: Promise<string> | undefined;
  return () => {
    resolved ??= discover(source, rds()).catch((error: unknown) => {
      resolved = undefined;
      throw error;
    });
    return resolved;
  };
}

/** One RDS client per cold start, created on first discovery only. */
export function lazyRdsClient(region: string, timeoutMs: number): () => RdsApi {
  let client: RDSClient | undefined;
  return () => (client ??= new RDSClient({ region, maxAttempts: 2, requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs } }));
}
