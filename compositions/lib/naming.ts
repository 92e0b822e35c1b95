import { type NameService, isNamedType } from '../../facts/naming';
import type { ComposedResource } from './composition';
import type { Patch } from './patches';

/** Kinds whose metadata.name is the AWS name (the provider's default external name). */
const METADATA_NAME: Readonly<Record<string, NameService>> = {
  GlobalCluster: 'rds-global-cluster',
  Cluster: 'rds-cluster',
  ClusterInstance: 'rds-instance',
  ClusterParameterGroup: 'rds-parameter-group',
  SubnetGroup: 'rds-subnet-group',
  Function: 'lambda-function',
  Role: 'iam-role',
  RolePolicy: 'iam-policy',
  Bucket: 's3-bucket',
  Topic: 'sns-topic',
  Table: 'dynamodb-table',
  MetricAlarm: 'cloudwatch-alarm',
  Dashboard: 'cloudwatch-dashboard',
  Schedule: 'scheduler-schedule',
};

/** Kinds that carry their AWS name in spec.forProvider.name. */
const FOR_PROVIDER_NAME: Readonly<Record<string, NameService>> = {
  Secret: 'secret',
  API: 'apigateway-api',
  SecurityGroup: 'security-group',
  Schedule: 'scheduler-schedule',
};

/** Kinds whose external name is the AWS name, with what the name patch leaves out in front of the type. */
const EXTERNAL_NAME: Readonly<Record<string, { service: NameService; prefix: RegExp }>> = {
  Group: { service: 'log-group', prefix: /^\/aws\/(lambda|apigateway)\// },
  Alias: { service: 'kms-alias', prefix: /^/ },
};

/** Where an AWS-facing name of `kind` is written, and the service whose rules it must satisfy. */
function serviceAt(kind: string, toFieldPath: string): NameService | undefined {
  if (toFieldPath === 'metadata.name') return METADATA_NAME[kind];
  if (toFieldPath === 'spec.forProvider.name') return FOR_PROVIDER_NAME[kind];
  if (toFieldPath === 'spec.forProvider.tags[Name]') return 'ec2-name-tag';
  if (toFieldPath === 'metadata.annotations[crossplane.io/external-name]') return EXTERNAL_NAME[kind]?.service;
  return undefined;
}

/** `{type}-%s-%s` (regional), `{type}-use1-%s` (homed), `%s-{type}-%s-%s` (organisation-prefixed): the type, or undefined. */
function typeOfFormat(kind: string, fmt: string): string | undefined {
  const unprefixed = fmt.replace(EXTERNAL_NAME[kind]?.prefix ?? /^/, '').replace(/^%s-/, '');
  return /^(.+)-(%s|use1|usw2)-%s$/.exec(unprefixed)?.[1];
}

/**
 * Refuses a composed resource whose AWS-facing name patch builds a name that has no row in the
 * naming table (facts/naming.ts AWS_NAMES): every name the Compositions give AWS is one config
 * validation has checked and the naming test holds rendered output to.
 */
export function checkAwsNames(resource: ComposedResource): ComposedResource {
  const kind = String((resource.base as { kind?: unknown }).kind);
  for (const patch of resource.patches ?? []) {
    const { type, toFieldPath, combine } = patch as Patch & { toFieldPath?: string; combine?: { string?: { fmt?: string } } };
    if (type !== 'CombineFromComposite' || !toFieldPath || !combine?.string?.fmt) continue;
    const service = serviceAt(kind, toFieldPath);
    if (!service) continue;
    const nameType = typeOfFormat(kind, combine.string.fmt);
    if (!nameType || !isNamedType(service, nameType))
      throw new Error(
        `composed resource "${resource.name}" (${kind}): the ${service} name "${combine.string.fmt}" at ${toFieldPath} ` +
          'has no row in the naming table (facts/naming.ts AWS_NAMES): add it there, where config validation checks its length',
      );
  }
  return resource;
}

interface RenderedResource {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly annotations?: Readonly<Record<string, string>> };
  readonly spec?: { readonly forProvider?: { readonly name?: string; readonly tags?: Readonly<Record<string, string>> } };
}

/**
 * The AWS-facing names of one rendered composed resource, each with its service: metadata.name
 * for the kinds named by it, spec.forProvider.name, the Name tag, and the external name of log
 * groups, KMS aliases (the provider adds "alias/") and API domain names.
 */
export function renderedAwsNames(resource: RenderedResource): Array<{ service: NameService; name: string; at: string }> {
  const kind = resource.kind ?? '';
  const forProvider = resource.spec?.forProvider ?? {};
  const external = resource.metadata?.annotations?.['crossplane.io/external-name'];
  const names: Array<{ service: NameService; name: string; at: string }> = [];
  if (METADATA_NAME[kind]) names.push({ service: METADATA_NAME[kind], name: resource.metadata?.name ?? '', at: 'metadata.name' });
  if (FOR_PROVIDER_NAME[kind] && forProvider.name !== undefined)
    names.push({ service: FOR_PROVIDER_NAME[kind], name: forProvider.name, at: 'spec.forProvider.name' });
  if (forProvider.tags?.Name !== undefined) names.push({ service: 'ec2-name-tag', name: forProvider.tags.Name, at: 'tags.Name' });
  const externalService = kind === 'DomainName' ? 'dns-name' : EXTERNAL_NAME[kind]?.service;
  if (externalService && external !== undefined)
    names.push({ service: externalService, name: kind === 'Alias' ? `alias/${external}` : external, at: 'external-name' });
  return names;
}
