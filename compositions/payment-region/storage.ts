import { Alias, Key } from '../../imports/kms.aws.upbound.io';
import { SubnetGroup } from '../../imports/rds.aws.upbound.io';
import {
  S3BucketPublicAccessBlock,
  S3BucketServerSideEncryptionConfigurationV1Beta2,
  S3BucketV1Beta2,
  S3BucketVersioningV1Beta2,
} from '../../imports/s3.aws.upbound.io';
import { LABEL } from '../../facts/labels';
import type { ComposedResource } from '../lib/composition';
import { combine, templated, toXr } from '../lib/patches';
import { regionFromXr, sameComposite } from '../lib/resources';
import { XR, regionalResource } from './common';

/** Everything the key must allow besides the account: CloudWatch Logs (log groups) and CloudWatch alarms (encrypted SNS topic). */
const KEY_USE = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
];
const KEY_ADMIN = [
  'kms:CreateGrant',
  'kms:ListGrants',
  'kms:RevokeGrant',
  'kms:RetireGrant',
  'kms:GetKeyPolicy',
  'kms:PutKeyPolicy',
  'kms:EnableKeyRotation',
  'kms:GetKeyRotationStatus',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ListResourceTags',
  'kms:CreateAlias',
  'kms:DeleteAlias',
  'kms:UpdateAlias',
  'kms:EnableKey',
  'kms:DisableKey',
  'kms:UpdateKeyDescription',
];

/**
 * Key policy (a resource policy: `Resource: "*"` there means this key). Explicit actions only: the
 * account (and so IAM policies) may use and administer the key; CloudWatch Logs may use it for this
 * region's log groups; CloudWatch may use it to publish alarms to the encrypted SNS topic.
 */
const KEY_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Account',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::{{account}}:root' },
      Action: [...KEY_USE, ...KEY_ADMIN],
      Resource: '*',
    },
    {
      Sid: 'CloudWatchLogs',
      Effect: 'Allow',
      Principal: { Service: 'logs.{{region}}.amazonaws.com' },
      Action: KEY_USE,
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:{{region}}:{{account}}:log-group:*' } },
    },
    {
      Sid: 'CloudWatchAlarmsToSns',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: '*',
    },
  ],
});

function kmsKey(): ComposedResource[] {
  return [
    regionalResource({
      name: 'kms-key',
      type: 'kms-payments',
      component: 'kms',
      manifest: Key.manifest({
        spec: {
          forProvider: regionFromXr({
            description: 'payments-dr: logs, secrets replica, tables, SNS, Aurora',
            enableKeyRotation: true,
            deletionWindowInDays: 7,
          }),
        },
      }),
      patches: [
        templated(KEY_POLICY, { account: XR.account, region: XR.region }, 'spec.forProvider.policy'),
        toXr('status.atProvider.arn', 'status.kmsKeyArn'),
      ],
    }),
    regionalResource({
      name: 'kms-alias',
      type: 'kms-alias-payments',
      component: 'kms',
      manifest: Alias.manifest({ spec: { forProvider: regionFromXr({ targetKeyIdSelector: sameComposite() }) } }),
      // The provider strips "alias/" from the external name and adds it back when it calls KMS
      // (provider-upjet-aws config/kms): a prefixed external name would flip on every reconcile.
      patches: [combine('payments-%s-%s', [XR.regionSuffix, XR.environment], 'metadata.annotations[crossplane.io/external-name]')],
    }),
  ];
}

/** The DB subnet group PaymentGlobal's Aurora cluster in this region selects (labels: environment, region, component=database). */
function dbSubnetGroup(): ComposedResource {
  return regionalResource({
    name: 'db-subnet-group',
    type: 'db-subnets',
    component: 'database',
    manifest: SubnetGroup.manifest({
      spec: {
        forProvider: regionFromXr({
          description: 'Aurora PostgreSQL: the three private subnets',
          subnetIdSelector: sameComposite({ [LABEL.purpose]: 'private' }),
        }),
      },
    }),
  });
}

/**
 * The artifact bucket (Lambda zips): private, versioned, encrypted, force-destroy so the
 * environment deletes cleanly. Its name is globally unique: {org}-artifacts-{region}-{env}.
 */
function artifactBucket(): ComposedResource[] {
  const bucket = sameComposite();
  const config = (name: string, type: string, manifest: Record<string, unknown>) =>
    regionalResource({ name, type, component: 'artifacts', manifest });
  return [
    regionalResource({
      name: 'artifact-bucket',
      type: 'artifacts',
      component: 'artifacts',
      manifest: S3BucketV1Beta2.manifest({ spec: { forProvider: regionFromXr({ forceDestroy: true }) } }),
      namePatch: combine('%s-artifacts-%s-%s', ['spec.organisationPrefix', XR.regionSuffix, XR.environment], 'metadata.name'),
    }),
    config(
      'artifact-bucket-versioning',
      'artifacts-versioning',
      S3BucketVersioningV1Beta2.manifest({
        spec: { forProvider: regionFromXr({ bucketSelector: bucket, versioningConfiguration: { status: 'Enabled' } }) },
      }),
    ),
    config(
      'artifact-bucket-encryption',
      'artifacts-encryption',
      S3BucketServerSideEncryptionConfigurationV1Beta2.manifest({
        spec: {
          forProvider: regionFromXr({ bucketSelector: bucket, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] }),
        },
      }),
    ),
    config(
      'artifact-bucket-public-access-block',
      'artifacts-public-access-block',
      S3BucketPublicAccessBlock.manifest({
        spec: {
          forProvider: regionFromXr({
            bucketSelector: bucket,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
          }),
        },
      }),
    ),
  ];
}

/** KMS key, DB subnet group and the artifact bucket. */
export function storageResources(): ComposedResource[] {
  return [...kmsKey(), dbSubnetGroup(), ...artifactBucket()];
}
