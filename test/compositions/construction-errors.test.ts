import { App, Chart } from 'cdk8s';
import { type ComposedResource, PipelineComposition } from '../../compositions/lib/composition';
import { policyDocument, type Statement } from '../../compositions/lib/iam';
import { checkAwsNames } from '../../compositions/lib/naming';
import { xrFieldPresent } from '../../compositions/lib/optional-resources';
import { templated } from '../../compositions/lib/patches';

const resource = (name: string): ComposedResource => ({ name, base: { apiVersion: 'v1', kind: 'ConfigMap' }, patches: [] });
const statement = (Sid: string, Action: string[], Resource: string | string[]): Statement => ({ Sid, Effect: 'Allow', Action, Resource });
const bucket = 'arn:aws:s3:::payments-bucket';

/** Every `throw` in compositions/ (all of them in compositions/lib/): what triggers it, and the message naming the offending value. */
const CASES: ReadonlyArray<[string, () => unknown, RegExp]> = [
  [
    'lib/composition.ts: two composed resources with one name',
    () =>
      new PipelineComposition(new Chart(new App(), 'test'), 'composition', {
        name: 'xpaymentregions.payments-dr.io',
        compositeTypeRef: { apiVersion: 'payments-dr.io/v1alpha1', kind: 'XPaymentRegion' },
        patchSets: {},
        resources: [resource('vpc'), resource('nat-gateway-0'), resource('vpc')],
      }),
    /^Composition xpaymentregions\.payments-dr\.io: composed resource name "vpc" is used twice$/,
  ],
  [
    'lib/iam.ts: a wildcard action',
    () => policyDocument([statement('ReadBucket', ['s3:Get*'], bucket)]),
    /^IAM policy refused:\n {2}statement ReadBucket: action "s3:Get\*" is a wildcard or malformed$/,
  ],
  [
    'lib/iam.ts: a service-wide wildcard action',
    () => policyDocument([statement('All', ['s3:*'], bucket)]),
    /statement All: action "s3:\*" is a wildcard or malformed/,
  ],
  [
    'lib/iam.ts: Resource "*" for an action that supports resource-level permissions, naming only that action',
    () => policyDocument([statement('Describe', ['ec2:DescribeSubnets', 's3:GetObject'], '*')]),
    /^IAM policy refused:\n {2}statement Describe: Resource "\*" with actions that support resource-level permissions: s3:GetObject$/,
  ],
  [
    'lib/iam.ts: every broken statement is listed, one per line',
    () => policyDocument([statement('A', ['*'], bucket), statement('B', ['kms:Decrypt'], ['*'])]),
    new RegExp(
      '^IAM policy refused:\n {2}statement A: action "\\*" is a wildcard or malformed' +
        '\n {2}statement B: Resource "\\*" with actions .*: kms:Decrypt$',
    ),
  ],
  [
    'lib/naming.ts: an AWS name patch whose type has no row in the naming table',
    () =>
      checkAwsNames({
        name: 'role-unlisted',
        base: { apiVersion: 'iam.aws.upbound.io/v1beta1', kind: 'Role' },
        patches: [
          {
            type: 'CombineFromComposite',
            toFieldPath: 'metadata.name',
            combine: { strategy: 'string', variables: [], string: { fmt: 'role-unlisted-%s-%s' } },
          } as never,
        ],
      }),
    /^composed resource "role-unlisted" \(Role\): the iam-role name "role-unlisted-%s-%s" at metadata\.name has no row in the naming table/,
  ],
  [
    'lib/optional-resources.ts: a field path segment that is neither name nor name[i]',
    () => xrFieldPresent('spec.network.natGatewayZones[one]'),
    /^optional resource condition: field path "spec\.network\.natGatewayZones\[one\]" has segment "natGatewayZones\[one\]"/,
  ],
  [
    'lib/optional-resources.ts: an empty segment (doubled dot)',
    () => xrFieldPresent('spec..alerting'),
    /field path "spec\.\.alerting" has segment ""; expected name or name\[i\]$/,
  ],
  [
    'lib/patches.ts: a template token without a field, listing the known ones',
    () => templated('arn:aws:s3:::{{bucket}}/{{prefix}}', { bucket: 'spec.bucket', region: 'spec.region' }, 'spec.forProvider.policy'),
    /^template token \{\{prefix\}\} has no field \(known: bucket, region\)$/,
  ],
  [
    'lib/patches.ts: a template without tokens',
    () => templated('{"Version":"2012-10-17"}', { bucket: 'spec.bucket' }, 'spec.forProvider.policy'),
    /^template for spec\.forProvider\.policy has no \{\{tokens\}\}: write it into the base instead$/,
  ],
];

describe('composition builders refuse what would compose wrongly, naming the offending value', () => {
  test.each(CASES)('%s', (_title, construct, message) => {
    expect(construct).toThrow(message);
  });
});
