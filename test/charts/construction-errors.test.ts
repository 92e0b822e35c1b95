import { App, Chart } from 'cdk8s';
import { BaseChart } from '../../charts/base-chart';
import { ENVIRONMENTS } from '../../charts/config/environments';
import { PLATFORM } from '../../charts/config/platform';
import { validateEnvironments } from '../../charts/config/validate';
import { validatePlatform } from '../../charts/config/validate-platform';
import { subnetLayout } from '../../charts/network-layout';
import { OperatorsReadAccess } from '../../charts/operators-read-access';
import { artifactOf } from '../../charts/payment-region-claim';
import type { Artifact } from '../../functions/build';

const chart = () => new Chart(new App(), 'test');
const bundle = (name: Artifact['name']) => ({ name }) as Artifact;

/** Every `throw` in charts/: what triggers it, and the message naming the offending value. */
const CASES: ReadonlyArray<[string, () => unknown, RegExp]> = [
  [
    'charts/base-chart.ts: a unit with upper case',
    () => new BaseChart(new App(), 'bad-unit', { unit: 'Dev/use1', file: 'claims', component: 'test' }),
    /^BaseChart bad-unit: unit "Dev\/use1" must be "<name>" or "<env>\/<name>" in lowercase alphanumerics$/,
  ],
  [
    'charts/base-chart.ts: a unit nested two levels deep',
    () => new BaseChart(new App(), 'deep', { unit: 'dev/use1/extra', file: 'claims', component: 'test' }),
    /^BaseChart deep: unit "dev\/use1\/extra" must be/,
  ],
  [
    'charts/base-chart.ts: a file name with an underscore',
    () => new BaseChart(new App(), 'bad-file', { unit: 'platform', file: 'provider_configs', component: 'test' }),
    /^BaseChart bad-file: file "provider_configs" must be lowercase words joined by hyphens$/,
  ],
  [
    'charts/operators-read-access.ts: no composite API to grant',
    () => new OperatorsReadAccess(chart(), 'operators', { group: 'payments-operators', apis: [] }),
    /^OperatorsReadAccess: no composite API to grant read access to/,
  ],
  [
    'charts/network-layout.ts: a VPC CIDR with host bits set',
    () => subnetLayout('10.20.0.1/16'),
    /^subnetLayout: VPC CIDR "10\.20\.0\.1\/16" host bits must be zero/,
  ],
  [
    'charts/network-layout.ts: a VPC CIDR that is not a CIDR',
    () => subnetLayout('10.20.0.0'),
    /^subnetLayout: VPC CIDR "10\.20\.0\.0" must be an IPv4 CIDR like 10\.0\.0\.0\/16$/,
  ],
  [
    'charts/payment-region-claim.ts: a function without a bundle, listing the bundles there are',
    () => artifactOf([bundle('webhook'), bundle('health')], 'migrate'),
    /^no bundle for function "migrate" \(got webhook, health\)$/,
  ],
  [
    'charts/payment-region-claim.ts: no bundle at all',
    () => artifactOf([], 'failover-controller'),
    /^no bundle for function "failover-controller" \(got none\)$/,
  ],
  [
    'charts/config/validate.ts (ConfigError): two environments with one suffix',
    () => validateEnvironments([ENVIRONMENTS[0], ENVIRONMENTS[0]]),
    new RegExp(
      `environment "${ENVIRONMENTS[0].environmentSuffix}": environmentSuffix = "${ENVIRONMENTS[0].environmentSuffix}": ` +
        'must be unique across environments \\(entries 1 and 2 of ENVIRONMENTS share it\\)',
    ),
  ],
  [
    'charts/config/validate-platform.ts (PlatformConfigError): an operators group with the reserved system: prefix',
    () => validatePlatform({ ...PLATFORM, operatorsGroup: 'system:masters' }, ENVIRONMENTS),
    /\n {2}operatorsGroup = "system:masters": must not use the "system:" prefix/,
  ],
];

describe('chart constructs refuse what would deploy wrongly, naming the offending value', () => {
  test.each(CASES)('%s', (_title, construct, message) => {
    expect(construct).toThrow(message);
  });
});
