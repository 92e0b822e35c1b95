import { DescribeDBClustersCommand, DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import { EndpointDiscoveryError, RdsApi, endpointResolver } from '../../functions/shared/endpoints';

/** RDS has no local engine: a fake answering the two Describe calls, counting calls. */
function fakeRds(answers: { global?: string; reader?: string; writer?: string; fail?: number }) {
  const calls: string[] = [];
  let failures = answers.fail ?? 0;
  const rds: RdsApi = {
    async send(command) {
      calls.push(command.constructor.name);
      if (failures-- > 0) throw new Error('Throttling: Rate exceeded');
      if (command instanceof DescribeGlobalClustersCommand) return { GlobalClusters: answers.global ? [{ Endpoint: answers.global }] : [] };
      if (command instanceof DescribeDBClustersCommand) return { DBClusters: [{ ReaderEndpoint: answers.reader, Endpoint: answers.writer }] };
      throw new Error('unexpected command');
    },
  };
  return { rds, calls };
}

describe('database endpoint discovery (mock RDS control plane)', () => {
  test('a fixed host needs no RDS call', async () => {
    const { rds, calls } = fakeRds({});
    expect(await endpointResolver({ kind: 'fixed', host: 'db.local' }, () => rds)()).toBe('db.local');
    expect(calls).toEqual([]);
  });

  test('the webhook writes to the global writer endpoint, looked up once per cold start', async () => {
    const { rds, calls } = fakeRds({ global: 'aurora-global-use1-dev.global-abc.global.rds.amazonaws.com' });
    const resolve = endpointResolver({ kind: 'global-writer', globalClusterId: 'aurora-global-use1-dev' }, () => rds);
    expect(await resolve()).toBe('aurora-global-use1-dev.global-abc.global.rds.amazonaws.com');
    expect(await resolve()).toBe('aurora-global-use1-dev.global-abc.global.rds.amazonaws.com');
    expect(calls).toEqual(['DescribeGlobalClustersCommand']);
  });

  test('health uses the local cluster reader endpoint (valid in the secondary role, where the writer endpoint is inactive)', async () => {
    const { rds } = fakeRds({ reader: 'aurora-usw2-dev.cluster-ro-abc.us-west-2.rds.amazonaws.com', writer: 'aurora-usw2-dev.cluster-abc.us-west-2.rds.amazonaws.com' });
    expect(await endpointResolver({ kind: 'regional-reader', clusterId: 'aurora-usw2-dev' }, () => rds)()).toBe('aurora-usw2-dev.cluster-ro-abc.us-west-2.rds.amazonaws.com');
  });

  test('a failed lookup is not remembered: the next call retries', async () => {
    const { rds, calls } = fakeRds({ global: 'writer.example', fail: 1 });
    const resolve = endpointResolver({ kind: 'global-writer', globalClusterId: 'g' }, () => rds);
    await expect(resolve()).rejects.toThrow('Throttling');
    expect(await resolve()).toBe('writer.example');
    expect(calls).toHaveLength(2);
  });

  test('a global cluster without a writer endpoint is a clear error', async () => {
    const { rds } = fakeRds({});
    await expect(endpointResolver({ kind: 'global-writer', globalClusterId: 'aurora-global-use1-dev' }, () => rds)()).rejects.toThrow(
      new EndpointDiscoveryError('global cluster aurora-global-use1-dev has no writer endpoint yet'),
    );
  });
});
