import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import type { RdsControlPlane } from '../../../functions/failover-controller/rds';

/** An AWS service error as the SDK throws it (name = the error code). */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

export const ACCOUNT = '111122223333';
export const clusterArn = (region: string, clusterId: string) => `arn:aws:rds:${region}:${ACCOUNT}:cluster:${clusterId}`;

export interface FakeMember {
  region: string;
  clusterId: string;
  isWriter: boolean;
  engineVersion: string;
  status: string;
  synchronizationStatus?: string;
}

export interface RecordedCall {
  region: string;
  command: string;
  input: Record<string, unknown>;
}

/**
 * MOCK of the Aurora global database's control plane, for what moto lacks: FailoverGlobalCluster and
 * SwitchoverGlobalCluster (moto 5.2.5 implements neither), and the FailoverState and
 * SynchronizationStatus fields of DescribeGlobalClusters (moto returns neither) that the controller
 * and the `dr` CLI decide on. One global cluster with a member per region, answering the describe
 * calls consistently with the failovers it carries out at once. Every call is recorded (with the
 * region whose endpoint received it) in `calls` and in `journal`, a sequence shared with other
 * recorders; a region in `unreachable` fails every call like a dead endpoint. Describe-only paths
 * (endpoint discovery, `dr status`) are tested against moto instead.
 */
export class FakeAuroraGlobal {
  readonly calls: RecordedCall[] = [];
  /** Every call as `rds <Command> <region>`, in order (tests add their own entries to order them against other calls). */
  journal: string[] = [];
  readonly unreachable = new Set<string>();
  /** Command name → error thrown by the next such call (then cleared). */
  readonly failNext = new Map<string, Error>();
  status = 'available';
  failoverState?: { Status: string; FromDbClusterArn: string; ToDbClusterArn: string; IsDataLossAllowed: boolean };

  constructor(
    readonly globalClusterId: string,
    readonly members: FakeMember[],
  ) {}

  static standard(env = 'dev', engineVersions: [string, string] = ['14.15', '14.15']): FakeAuroraGlobal {
    return new FakeAuroraGlobal(`aurora-global-use1-${env}`, [
      {
        region: 'us-east-1',
        clusterId: `aurora-use1-${env}`,
        isWriter: true,
        engineVersion: engineVersions[0],
        status: 'available',
        synchronizationStatus: 'connected',
      },
      {
        region: 'us-west-2',
        clusterId: `aurora-usw2-${env}`,
        isWriter: false,
        engineVersion: engineVersions[1],
        status: 'available',
        synchronizationStatus: 'connected',
      },
    ]);
  }

  writer(): FakeMember | undefined {
    return this.members.find((member) => member.isWriter);
  }

  /** Calls of one command name (e.g. 'FailoverGlobalClusterCommand'). */
  callsOf(command: string): RecordedCall[] {
    return this.calls.filter((call) => call.command === command);
  }

  /** The RDS endpoint of `region`. */
  rds(region: string): RdsControlPlane {
    return { send: async (command) => this.handle(region, command) };
  }

  private async handle(region: string, command: Parameters<RdsControlPlane['send']>[0]): Promise<unknown> {
    const name = command.constructor.name;
    this.calls.push({ region, command: name, input: { ...(command.input as Record<string, unknown>) } });
    this.journal.push(`rds ${name} ${region}`);
    if (this.unreachable.has(region))
      throw Object.assign(new Error(`connect ETIMEDOUT rds.${region}.amazonaws.com:443`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    const failure = this.failNext.get(name);
    if (failure) {
      this.failNext.delete(name);
      throw failure;
    }
    if (command instanceof DescribeGlobalClustersCommand) {
      if (command.input.GlobalClusterIdentifier !== this.globalClusterId)
        throw awsError('GlobalClusterNotFoundFault', `GlobalCluster ${command.input.GlobalClusterIdentifier} not found.`);
      return {
        GlobalClusters: [
          {
            GlobalClusterIdentifier: this.globalClusterId,
            Status: this.status,
            Engine: 'aurora-postgresql',
            EngineVersion: this.members[0].engineVersion,
            FailoverState: this.failoverState,
            GlobalClusterMembers: this.members.map((member) => ({
              DBClusterArn: clusterArn(member.region, member.clusterId),
              IsWriter: member.isWriter,
              SynchronizationStatus: member.synchronizationStatus,
            })),
          },
        ],
      };
    }
    if (command instanceof DescribeDBClustersCommand) {
      const wanted = command.input.DBClusterIdentifier;
      const member = this.members.find(
        (m) => m.region === region && (m.clusterId === wanted || clusterArn(m.region, m.clusterId) === wanted),
      );
      if (!member) throw awsError('DBClusterNotFoundFault', `DBCluster ${wanted} not found.`);
      return {
        DBClusters: [
          {
            DBClusterIdentifier: member.clusterId,
            DBClusterArn: clusterArn(member.region, member.clusterId),
            Status: member.status,
            EngineVersion: member.engineVersion,
            Engine: 'aurora-postgresql',
          },
        ],
      };
    }
    if (command instanceof FailoverGlobalClusterCommand || command instanceof SwitchoverGlobalClusterCommand) {
      if (command.input.GlobalClusterIdentifier !== this.globalClusterId)
        throw awsError('GlobalClusterNotFoundFault', `GlobalCluster ${command.input.GlobalClusterIdentifier} not found.`);
      if (this.status !== 'available' || this.failoverState)
        throw awsError('InvalidGlobalClusterStateFault', `Global cluster ${this.globalClusterId} is in ${this.status} state.`);
      const target = this.members.find((m) => clusterArn(m.region, m.clusterId) === command.input.TargetDbClusterIdentifier);
      if (!target) throw awsError('DBClusterNotFoundFault', `DBCluster ${command.input.TargetDbClusterIdentifier} not found.`);
      if (target.isWriter) throw awsError('InvalidDBClusterStateFault', `DBCluster ${target.clusterId} is already the primary cluster.`);
      for (const member of this.members) member.isWriter = member === target;
      return { GlobalCluster: { GlobalClusterIdentifier: this.globalClusterId, Status: 'failing-over' } };
    }
    throw new Error(`unexpected RDS command ${name}`);
  }
}
