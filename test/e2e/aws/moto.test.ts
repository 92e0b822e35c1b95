/**
 * The AWS e2e's view of moto, on moto itself (e2e/aws/moto_runner.py): requests made by the AWS SDK
 * come back from the recording as service, region, action and whether they mutate (query and JSON
 * protocols); the switchover route makes the named region's member the writer as DescribeGlobalClusters
 * reports it; the inventory lists what the run created and not what moto made for itself.
 */
import { Resolver } from 'node:dns/promises';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  AcceptVpcPeeringConnectionCommand,
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteNatGatewayCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeVpcPeeringConnectionsCommand,
  EC2Client,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  AddTagsToResourceCommand,
  CreateDBClusterCommand,
  CreateGlobalClusterCommand,
  DescribeGlobalClustersCommand,
  ListTagsForResourceCommand,
  RDSClient,
  RemoveFromGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand, DeleteTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { zipSync } from 'fflate';
import { Inventory } from '../../../e2e/aws/inventory';
import { MOTO_DIFFS } from '../../../e2e/aws/moto-gaps';
import { Moto } from '../../../e2e/aws/moto';
import { ephemeralPort } from '../../../e2e/ports';
import { Supervisor } from '../../../e2e/processes';

const client = (moto: Moto, region: string) => ({
  region,
  endpoint: moto.endpoint,
  credentials: { accessKeyId: 'AKIAMOTOTEST00000000', secretAccessKey: 'moto' },
  maxAttempts: 1,
});

describe('moto as the AWS e2e runs it', () => {
  let moto: Moto;
  let supervisor: Supervisor;
  let dir: string;
  let dnsPort: number;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-aws-moto-'));
    supervisor = new Supervisor(path.join(dir, 'logs'));
    dnsPort = await ephemeralPort();
    moto = await Moto.start(supervisor, { api: await ephemeralPort(), control: await ephemeralPort() }, dir, `127.0.0.1:${dnsPort}`);
  }, 60_000);
  afterAll(async () => {
    await supervisor.stopAll();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A global cluster `id` with members `<id>-east` (the writer) and `<id>-west`. */
  async function globalDatabase(id: string): Promise<{ east: RDSClient; westArn: string }> {
    const east = new RDSClient(client(moto, 'us-east-1'));
    const west = new RDSClient(client(moto, 'us-west-2'));
    await east.send(new CreateGlobalClusterCommand({ GlobalClusterIdentifier: id, Engine: 'aurora-postgresql', EngineVersion: '14.9' }));
    const member = { Engine: 'aurora-postgresql', EngineVersion: '14.9', GlobalClusterIdentifier: id };
    await east.send(
      new CreateDBClusterCommand({ ...member, DBClusterIdentifier: `${id}-east`, MasterUsername: 'u', MasterUserPassword: 'password1' }),
    );
    const { DBCluster } = await west.send(new CreateDBClusterCommand({ ...member, DBClusterIdentifier: `${id}-west` }));
    return { east, westArn: DBCluster!.DBClusterArn! };
  }

  test('recorded SDK calls read back as service, region, action and mutating, in the order they were made', async () => {
    moto.takeCalls();
    const sns = new SNSClient(client(moto, 'us-west-2'));
    const dynamodb = new DynamoDBClient(client(moto, 'us-east-1'));
    await sns.send(new CreateTopicCommand({ Name: 'recorded' }));
    await sns.send(new ListTopicsCommand({}));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'recorded',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    await dynamodb.send(new DescribeTableCommand({ TableName: 'recorded' }));
    const calls = moto.takeCalls().map(({ service, region, action, mutating }) => ({ service, region, action, mutating }));
    expect(calls).toEqual([
      { service: 'sns', region: 'us-west-2', action: 'CreateTopic', mutating: true },
      { service: 'sns', region: 'us-west-2', action: 'ListTopics', mutating: false },
      { service: 'dynamodb', region: 'us-east-1', action: 'CreateTable', mutating: true },
      { service: 'dynamodb', region: 'us-east-1', action: 'DescribeTable', mutating: false },
    ]);
    expect(moto.takeCalls()).toEqual([]);
  }, 30_000);

  test("switchover makes the named region's member the writer, as DescribeGlobalClusters then reports", async () => {
    const { east } = await globalDatabase('payments');
    const writers = async () =>
      (
        await east.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'payments' }))
      ).GlobalClusters![0].GlobalClusterMembers!.map((m) => `${m.DBClusterArn!.split(':')[3]} ${m.IsWriter ? 'writer' : 'reader'}`);
    expect(await writers()).toEqual(['us-east-1 writer', 'us-west-2 reader']);
    await moto.switchover('payments', 'us-west-2');
    expect(await writers()).toEqual(['us-east-1 reader', 'us-west-2 writer']);
    await expect(moto.switchover('payments', 'eu-west-1')).rejects.toThrow(/payments has no member in eu-west-1/);
    await expect(moto.switchover('missing', 'us-west-2')).rejects.toThrow(/no global cluster missing/);
  }, 30_000);

  test('an existing hosted zone gets the id the claims name, which moto would otherwise choose itself', async () => {
    const inventory = await Inventory.baseline(moto, ['route53'], ['us-east-1']);
    await moto.existingHostedZone('Z0EXAMPLE0TEST0ZONE01', 'test.payments.example.com');
    const zones = (await inventory.since(moto)).filter((i) => i.type === 'FakeZone');
    expect(zones.map((z) => z.id)).toEqual([expect.stringContaining('Z0EXAMPLE0TEST0ZONE01')]);
  }, 30_000);

  test('the resolver answers every name with loopback, so the S3 Control host with the account id in front reaches moto', async () => {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${dnsPort}`]);
    expect(await resolver.resolve4('000000000000.127.0.0.1')).toEqual(['127.0.0.1']);
    expect(await resolver.resolve4('000000000000.s3-control.us-east-1.amazonaws.com')).toEqual(['127.0.0.1']);
    await expect(resolver.resolve6('moto.example')).rejects.toThrow(/ENODATA/);
  }, 30_000);

  test("the inventory lists what was created since the baseline, not moto's own defaults, and nothing once deleted", async () => {
    const inventory = await Inventory.baseline(moto, ['sns', 'ec2'], ['us-east-1', 'us-west-2']);
    expect(inventory.baselineSize).toBeGreaterThan(1000); // moto's default AMIs, VPCs and subnets of both regions
    const sns = new SNSClient(client(moto, 'us-east-1'));
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'left-behind' }));
    expect((await inventory.since(moto)).map((i) => `${i.service} ${i.region} ${i.type} ${i.id}`)).toEqual([
      `sns us-east-1 Topic ${TopicArn}`,
    ]);
    await sns.send(new DeleteTopicCommand({ TopicArn }));
    expect(await inventory.since(moto)).toEqual([]);
  }, 30_000);

  test("a global cluster's ARN can be tagged: moto_runner.py corrects moto's RDS tagging lookup, which refuses it", async () => {
    const rds = new RDSClient(client(moto, 'us-east-1'));
    const { GlobalCluster } = await rds.send(
      new CreateGlobalClusterCommand({ GlobalClusterIdentifier: 'tagged', Engine: 'aurora-postgresql', EngineVersion: '14.9' }),
    );
    const arn = GlobalCluster!.GlobalClusterArn!;
    expect(arn).toBe('arn:aws:rds::000000000000:global-cluster:tagged');
    await rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [{ Key: 'crossplane-kind', Value: 'globalcluster' }] }));
    expect((await rds.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList).toEqual([
      { Key: 'crossplane-kind', Value: 'globalcluster' },
    ]);
  }, 30_000);

  // The moto defects behind MOTO_DIFFS, each shown on moto: an entry whose defect is gone fails here.
  const [functionGap, accepterGap, secretGap] = Object.keys(MOTO_DIFFS);

  test(`moto drops a function's LoggingConfig (${functionGap})`, async () => {
    const { Role } = await new IAMClient(client(moto, 'us-east-1')).send(
      new CreateRoleCommand({ RoleName: 'logging-config', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }),
    );
    const lambda = new LambdaClient(client(moto, 'us-east-1'));
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'logging-config',
        Runtime: 'nodejs20.x',
        Role: Role!.Arn,
        Handler: 'index.handler',
        Code: { ZipFile: zipSync({ 'index.js': new TextEncoder().encode('exports.handler = async () => ({});') }) },
        LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'INFO' },
      }),
    );
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'logging-config', LoggingConfig: { LogFormat: 'JSON' } }));
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'logging-config' }));
    expect(config.Handler).toBe('index.handler');
    expect(config.LoggingConfig).toBeUndefined();
  }, 30_000);

  test(`moto shows a cross-region peering connection's tags from the requester's region only (${accepterGap})`, async () => {
    const east = new EC2Client(client(moto, 'us-east-1'));
    const west = new EC2Client(client(moto, 'us-west-2'));
    const { Vpc: requester } = await east.send(new CreateVpcCommand({ CidrBlock: '10.10.0.0/16' }));
    const { Vpc: accepter } = await west.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }));
    const { VpcPeeringConnection } = await east.send(
      new CreateVpcPeeringConnectionCommand({ VpcId: requester!.VpcId, PeerVpcId: accepter!.VpcId, PeerRegion: 'us-west-2' }),
    );
    const id = VpcPeeringConnection!.VpcPeeringConnectionId!;
    await west.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: id }));
    await east.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Name', Value: 'requester' }] }));
    await west.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Name', Value: 'accepter' }] }));
    const tags = async (ec2: EC2Client) =>
      (await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }))).VpcPeeringConnections![0].Tags;
    expect(await tags(east)).toEqual([{ Key: 'Name', Value: 'requester' }]);
    expect(await tags(west)).toEqual([{ Key: 'Name', Value: 'requester' }]);
  }, 30_000);

  test(`moto reports a secret replica's key as the default key, not the one it was given (${secretGap})`, async () => {
    const sm = new SecretsManagerClient(client(moto, 'us-east-1'));
    const KmsKeyId = 'arn:aws:kms:us-west-2:000000000000:key/0b9e7f0e-replica';
    await sm.send(
      new CreateSecretCommand({ Name: 'replicated', SecretString: 'x', AddReplicaRegions: [{ Region: 'us-west-2', KmsKeyId }] }),
    );
    const { ReplicationStatus } = await sm.send(new DescribeSecretCommand({ SecretId: 'replicated' }));
    expect(ReplicationStatus?.map((r) => [r.Region, r.KmsKeyId])).toEqual([['us-west-2', 'alias/aws/secretsmanager']]);
  }, 30_000);

  test('a member in the other region leaves its global cluster and a wait on filter db-cluster-id ends (a correction)', async () => {
    const { east, westArn } = await globalDatabase('leaving');
    const holding = async (arn: string) =>
      (await east.send(new DescribeGlobalClustersCommand({ Filters: [{ Name: 'db-cluster-id', Values: [arn] }] }))).GlobalClusters?.map(
        (g) => g.GlobalClusterIdentifier,
      );
    expect(await holding(westArn)).toEqual(['leaving']);
    await east.send(new RemoveFromGlobalClusterCommand({ GlobalClusterIdentifier: 'leaving', DbClusterIdentifier: westArn }));
    expect(await holding(westArn)).toEqual([]);
    const { GlobalClusters } = await east.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'leaving' }));
    expect(GlobalClusters?.map((g) => g.GlobalClusterMembers?.map((m) => m.DBClusterArn?.split(':').pop()))).toEqual([['leaving-east']]);
  }, 30_000);

  test("a deleted secret's versions answer ResourceNotFoundException, not HTTP 500: moto_runner.py's correction", async () => {
    const sm = new SecretsManagerClient(client(moto, 'us-east-1'));
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: 'deleted', SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: ARN, ForceDeleteWithoutRecovery: true }));
    await expect(sm.send(new ListSecretVersionIdsCommand({ SecretId: ARN, IncludeDeprecated: true }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  }, 30_000);

  test('a deleted VPC with a NAT gateway leaves nothing: no network interface, no default ACL (corrections)', async () => {
    const inventory = await Inventory.baseline(moto, ['ec2'], ['us-east-1']);
    const ec2 = new EC2Client(client(moto, 'us-east-1'));
    const { Vpc } = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }));
    const VpcId = Vpc!.VpcId!;
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId, CidrBlock: '10.9.0.0/24', AvailabilityZone: 'us-east-1a' }));
    const { AllocationId } = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const { NatGateway } = await ec2.send(new CreateNatGatewayCommand({ SubnetId: Subnet!.SubnetId!, AllocationId }));
    const interfaceId = NatGateway!.NatGatewayAddresses![0].NetworkInterfaceId!;
    const inSubnet = { Filters: [{ Name: 'subnet-id', Values: [Subnet!.SubnetId!] }] };
    expect((await ec2.send(new DescribeNetworkInterfacesCommand(inSubnet))).NetworkInterfaces?.map((i) => i.NetworkInterfaceId)).toEqual([
      interfaceId,
    ]);
    await ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: NatGateway!.NatGatewayId! }));
    expect((await ec2.send(new DescribeNetworkInterfacesCommand(inSubnet))).NetworkInterfaces).toEqual([]);
    await ec2.send(new ReleaseAddressCommand({ AllocationId }));
    await ec2.send(new DeleteSubnetCommand({ SubnetId: Subnet!.SubnetId! }));
    await ec2.send(new DeleteVpcCommand({ VpcId }));
    const acls = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [VpcId] }] }));
    expect(acls.NetworkAcls).toEqual([]);
    expect(await inventory.since(moto)).toEqual([]);
  }, 30_000);
});
