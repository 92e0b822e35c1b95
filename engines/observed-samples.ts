/**
 * Plausible observed state for composed resources, so the local render can run the two-phase
 * patches (composed status → XR status → other resources) the way Crossplane does after the
 * provider has created things. Values are shaped like AWS's, never real.
 */
import { createHash } from 'node:crypto';

import type { Json } from './yaml';

const forProvider = (resource: Json): Json => resource.spec?.forProvider ?? {};
const regionOf = (resource: Json): string => forProvider(resource).region ?? 'us-east-1';
const ACCOUNT = '111122223333';
/** An id shaped like EC2's (`subnet-` + 17 hex digits), distinct per resource name. */
const sampleId = (prefix: string, resource: Json): string =>
  `${prefix}-${createHash('sha256').update(resource.metadata.name).digest('hex').slice(0, 17)}`;

/** atProvider samples per kind, for the fields the project's Compositions read back. */
const SAMPLES: Record<string, (resource: Json) => Json> = {
  VPC: () => ({ id: 'vpc-0a1b2c3d4e5f60718' }),
  Subnet: (r) => ({ id: sampleId('subnet', r), arn: `arn:aws:ec2:${regionOf(r)}:${ACCOUNT}:subnet/${sampleId('subnet', r)}` }),
  Key: (r) => ({
    arn: `arn:aws:kms:${regionOf(r)}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    id: '1234abcd-12ab-34cd-56ef-1234567890ab',
  }),
  API: (r) => ({
    id: 'a1b2c3d4e5',
    apiEndpoint: `https://a1b2c3d4e5.execute-api.${regionOf(r)}.amazonaws.com`,
    executionArn: `arn:aws:execute-api:${regionOf(r)}:${ACCOUNT}:a1b2c3d4e5`,
  }),
  Certificate: (r) => ({
    domainValidationOptions: [forProvider(r).domainName, ...(forProvider(r).subjectAlternativeNames ?? [])].map((domainName: string) => ({
      domainName,
      resourceRecordName: `_3b1c2d4e5f.${domainName}.`,
      resourceRecordType: 'CNAME',
      resourceRecordValue: '_6a7b8c9d0e.abcdefghij.acm-validations.aws.',
    })),
  }),
  CertificateValidation: (r) => ({
    certificateArn: `arn:aws:acm:${regionOf(r)}:${ACCOUNT}:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
  }),
  DomainName: (r) => ({
    domainNameConfiguration: { targetDomainName: `d-abc123def4.execute-api.${regionOf(r)}.amazonaws.com`, hostedZoneId: 'Z1UJRXOUMOOFQ8' },
  }),
  HealthCheck: () => ({ id: 'abcdef11-2222-3333-4444-555555fedcba' }),
  Alias: (r) => ({ targetKeyArn: `arn:aws:kms:${regionOf(r)}:${ACCOUNT}:key/5678abcd-12ab-34cd-56ef-1234567890ab` }),
  GlobalCluster: (r) => ({ endpoint: `${r.metadata.name}.global-abc123def.global.rds.amazonaws.com` }),
  Cluster: (r) => ({
    endpoint: `${r.metadata.name}.cluster-abc123def456.${regionOf(r)}.rds.amazonaws.com`,
    readerEndpoint: `${r.metadata.name}.cluster-ro-abc123def456.${regionOf(r)}.rds.amazonaws.com`,
  }),
  Table: (r) => ({ id: r.metadata.name, arn: `arn:aws:dynamodb:${regionOf(r)}:${ACCOUNT}:table/${r.metadata.name}` }),
  Secret: (r) => ({ arn: `arn:aws:secretsmanager:${regionOf(r)}:${ACCOUNT}:secret:${forProvider(r).name}-AbCdEf` }),
  // Secrets Manager version ids are UUIDs; the sample ends in the version number, so a rotation shows as a new id
  SecretVersion: (r) => ({ versionId: `5e0c1a2b-3c4d-4e5f-8a9b-${String(forProvider(r).secretStringWoVersion ?? 0).padStart(12, '0')}` }),
};

/** The rendered resources with sample `status.atProvider` where a kind has one. */
export function observedSamples(resources: readonly Json[]): Json[] {
  return resources
    .filter((resource) => SAMPLES[resource.kind])
    .map((resource) => ({
      ...resource,
      status: { atProvider: SAMPLES[resource.kind](resource), conditions: [{ type: 'Ready', status: 'True' }] },
    }));
}
