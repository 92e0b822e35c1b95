import { stringify } from 'yaml';
import { ENVIRONMENTS } from '../../charts/config/environments';
import type { EnvironmentConfig } from '../../charts/config/types';
import { drReport, formatReport } from '../../conformance/dr-report';
import { modelFromDocuments } from '../../conformance/model';
import { devWith } from '../support/env-fixture';
import { renderEnvironments } from '../support/rendered';

async function reportFor(environments: readonly EnvironmentConfig[]) {
  const { objects } = await renderEnvironments(environments);
  return drReport(
    modelFromDocuments(
      objects,
      objects.map((o) => ({ file: o.file, text: stringify(o.doc) })),
    ),
  );
}
const row = (report: Awaited<ReturnType<typeof reportFor>>[number], step: string) => report.rows.find((r) => r.step.includes(step))!;

test(
  'dev: detection 30 s × 3 = 90 s, DNS 60 s, clients switch within 150 ' +
    's, controller off so promotion is manual, lag alerted above 1000 ms',
  async () => {
    const [dev] = await reportFor(ENVIRONMENTS);
    expect(dev.environment).toBe('dev');
    expect(row(dev, 'health-check detection').value).toBe('90 s');
    expect(row(dev, 'DNS TTL').value).toBe('60 s');
    expect(dev.clientSwitchSeconds).toBe(150);
    expect(row(dev, 'controller off (as deployed)').value).toBe('manual: operator runs npm run dr -- failover');
    expect(row(dev, 'controller on').step).not.toContain('as deployed');
    // heartbeat stale 90 s + 3 failed minutes + one interval of schedule phase
    expect(row(dev, 'controller on').value).toBe('decided after ≤ 330 s, then the fence moves and FailoverGlobalCluster');
    expect(row(dev, 'Aurora replication-lag').value).toBe('> 1000 ms, alerted within 120 s');
  },
);

test('the numbers come from the manifests: a failure threshold of 5 and a 500 ms lag threshold change the report', async () => {
  const [changed] = await reportFor([devWith({ 'healthCheck.failureThreshold': 5, replicationLagThresholdMs: 500 })]);
  expect(row(changed, 'health-check detection').value).toBe('150 s');
  expect(changed.clientSwitchSeconds).toBe(210);
  expect(row(changed, 'Aurora replication-lag').value).toBe('> 500 ms, alerted within 120 s');
  expect(row(changed, 'DynamoDB replication').value).toMatch(/^> 500 ms/);
});

test('automatic failover on with 5 failed minutes: the controller row is the deployed one and the decision takes ≤ 450 s', async () => {
  const [automatic] = await reportFor([devWith({ 'failover.automatic': true, 'failover.failedMinutesBeforePromotion': 5 })]);
  expect(row(automatic, 'controller on').step).toContain('(as deployed)');
  expect(row(automatic, 'controller on').value).toBe('decided after ≤ 450 s, then the fence moves and FailoverGlobalCluster');
  expect(row(automatic, 'controller on').basis).toContain('schedule rate(1 minute) (ENABLED)');
  expect(row(automatic, 'controller off').step).not.toContain('as deployed');
});

test('the printed report states its assumptions and names its sources', async () => {
  const text = formatReport(await reportFor(ENVIRONMENTS));
  expect(text).toContain('## environment dev: failover timeline (RTO for traffic ≤ 150 s');
  expect(text).toContain('Assumptions:');
  expect(text).toContain('Route 53 Developer Guide');
  expect(text).toContain('rds.global_db_rpo cannot go below 20 s');
});
