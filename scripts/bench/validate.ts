/**
 * Bench row: wall seconds to validate dist/ (read + parse + validate, fresh Validator each run).
 * Without dist/ (not synthesized yet) a generated sample of 300 objects of the same mix stands in.
 */
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../lib/crds';
import { Validator, type ManifestDocument } from '../validate/index';
import { readManifests } from '../validate/manifest-files';
import { median, type BenchRow } from './types';

const DIST = path.join(REPO_ROOT, 'dist');
const RUNS = 3;
const SAMPLE_SIZE = 300;

const NAMESPACE = 'payments-dr';
const selector = (component: string) => ({ matchLabels: { 'payments-dr.io/component': component } });

/** forProvider of a valid managed resource per kind (all at their storage versions). */
const MANAGED_RESOURCES: { apiVersion: string; kind: string; forProvider: (i: number) => object }[] = [
  { apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'VPC', forProvider: (i) => ({ region: 'us-east-1', cidrBlock: `10.${i % 250}.0.0/16` }) },
  {
    apiVersion: 'ec2.aws.upbound.io/v1beta1',
    kind: 'Subnet',
    forProvider: (i) => ({ region: 'us-east-1', availabilityZone: 'us-east-1a', cidrBlock: `10.0.${i % 250}.0/24`, vpcIdSelector: selector('vpc') }),
  },
  {
    apiVersion: 'ec2.aws.upbound.io/v1beta1',
    kind: 'SecurityGroup',
    forProvider: (i) => ({ region: 'us-east-1', name: `sg-${i}`, description: 'bench', vpcIdSelector: selector('vpc') }),
  },
  {
    apiVersion: 'iam.aws.upbound.io/v1beta1',
    kind: 'Role',
    forProvider: () => ({ assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' }),
  },
  { apiVersion: 'sns.aws.upbound.io/v1beta1', kind: 'Topic', forProvider: () => ({ region: 'us-west-2', displayName: 'payments alerts' }) },
  { apiVersion: 'cloudwatchlogs.aws.upbound.io/v1beta1', kind: 'Group', forProvider: () => ({ region: 'us-west-2', retentionInDays: 30 }) },
  { apiVersion: 'kms.aws.upbound.io/v1beta1', kind: 'Key', forProvider: () => ({ region: 'us-east-1', deletionWindowInDays: 7 }) },
  {
    apiVersion: 'route53.aws.upbound.io/v1beta1',
    kind: 'HealthCheck',
    forProvider: (i) => ({ type: 'HTTPS', fqdn: `api-${i}.example.org`, port: 443, resourcePath: '/health', requestInterval: 30, failureThreshold: 3 }),
  },
  {
    apiVersion: 'cloudwatch.aws.upbound.io/v1beta2',
    kind: 'MetricAlarm',
    forProvider: () => ({
      region: 'us-west-2',
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      metricName: 'AuroraGlobalDBReplicationLag',
      namespace: 'AWS/RDS',
      period: 60,
      statistic: 'Maximum',
      threshold: 1000,
    }),
  },
];

function managedResource(i: number): object {
  const template = MANAGED_RESOURCES[i % MANAGED_RESOURCES.length];
  return {
    apiVersion: template.apiVersion,
    kind: template.kind,
    metadata: { name: `${template.kind.toLowerCase()}-${i}`, labels: { 'payments-dr.io/component': template.kind.toLowerCase() } },
    spec: { forProvider: template.forProvider(i), providerConfigRef: { name: 'default' } },
  };
}

const benchXrd = {
  apiVersion: 'apiextensions.crossplane.io/v1',
  kind: 'CompositeResourceDefinition',
  metadata: { name: 'xbenchnetworks.bench.payments-dr.io' },
  spec: {
    group: 'bench.payments-dr.io',
    names: { kind: 'XBenchNetwork', plural: 'xbenchnetworks' },
    claimNames: { kind: 'BenchNetwork', plural: 'benchnetworks' },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        referenceable: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: { parameters: { type: 'object', properties: { region: { type: 'string' }, cidrBlock: { type: 'string' } } } },
              },
            },
          },
        },
      },
    ],
  },
};

const benchComposition = {
  apiVersion: 'apiextensions.crossplane.io/v1',
  kind: 'Composition',
  metadata: { name: 'xbenchnetworks' },
  spec: {
    compositeTypeRef: { apiVersion: 'bench.payments-dr.io/v1alpha1', kind: 'XBenchNetwork' },
    mode: 'Pipeline',
    pipeline: [
      {
        step: 'patch-and-transform',
        functionRef: { name: 'function-patch-and-transform' },
        input: {
          apiVersion: 'pt.fn.crossplane.io/v1beta1',
          kind: 'Resources',
          resources: [
            {
              name: 'vpc',
              base: { apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'VPC', spec: { forProvider: { enableDnsSupport: true } } },
              patches: [
                { fromFieldPath: 'spec.parameters.region', toFieldPath: 'spec.forProvider.region' },
                { fromFieldPath: 'spec.parameters.cidrBlock', toFieldPath: 'spec.forProvider.cidrBlock' },
              ],
            },
          ],
        },
      },
    ],
  },
};

function benchClaim(i: number): object {
  return {
    apiVersion: 'bench.payments-dr.io/v1alpha1',
    kind: 'BenchNetwork',
    metadata: { name: `network-${i}`, namespace: NAMESPACE },
    spec: { parameters: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' } },
  };
}

/** 300 objects: an XRD, a Composition, a namespace, claims and managed resources of nine kinds. */
function sampleDocuments(): ManifestDocument[] {
  const fixed = [benchXrd, benchComposition, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } }];
  const generated = Array.from({ length: SAMPLE_SIZE - fixed.length }, (_, i) => (i % 10 === 0 ? benchClaim(i) : managedResource(i)));
  return [...fixed, ...generated].map((doc) => ({ file: 'sample.yaml', doc }));
}

function timeOneRun(source: () => ManifestDocument[]): { seconds: number; objects: number; problems: number } {
  const start = performance.now();
  const documents = source();
  const report = Validator.load().validateDocuments(documents);
  return { seconds: (performance.now() - start) / 1000, objects: documents.length, problems: report.problems.length };
}

export async function rows(): Promise<BenchRow[]> {
  const fromDist = fs.existsSync(DIST);
  const source = fromDist ? () => readManifests(DIST).documents : sampleDocuments;
  const runs = Array.from({ length: RUNS }, () => timeOneRun(source));
  const { objects, problems } = runs[0];
  const what = fromDist ? `dist/ (${objects} objects: read, parse, validate)` : `a generated sample of ${objects} objects (no dist/ yet)`;
  return [
    {
      measure: `validate ${what} with a fresh Validator, ${problems} problems; wall seconds, median of ${RUNS} runs`,
      value: median(runs.map((run) => run.seconds)),
      unit: 's',
      target: '<= 5',
    },
  ];
}
