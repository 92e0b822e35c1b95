import { CreateDBClusterCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { RdsApi } from '../../functions/shared/endpoints';
import { endpointResolver } from '../../functions/shared/endpoints';
import type { Moto } from '../support/functions/moto';
import { startMoto } from '../support/functions/moto';
import type { MotoAurora } from '../support/functions/moto-fixtures';
import { motoAurora } from '../support/functions/moto-fixtures';

describe('database endpoint discovery against moto (RDS DescribeGlobalClusters / DescribeDBClusters)', () => {
  let moto: Moto;
  let aurora: MotoAurora;
  const calls: string[] = [];
  /** moto's RDS endpoint of each region, recording which region each call went to. */
  const rds = (region: string): RdsApi => {
    const client: RDSClient = aurora.rds(region);
    return {
      send: (command) => {
        calls.push(`${region} ${command.constructor.name}`);
        return client.send(command as never);
      },
    };
  };

  beforeAll(async () => {
    moto = await startMoto();
    aurora = await motoAurora(moto);
  });

  beforeEach(() => {
    calls.length = 0;
  });

  afterAll(async () => {
    aurora?.close();
    await moto?.stop();
  });

  test('a fixed host needs no RDS call and is verified against its own name', async () => {
    const resolver = endpointResolver({ kind: 'fixed', host: 'db.local' }, rds, 'us-east-1');
    expect(await resolver.resolve()).toEqual({ host: 'db.local', tlsNames: ['db.local'] });
    expect(calls).toEqual([]);
  });

  test(
    'the webhook in us-west-2 writes to the global writer endpoint; its certificate ' +
      "may name it or the writer cluster, looked up in the writer's region",
    async () => {
      const resolver = endpointResolver({ kind: 'global-writer', globalClusterId: aurora.globalClusterId }, rds, 'us-west-2');
      const target = await resolver.resolve();

      expect(target.host).toBe(aurora.globalEndpoint);
      expect(target.host).toMatch(/^aurora-global-use1-dev\.global-[0-9a-f]+\.global\.rds\.amazonaws\.com$/);
      expect(target.tlsNames).toEqual([aurora.globalEndpoint, aurora.clusterEndpoints['us-east-1'].writer]);
      // the global cluster is read in the function's own region; the writer member in the region it lives in
      expect(calls).toEqual(['us-west-2 DescribeGlobalClustersCommand', 'us-east-1 DescribeDBClustersCommand']);

      // once per cold start
      await resolver.resolve();
      expect(calls).toHaveLength(2);
      // after forget() (a certificate named another cluster: the writer moved) it is looked up again
      resolver.forget();
      await resolver.resolve();
      expect(calls).toHaveLength(4);
    },
  );

  test("health uses this region's cluster reader endpoint (answers in both roles), verified against the cluster's names", async () => {
    const resolver = endpointResolver({ kind: 'regional-reader', clusterId: 'aurora-usw2-dev' }, rds, 'us-west-2');
    const names = aurora.clusterEndpoints['us-west-2'];
    expect(await resolver.resolve()).toEqual({ host: names.reader, tlsNames: [names.reader, names.writer] });
    expect(calls).toEqual(['us-west-2 DescribeDBClustersCommand']);
  });

  test('a failed lookup (the cluster does not exist yet) is not remembered: the next call retries', async () => {
    const resolver = endpointResolver({ kind: 'regional-reader', clusterId: 'aurora-usw2-later' }, rds, 'us-west-2');
    await expect(resolver.resolve()).rejects.toMatchObject({ name: 'DBClusterNotFoundFault' });
    await aurora.rds('us-west-2').send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'aurora-usw2-later',
        Engine: 'aurora-postgresql',
        MasterUsername: 'u',
        MasterUserPassword: 'password-password',
      }),
    );
    expect((await resolver.resolve()).host).toMatch(/^aurora-usw2-later\.cluster-ro-/);
  });
});
