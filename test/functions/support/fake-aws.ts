import type { GetMetricDataCommand, GetMetricDataCommandOutput } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import type { PublishCommand, PublishCommandOutput } from '@aws-sdk/client-sns';
import type { SnsApi } from '../../../functions/failover-controller/controller';
import type { CloudWatchApi } from '../../../functions/failover-controller/evidence';
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
 * The Aurora global database's control plane (RDS has no local engine): one global cluster with a
 * member per region, answering DescribeGlobalClusters / DescribeDBClusters and carrying out
 * FailoverGlobalCluster / SwitchoverGlobalCluster at once. Every call is recorded with the region
 * whose endpoint received it; a region in `unreachable` fails every call like a dead endpoint.
 */
export class FakeAuroraGlobal {
  readonly calls: RecordedCall[] = [];
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
      { region: 'us-east-1', clusterId: `aurora-use1-${env}`, isWriter: true, engineVersion: engineVersions[0], status: 'available', synchronizationStatus: 'connected' },
      { region: 'us-west-2', clusterId: `aurora-usw2-${env}`, isWriter: false, engineVersion: engineVersions[1], status: 'available', synchronizationStatus: 'connected' },
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
    if (this.unreachable.has(region)) throw Object.assign(new Error(`connect ETIMEDOUT rds.${region}.amazonaws.com:443`), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    const failure = this.failNext.get(name);
    if (failure) {
      this.failNext.delete(name);
      throw failure;
    }
    if (command instanceof DescribeGlobalClustersCommand) {
      if (command.input.GlobalClusterIdentifier !== this.globalClusterId) throw awsError('GlobalClusterNotFoundFault', `GlobalCluster ${command.input.GlobalClusterIdentifier} not found.`);
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
      const member = this.members.find((m) => m.region === region && (m.clusterId === wanted || clusterArn(m.region, m.clusterId) === wanted));
      if (!member) throw awsError('DBClusterNotFoundFault', `DBCluster ${wanted} not found.`);
      return {
        DBClusters: [{ DBClusterIdentifier: member.clusterId, DBClusterArn: clusterArn(member.region, member.clusterId), Status: member.status, EngineVersion: member.engineVersion, Engine: 'aurora-postgresql' }],
      };
    }
    if (command instanceof FailoverGlobalClusterCommand || command instanceof SwitchoverGlobalClusterCommand) {
      if (command.input.GlobalClusterIdentifier !== this.globalClusterId) throw awsError('GlobalClusterNotFoundFault', `GlobalCluster ${command.input.GlobalClusterIdentifier} not found.`);
      if (this.status !== 'available' || this.failoverState) throw awsError('InvalidGlobalClusterStateFault', `Global cluster ${this.globalClusterId} is in ${this.status} state.`);
      const target = this.members.find((m) => clusterArn(m.region, m.clusterId) === command.input.TargetDbClusterIdentifier);
      if (!target) throw awsError('DBClusterNotFoundFault', `DBCluster ${command.input.TargetDbClusterIdentifier} not found.`);
      if (target.isWriter) throw awsError('InvalidDBClusterStateFault', `DBCluster ${target.clusterId} is already the primary cluster.`);
      for (const member of this.members) member.isWriter = member === target;
      return { GlobalCluster: { GlobalClusterIdentifier: this.globalClusterId, Status: 'failing-over' } };
    }
    throw new Error(`unexpected RDS command ${name}`);
  }
}

/** CloudWatch (no local engine): the newest AuroraGlobalDBReplicationLag datapoint per region and cluster. */
export class FakeCloudWatch {
  readonly calls: RecordedCall[] = [];
  /** `<region>/<clusterId>` → datapoint. */
  readonly lag = new Map<string, { value: number; at: Date }>();
  failNext?: Error;

  setLag(region: string, clusterId: string, value: number, at: Date): void {
    this.lag.set(`${region}/${clusterId}`, { value, at });
  }

  cloudwatch(region: string): CloudWatchApi {
    return {
      send: async (command: GetMetricDataCommand): Promise<GetMetricDataCommandOutput> => {
        this.calls.push({ region, command: command.constructor.name, input: { ...command.input } });
        throwOnce(this);
        const query = command.input.MetricDataQueries?.[0];
        const clusterId = query?.MetricStat?.Metric?.Dimensions?.find((d) => d.Name === 'DBClusterIdentifier')?.Value;
        const point = this.lag.get(`${region}/${clusterId}`);
        const inWindow = point && command.input.StartTime && command.input.EndTime && point.at >= command.input.StartTime && point.at <= command.input.EndTime;
        return {
          MetricDataResults: [{ Id: query?.Id, Label: query?.MetricStat?.Metric?.MetricName, Timestamps: inWindow ? [point.at] : [], Values: inWindow ? [point.value] : [], StatusCode: 'Complete' }],
          $metadata: {},
        };
      },
    };
  }
}

/** SNS (no local engine): records what was published. */
export class FakeSns implements SnsApi {
  readonly published: PublishCommand['input'][] = [];
  failNext?: Error;

  async send(command: PublishCommand): Promise<PublishCommandOutput> {
    throwOnce(this);
    this.published.push(command.input);
    return { MessageId: `msg-${this.published.length}`, $metadata: {} };
  }
}

/** Throws the fake's `failNext` error once. */
function throwOnce(fake: { failNext?: Error }): void {
  const failure = fake.failNext;
  fake.failNext = undefined;
  if (failure) throw failure;
}
