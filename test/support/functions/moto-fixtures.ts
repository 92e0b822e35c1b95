import { CreateDBClusterCommand, CreateGlobalClusterCommand, DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import type { Moto } from './moto';

/**
 * Secrets created in moto's Secrets Manager the way PaymentGlobal creates them: in us-east-1 with a
 * replica in us-west-2 (`AddReplicaRegions`). Returns a client of `readRegion`'s Secrets Manager,
 * where the functions of that region read the replica.
 */
export async function motoSecrets(
  moto: Moto,
  secrets: Record<string, string>,
  readRegion = 'us-east-1',
): Promise<SecretsManagerClient & { put(id: string, value: string): Promise<void> }> {
  const home = new SecretsManagerClient(moto.client('us-east-1'));
  try {
    for (const [name, value] of Object.entries(secrets)) {
      await home.send(new CreateSecretCommand({ Name: name, SecretString: value, AddReplicaRegions: [{ Region: 'us-west-2' }] }));
    }
  } finally {
    home.destroy();
  }
  const client = new SecretsManagerClient(moto.client(readRegion));
  return Object.assign(client, {
    /** A new version of the secret (a rotation), written where it is read. */
    async put(id: string, value: string) {
      await client.send(new PutSecretValueCommand({ SecretId: id, SecretString: value }));
    },
  });
}

export interface MotoAurora {
  globalClusterId: string;
  /** The global writer endpoint moto assigned. */
  globalEndpoint: string;
  clusterEndpoints: Record<string, { writer: string; reader: string; arn: string }>;
  rds(region: string): RDSClient;
  close(): void;
}

/**
 * The Aurora global database of environment `env` in moto: the global cluster and the writer
 * cluster in us-east-1, the secondary cluster in us-west-2 (moto marks the first member the writer).
 */
export async function motoAurora(moto: Moto, env = 'dev'): Promise<MotoAurora> {
  const clients = new Map<string, RDSClient>();
  const rds = (region: string) => {
    if (!clients.has(region)) clients.set(region, new RDSClient(moto.client(region)));
    return clients.get(region) as RDSClient;
  };
  const globalClusterId = `aurora-global-use1-${env}`;
  await rds('us-east-1').send(
    new CreateGlobalClusterCommand({ GlobalClusterIdentifier: globalClusterId, Engine: 'aurora-postgresql', EngineVersion: '14.15' }),
  );
  const clusterEndpoints: MotoAurora['clusterEndpoints'] = {};
  for (const [region, suffix] of [
    ['us-east-1', 'use1'],
    ['us-west-2', 'usw2'],
  ] as const) {
    const created = await rds(region).send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: `aurora-${suffix}-${env}`,
        Engine: 'aurora-postgresql',
        EngineVersion: '14.15',
        GlobalClusterIdentifier: globalClusterId,
        ...(region === 'us-east-1' && { MasterUsername: 'payments', MasterUserPassword: 'not-a-real-password' }),
      }),
    );
    const cluster = created.DBCluster;
    clusterEndpoints[region] = {
      writer: cluster?.Endpoint as string,
      reader: cluster?.ReaderEndpoint as string,
      arn: cluster?.DBClusterArn as string,
    };
  }
  return {
    globalClusterId,
    globalEndpoint: (await rds('us-east-1').send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: globalClusterId })))
      .GlobalClusters?.[0]?.Endpoint as string,
    clusterEndpoints,
    rds,
    close: () => clients.forEach((client) => client.destroy()),
  };
}

/** Publishes AuroraGlobalDBReplicationLag for `clusterId` in `region`, as Aurora does in the secondary's region. */
export async function putReplicationLag(moto: Moto, region: string, clusterId: string, valueMs: number, at: Date): Promise<void> {
  const cloudwatch = new CloudWatchClient(moto.client(region));
  try {
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/RDS',
        MetricData: [
          {
            MetricName: 'AuroraGlobalDBReplicationLag',
            Dimensions: [{ Name: 'DBClusterIdentifier', Value: clusterId }],
            Value: valueMs,
            Timestamp: at,
            Unit: 'Milliseconds',
          },
        ],
      }),
    );
  } finally {
    cloudwatch.destroy();
  }
}

/** An SNS topic in moto with an SQS queue subscribed to it, so a test reads what was published through the real APIs. */
export async function motoTopic(
  moto: Moto,
  region: string,
  name: string,
): Promise<{ arn: string; messages(): Promise<{ Subject?: string; Message: string }[]>; close(): void }> {
  const sns = new SNSClient(moto.client(region));
  const sqs = new SQSClient(moto.client(region));
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-inbox` }));
  const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: attributes.Attributes?.QueueArn }));
  const received: { Subject?: string; Message: string }[] = [];
  return {
    arn: TopicArn as string,
    /** Everything published so far (SNS envelopes from the queue, drained). */
    async messages() {
      for (;;) {
        const batch = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (!batch.Messages?.length) break;
        for (const message of batch.Messages) {
          received.push(JSON.parse(message.Body ?? '{}') as { Subject?: string; Message: string });
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
        }
      }
      return received;
    },
    close: () => {
      sns.destroy();
      sqs.destroy();
    },
  };
}
