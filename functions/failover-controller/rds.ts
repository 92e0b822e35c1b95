import type { FailoverGlobalClusterCommand, SwitchoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import { DescribeDBClustersCommand, DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';

/**
 * The RDS control-plane calls of the failover controller and the `dr` CLI, always made in ONE
 * region's endpoint (the controller: its own). RDS has no local engine: tests pass a fake.
 */
export interface RdsControlPlane {
  send(
    command: DescribeGlobalClustersCommand | DescribeDBClustersCommand | FailoverGlobalClusterCommand | SwitchoverGlobalClusterCommand,
    options?: { abortSignal?: AbortSignal },
  ): Promise<unknown>;
}

export interface ClusterMember {
  arn: string;
  region: string;
  clusterId: string;
  isWriter: boolean;
  /** `connected`, or `pending-resync` after a failover until the old primary has caught up. */
  synchronizationStatus?: string;
}

export interface GlobalClusterView {
  id: string;
  status?: string;
  engineVersion?: string;
  /** Present while a switchover or failover runs. */
  failover?: { status?: string; fromArn?: string; toArn?: string; dataLossAllowed?: boolean };
  members: ClusterMember[];
}

export interface ClusterView {
  id: string;
  arn: string;
  status?: string;
  engineVersion?: string;
}

export class RdsResourceNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RdsResourceNotFound';
  }
}

/** `arn:aws:rds:us-west-2:123456789012:cluster:aurora-usw2-dev` → region and cluster id. */
export function parseClusterArn(arn: string): { region: string; clusterId: string } {
  const match = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):\d{12}:cluster:(.+)$/.exec(arn);
  if (!match) throw new Error(`not an RDS cluster ARN: ${arn}`);
  return { region: match[1], clusterId: match[2] };
}

export async function describeGlobalCluster(rds: RdsControlPlane, globalClusterId: string): Promise<GlobalClusterView> {
  const output = (await rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterId }))) as {
    GlobalClusters?: {
      GlobalClusterIdentifier?: string;
      Status?: string;
      EngineVersion?: string;
      FailoverState?: { Status?: string; FromDbClusterArn?: string; ToDbClusterArn?: string; IsDataLossAllowed?: boolean };
      GlobalClusterMembers?: { DBClusterArn?: string; IsWriter?: boolean; SynchronizationStatus?: string }[];
    }[];
  };
  const cluster = output.GlobalClusters?.[0];
  if (!cluster) throw new RdsResourceNotFound(`global cluster ${globalClusterId} not found`);
  const state = cluster.FailoverState;
  return {
    id: cluster.GlobalClusterIdentifier ?? globalClusterId,
    status: cluster.Status,
    engineVersion: cluster.EngineVersion,
    failover:
      state && (state.Status || state.ToDbClusterArn)
        ? { status: state.Status, fromArn: state.FromDbClusterArn, toArn: state.ToDbClusterArn, dataLossAllowed: state.IsDataLossAllowed }
        : undefined,
    members: (cluster.GlobalClusterMembers ?? [])
      .filter((member) => member.DBClusterArn)
      .map((member) => ({
        arn: member.DBClusterArn as string,
        ...parseClusterArn(member.DBClusterArn as string),
        isWriter: member.IsWriter === true,
        synchronizationStatus: member.SynchronizationStatus,
      })),
  };
}

/** A regional cluster by id (or ARN), from the RDS endpoint of the region it lives in. */
export async function describeCluster(rds: RdsControlPlane, clusterId: string): Promise<ClusterView> {
  const output = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: clusterId }))) as {
    DBClusters?: { DBClusterIdentifier?: string; DBClusterArn?: string; Status?: string; EngineVersion?: string }[];
  };
  const cluster = output.DBClusters?.[0];
  if (!cluster?.DBClusterArn) throw new RdsResourceNotFound(`cluster ${clusterId} not found`);
  return {
    id: cluster.DBClusterIdentifier ?? clusterId,
    arn: cluster.DBClusterArn,
    status: cluster.Status,
    engineVersion: cluster.EngineVersion,
  };
}

/** The global cluster's writer member, if any. */
export function writerOf(global: GlobalClusterView): ClusterMember | undefined {
  return global.members.find((member) => member.isWriter);
}
