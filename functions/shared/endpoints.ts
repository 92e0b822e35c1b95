import { DescribeDBClustersCommand, DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import type { ClientTimeouts } from './aws-clients';
import { boundedClientOptions } from './aws-clients';

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

/**
 * A database to connect to: the host name to resolve and send as SNI, and the names the server
 * certificate may carry for it (any one of them must match; shared/database.ts).
 *
 * Aurora's server certificates name the instance endpoint and, as subject alternative names, the
 * cluster endpoint and the cluster reader endpoint of the instance's cluster (seen on Aurora
 * certificates: mysql-net/MySqlConnector#498). Whether they also name the global writer endpoint
 * `<global>.global-<id>.global.rds.amazonaws.com` is documented nowhere we could find, so the
 * writer is verified against BOTH the global name and the cluster endpoint of the global cluster's
 * current writer member, looked up through the RDS API; TLS is never left unverified.
 */
export interface DbTarget {
  host: string;
  tlsNames: readonly string[];
}

/** The two RDS control-plane reads discovery needs, in the region the call is sent to. */
export interface RdsApi {
  send(command: DescribeGlobalClustersCommand | DescribeDBClustersCommand, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** The RDS endpoint of a region (clusters are described in the region they live in). */
export type RdsByRegion = (region: string) => RdsApi;

export class EndpointDiscoveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointDiscoveryError';
  }
}

interface GlobalClusterAnswer {
  GlobalClusters?: { Endpoint?: string; GlobalClusterMembers?: { DBClusterArn?: string; IsWriter?: boolean }[] }[];
}

interface ClusterAnswer {
  DBClusters?: { ReaderEndpoint?: string; Endpoint?: string }[];
}

async function discover(source: Exclude<EndpointSource, { kind: 'fixed' }>, rds: RdsByRegion, localRegion: string): Promise<DbTarget> {
  if (source.kind === 'global-writer') {
    const output = (await rds(localRegion).send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: source.globalClusterId }),
    )) as GlobalClusterAnswer;
    const global = output.GlobalClusters?.[0];
    if (!global?.Endpoint) throw new EndpointDiscoveryError(`global cluster ${source.globalClusterId} has no writer endpoint yet`);
    const writerArn = global.GlobalClusterMembers?.find((member) => member.IsWriter)?.DBClusterArn;
    const writer = writerArn && /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d{12}:cluster:(.+)$/.exec(writerArn);
    if (!writer)
      throw new EndpointDiscoveryError(`global cluster ${source.globalClusterId} has no writer member right now (a failover is running?)`);
    const [, writerRegion, writerClusterId] = writer;
    const cluster = (
      (await rds(writerRegion).send(new DescribeDBClustersCommand({ DBClusterIdentifier: writerClusterId }))) as ClusterAnswer
    ).DBClusters?.[0];
    if (!cluster?.Endpoint) throw new EndpointDiscoveryError(`writer cluster ${writerClusterId} (${writerRegion}) has no endpoint yet`);
    return { host: global.Endpoint, tlsNames: [global.Endpoint, cluster.Endpoint] };
  }
  const cluster = ((await rds(localRegion).send(new DescribeDBClustersCommand({ DBClusterIdentifier: source.clusterId }))) as ClusterAnswer)
    .DBClusters?.[0];
  const host = cluster?.ReaderEndpoint ?? cluster?.Endpoint;
  if (!host) throw new EndpointDiscoveryError(`cluster ${source.clusterId} has no endpoint yet`);
  return { host, tlsNames: [cluster?.ReaderEndpoint, cluster?.Endpoint].filter((name): name is string => Boolean(name)) };
}

export interface EndpointResolver {
  /** The target, looked up once and remembered; a failed lookup is forgotten so the next call retries. */
  resolve(): Promise<DbTarget>;
  /** Forgets the remembered target (the server's certificate named another cluster: the writer moved). */
  forget(): void;
}

export function endpointResolver(source: EndpointSource, rds: RdsByRegion, localRegion: string): EndpointResolver {
  if (source.kind === 'fixed') {
    const target = { host: source.host, tlsNames: [source.host] };
    return { resolve: () => Promise.resolve(target), forget: () => undefined };
  }
  let resolved: Promise<DbTarget> | undefined;
  return {
    resolve() {
      resolved ??= discover(source, rds, localRegion).catch((error: unknown) => {
        resolved = undefined;
        throw error;
      });
      return resolved;
    },
    forget() {
      resolved = undefined;
    },
  };
}

/** One RDS client per region per cold start, each created on first use, every call bounded. */
export function lazyRdsClients(timeouts: ClientTimeouts): RdsByRegion & { destroy(): void } {
  const clients = new Map<string, RDSClient>();
  const byRegion = (region: string) => {
    const existing = clients.get(region);
    if (existing) return existing;
    const client = new RDSClient({ region, ...boundedClientOptions(timeouts) });
    clients.set(region, client);
    return client;
  };
  return Object.assign(byRegion, { destroy: () => clients.forEach((client) => client.destroy()) });
}
