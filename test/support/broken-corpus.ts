/**
 * A corpus of deliberately broken manifests, generated from the committed dist/ (and small
 * hand-written managed resources): each case breaks exactly one thing in an otherwise valid set
 * of documents. Categories: type errors, unknown fields, enum / pattern / bounds violations, CEL
 * rule violations, missing required fields, metadata, bad patch paths and broken
 * function-patch-and-transform inputs. Every case must be refused by the real engines or the
 * project's own rules (test/engines/validate/broken-corpus.test.ts); docs/engines-parity.md compares the
 * retired home-made validator's verdicts with the engines' on the same corpus.
 */
import * as path from 'node:path';
import { readManifests } from '../../engines/manifest-files';

type Json = Record<string, any>;

export interface ManifestDocument {
  file: string;
  doc: Json;
}

export type Category =
  | 'type'
  | 'unknown field'
  | 'enum'
  | 'pattern'
  | 'bounds'
  | 'CEL'
  | 'required'
  | 'metadata'
  | 'patch path'
  | 'P&T input'
  | 'XRD';

export interface BrokenCase {
  /** Unique, e.g. `region-claim/type/failureThreshold-string`. */
  readonly id: string;
  readonly category: Category;
  readonly description: string;
  /** The broken document and the documents it needs (its XRD; for Composition cases also a claim). */
  readonly documents: ManifestDocument[];
  /** The case only shows when a claim is rendered through the broken Composition. */
  readonly render: boolean;
}

const DIST = path.resolve(__dirname, '..', '..', 'dist');

function distDocuments(): ManifestDocument[] {
  return readManifests(DIST, path.resolve(DIST, '..')).documents.map((d) => ({ file: d.file, doc: d.doc as Json }));
}

/** A hand-written managed resource of a vendored CRD, valid as it stands. */
const MANAGED: Record<string, () => Json> = {
  vpc: () => ({
    apiVersion: 'ec2.aws.upbound.io/v1beta1',
    kind: 'VPC',
    metadata: { name: 'corpus-vpc' },
    spec: { forProvider: { region: 'us-east-1', cidrBlock: '10.0.0.0/16', enableDnsSupport: true, tags: { Name: 'corpus-vpc' } } },
  }),
  subnet: () => ({
    apiVersion: 'ec2.aws.upbound.io/v1beta1',
    kind: 'Subnet',
    metadata: { name: 'corpus-subnet' },
    spec: {
      forProvider: {
        region: 'us-east-1',
        cidrBlock: '10.0.0.0/24',
        availabilityZone: 'us-east-1a',
        vpcId: 'vpc-0a1b2c3d',
        tags: { Name: 'corpus-subnet' },
      },
    },
  }),
  role: () => ({
    apiVersion: 'iam.aws.upbound.io/v1beta1',
    kind: 'Role',
    metadata: { name: 'corpus-role' },
    spec: { forProvider: { assumeRolePolicy: '{"Version":"2012-10-17","Statement":[]}' } },
  }),
  lambda: () => ({
    apiVersion: 'lambda.aws.upbound.io/v1beta2',
    kind: 'Function',
    metadata: { name: 'corpus-function' },
    spec: {
      forProvider: {
        region: 'us-east-1',
        role: 'arn:aws:iam::111122223333:role/x',
        runtime: 'nodejs22.x',
        handler: 'index.handler',
        memorySize: 1024,
        s3Bucket: 'b',
        s3Key: 'k',
      },
    },
  }),
  table: () => ({
    apiVersion: 'dynamodb.aws.upbound.io/v1beta2',
    kind: 'Table',
    metadata: { name: 'corpus-table' },
    spec: { forProvider: { region: 'us-east-1', billingMode: 'PAY_PER_REQUEST', hashKey: 'id', attribute: [{ name: 'id', type: 'S' }] } },
  }),
  alarm: () => ({
    apiVersion: 'cloudwatch.aws.upbound.io/v1beta2',
    kind: 'MetricAlarm',
    metadata: { name: 'corpus-alarm' },
    spec: {
      forProvider: {
        region: 'us-east-1',
        comparisonOperator: 'GreaterThanThreshold',
        evaluationPeriods: 1,
        metricName: 'Errors',
        namespace: 'AWS/Lambda',
        period: 60,
        statistic: 'Sum',
        threshold: 1,
      },
    },
  }),
  record: () => ({
    apiVersion: 'route53.aws.upbound.io/v1beta2',
    kind: 'Record',
    metadata: { name: 'corpus-record' },
    spec: {
      forProvider: { region: 'us-east-1', zoneId: 'Z0EXAMPLE', name: 'a.example.com', type: 'CNAME', ttl: 60, records: ['b.example.com'] },
    },
  }),
  usage: () => ({
    apiVersion: 'protection.crossplane.io/v1beta1',
    kind: 'Usage',
    metadata: { name: 'corpus-usage', namespace: 'payments-dr' },
    spec: { of: { apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'VPC', resourceRef: { name: 'corpus-vpc' } }, reason: 'corpus' },
  }),
};

/** Sets `value` at a dotted path with [n] indices (creating objects on the way); `undefined` deletes. */
function setAt(object: Json, dotted: string, value: unknown): void {
  const keys = dotted.split('.').flatMap((part) => part.split(/\[(\d+)\]/).filter(Boolean));
  const last = keys.pop()!;
  const parent = keys.reduce<Json>((node, key) => (node[key] ??= {}), object);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
}

/** A P&T resource template of a Composition by name. */
function template(composition: Json, name: string): Json {
  const found = composition.spec.pipeline[0].input.resources.find((r: Json) => r.name === name);
  if (!found) throw new Error(`no resource template ${name} in ${composition.metadata.name}`);
  return found;
}

/** The corpus. `dist` defaults to the committed dist/ documents. */
export function brokenCorpus(dist: readonly ManifestDocument[] = distDocuments()): BrokenCase[] {
  const find = (kind: string, name: string) => {
    const found = dist.find((d) => d.doc.kind === kind && d.doc.metadata?.name === name);
    if (!found) throw new Error(`dist/ has no ${kind} ${name}`);
    return { file: found.file, doc: structuredClone(found.doc) };
  };
  const regionApi = () => [find('CompositeResourceDefinition', 'xpaymentregions.payments-dr.io'), find('Composition', 'paymentregion-aws')];
  const globalApi = () => [find('CompositeResourceDefinition', 'xpaymentglobals.payments-dr.io'), find('Composition', 'paymentglobal-aws')];
  const regionClaim = () => find('PaymentRegion', 'paymentregion-use1-dev');
  const globalClaim = () => find('PaymentGlobal', 'paymentglobal-dev');
  const cases: BrokenCase[] = [];
  const add = (id: string, category: Category, description: string, documents: ManifestDocument[], render = false) =>
    cases.push({ id, category, description, documents, render });

  // A PaymentRegion claim against its XRD.
  const claimCase = (id: string, category: Category, description: string, change: (claim: Json) => void) => {
    const claim = regionClaim();
    change(claim.doc);
    add(`region-claim/${id}`, category, description, [...regionApi(), claim]);
  };
  const at = (dotted: string, value: unknown) => (claim: Json) => setAt(claim, dotted, value);
  claimCase(
    'failureThreshold-string',
    'type',
    'spec.healthCheck.failureThreshold is the string "3"',
    at('spec.healthCheck.failureThreshold', '3'),
  );
  claimCase(
    'emails-not-a-list',
    'type',
    'spec.alerting.emails is a string, not a list',
    at('spec.alerting.emails', 'payments-oncall@example.com'),
  );
  claimCase('zone-not-an-object', 'type', 'spec.network.zones[0] is a string', at('spec.network.zones[0]', 'us-east-1a'));
  claimCase('memory-float', 'type', 'spec.functions.memoryMb is 1024.5 (integer field)', at('spec.functions.memoryMb', 1024.5));
  claimCase('healthCheck-unknown', 'unknown field', 'spec.healthCheck.interval is not a field', at('spec.healthCheck.interval', 30));
  claimCase(
    'alertEmails-unknown',
    'unknown field',
    'spec.alertEmails (misspelled alerting) is not a field',
    at('spec.alertEmails', ['a@example.com']),
  );
  claimCase(
    'zone-field-misspelled',
    'unknown field',
    'spec.network.zones[1].availabilityZon (misspelled) added',
    at('spec.network.zones[1].availabilityZon', 'us-east-1b'),
  );
  claimCase('metadata-lables', 'unknown field', 'metadata.lables (misspelled labels)', at('metadata.lables', { a: 'b' }));
  claimCase('failoverRole-enum', 'enum', 'spec.failoverRole is ACTIVE', (c) => {
    c.spec.failoverRole = 'ACTIVE';
  });
  claimCase('natMode-enum', 'enum', 'spec.network.natMode is dual', at('spec.network.natMode', 'dual'));
  claimCase('runtime-enum', 'enum', 'spec.functions.runtime is nodejs18.x', at('spec.functions.runtime', 'nodejs18.x'));
  claimCase(
    'compositeDeletePolicy-enum',
    'enum',
    'spec.compositeDeletePolicy (a field Crossplane adds to claims) is Orphan',
    at('spec.compositeDeletePolicy', 'Orphan'),
  );
  claimCase('awsAccountId-pattern', 'pattern', 'spec.awsAccountId has 11 digits', at('spec.awsAccountId', '11112222333'));
  claimCase('hostedZoneId-pattern', 'pattern', 'spec.dns.hostedZoneId is lower case', at('spec.dns.hostedZoneId', 'z0example'));
  claimCase(
    'sourceCodeHash-pattern',
    'pattern',
    'spec.functions.webhook.sourceCodeHash is not base64 SHA-256',
    at('spec.functions.webhook.sourceCodeHash', 'abc'),
  );
  claimCase('email-pattern', 'pattern', 'spec.alerting.emails[0] has no @', at('spec.alerting.emails[0]', 'oncall-at-example.com'));
  claimCase(
    's3Key-pattern',
    'pattern',
    'spec.functions.health.s3Key is not functions/<name>/<sha256>.zip',
    at('spec.functions.health.s3Key', 'health.zip'),
  );
  claimCase('memory-bounds', 'bounds', 'spec.functions.memoryMb is 512 (minimum 1024)', at('spec.functions.memoryMb', 512));
  claimCase('interval-bounds', 'bounds', 'spec.healthCheck.requestInterval is 10 (minimum 30)', at('spec.healthCheck.requestInterval', 10));
  claimCase(
    'lag-bounds',
    'bounds',
    'spec.alerting.replicationLagThresholdMs is 5000 (maximum 1000)',
    at('spec.alerting.replicationLagThresholdMs', 5000),
  );
  claimCase(
    'suffix-maxLength',
    'bounds',
    'spec.environmentSuffix is 28 characters (maxLength 27, from the naming table)',
    at('spec.environmentSuffix', 'a'.repeat(28)),
  );
  claimCase('regionSuffix-cel', 'CEL', 'spec.regionSuffix usw2 in us-east-1 (and SECONDARY, so only the suffix rule breaks)', (c) => {
    c.spec.regionSuffix = 'usw2';
    c.spec.failoverRole = 'SECONDARY';
  });
  claimCase('peer-cel', 'CEL', "spec.peer.region is the claim's own region", at('spec.peer.region', 'us-east-1'));
  claimCase('natZones-cel', 'CEL', 'natMode per-az with one NAT gateway zone', at('spec.network.natMode', 'per-az'));
  claimCase(
    'egress-cel',
    'CEL',
    'a zone egresses through a zone without a NAT gateway',
    at('spec.network.zones[2].egressNatZone', 'us-east-1c'),
  );
  claimCase('role-cel', 'CEL', 'use1 is SECONDARY', at('spec.failoverRole', 'SECONDARY'));
  claimCase('dns-required', 'required', 'spec.dns is missing', at('spec.dns', undefined));
  claimCase(
    'egressNatZone-required',
    'required',
    'spec.network.zones[0].egressNatZone is missing',
    at('spec.network.zones[0].egressNatZone', undefined),
  );
  claimCase('s3Key-required', 'required', 'spec.functions.webhook.s3Key is missing', at('spec.functions.webhook.s3Key', undefined));
  claimCase('no-namespace', 'metadata', 'the claim has no metadata.namespace (claims are namespaced)', at('metadata.namespace', undefined));
  claimCase('bad-name', 'metadata', 'metadata.name is PaymentRegion_use1 (not a DNS subdomain)', at('metadata.name', 'PaymentRegion_use1'));
  claimCase('bad-label-value', 'metadata', 'a label value has spaces', at('metadata.labels', { 'payments-dr.io/region': 'us east 1' }));
  claimCase(
    'secretRef-namespace',
    'unknown field',
    'spec.writeConnectionSecretToRef.namespace (claims name the secret only)',
    at('spec.writeConnectionSecretToRef', { name: 'x', namespace: 'y' }),
  );
  claimCase('compositionRef-string', 'type', 'spec.compositionRef is a string, not {name}', at('spec.compositionRef', 'paymentregion-aws'));

  // A PaymentGlobal claim against its XRD.
  const globalCase = (id: string, category: Category, description: string, change: (claim: Json) => void) => {
    const claim = globalClaim();
    change(claim.doc);
    add(`global-claim/${id}`, category, description, [...globalApi(), claim]);
  };
  globalCase('engineVersion-pattern', 'pattern', 'spec.database.engineVersion is 15.4', at('spec.database.engineVersion', '15.4'));
  globalCase(
    'instanceClass-pattern',
    'pattern',
    'an instance class is burstable db.t3.medium',
    at('spec.regions.use1.instanceClass', 'db.t3.medium'),
  );
  globalCase(
    'backupWindow-pattern',
    'pattern',
    'spec.database.preferredBackupWindow is 3:00-4:00',
    at('spec.database.preferredBackupWindow', '3:00-4:00'),
  );
  globalCase('cidr-cel', 'CEL', 'both regions have the same VPC CIDR', (c) => {
    c.spec.regions.usw2.vpcCidr = c.spec.regions.use1.vpcCidr;
  });
  globalCase('pitr-bounds', 'bounds', 'spec.tables.pointInTimeRecoveryDays is 36', at('spec.tables.pointInTimeRecoveryDays', 36));
  globalCase('usw2-required', 'required', 'spec.regions.usw2 is missing', at('spec.regions.usw2', undefined));
  globalCase('retention-type', 'type', 'spec.database.backupRetentionDays is "7"', at('spec.database.backupRetentionDays', '7'));

  // Managed resources against their vendored CRDs.
  const managedCase = (id: string, kind: keyof typeof MANAGED, category: Category, description: string, change: (object: Json) => void) => {
    const object = MANAGED[kind]();
    change(object);
    add(`managed/${id}`, category, description, [{ file: `corpus/${kind}.yaml`, doc: object }]);
  };
  managedCase('vpc-cidrBlok', 'vpc', 'unknown field', 'VPC spec.forProvider.cidrBlok (misspelled cidrBlock)', (o) => {
    o.spec.forProvider.cidrBlok = o.spec.forProvider.cidrBlock;
    delete o.spec.forProvider.cidrBlock;
  });
  managedCase('vpc-dns-string', 'vpc', 'type', 'VPC enableDnsSupport is "yes"', at('spec.forProvider.enableDnsSupport', 'yes'));
  managedCase('vpc-deletionPolicy', 'vpc', 'enum', 'VPC spec.deletionPolicy is Retain', at('spec.deletionPolicy', 'Retain'));
  managedCase('vpc-region-required', 'vpc', 'required', 'VPC without spec.forProvider.region', at('spec.forProvider.region', undefined));
  managedCase(
    'vpc-label-value',
    'vpc',
    'metadata',
    'VPC label value "us east 1" (not a label value)',
    at('metadata.labels', { 'payments-dr.io/region': 'us east 1' }),
  );
  managedCase('vpc-specs', 'vpc', 'unknown field', 'VPC with a top-level field "specs"', at('specs', {}));
  managedCase(
    'vpc-managementPolicies',
    'vpc',
    'enum',
    'VPC managementPolicies [Everything]',
    at('spec.managementPolicies', ['Everything']),
  );
  managedCase(
    'vpc-resolution',
    'vpc',
    'enum',
    'VPC providerConfigRef.policy.resolution is Sometimes',
    at('spec.providerConfigRef', { name: 'default', policy: { resolution: 'Sometimes' } }),
  );
  managedCase('vpc-metadata-lables', 'vpc', 'unknown field', 'VPC metadata.lables (misspelled labels)', at('metadata.lables', { a: 'b' }));
  managedCase('vpc-bad-name', 'vpc', 'metadata', 'VPC metadata.name VPC_use1', at('metadata.name', 'VPC_use1'));
  managedCase(
    'role-assume-cel',
    'role',
    'CEL',
    'Role without assumeRolePolicy (upjet CEL: a required parameter)',
    at('spec.forProvider.assumeRolePolicy', undefined),
  );
  managedCase('lambda-memory-string', 'lambda', 'type', 'Lambda Function memorySize "1024"', at('spec.forProvider.memorySize', '1024'));
  managedCase('lambda-region-required', 'lambda', 'required', 'Lambda Function without region', at('spec.forProvider.region', undefined));
  managedCase(
    'table-billing-list',
    'table',
    'type',
    'Table billingMode is a list',
    at('spec.forProvider.billingMode', ['PAY_PER_REQUEST']),
  );
  managedCase(
    'table-attribute-object',
    'table',
    'type',
    'Table attribute is an object, not a list',
    at('spec.forProvider.attribute', { name: 'id', type: 'S' }),
  );
  managedCase(
    'alarm-evaluation-cel',
    'alarm',
    'CEL',
    'MetricAlarm without evaluationPeriods (upjet CEL: a required parameter)',
    at('spec.forProvider.evaluationPeriods', undefined),
  );
  managedCase('alarm-threshold-string', 'alarm', 'type', 'MetricAlarm threshold "1"', at('spec.forProvider.threshold', 'one'));
  managedCase('subnet-tags-list', 'subnet', 'type', 'Subnet tags is a list', at('spec.forProvider.tags', ['Name=corpus-subnet']));
  managedCase('record-ttl-string', 'record', 'type', 'Record ttl "sixty"', at('spec.forProvider.ttl', 'sixty'));
  managedCase('usage-no-reason', 'usage', 'CEL', 'Usage with neither by nor reason (Crossplane CRD CEL)', at('spec.reason', undefined));
  managedCase('usage-replay-string', 'usage', 'type', 'Usage replayDeletion "yes"', at('spec.replayDeletion', 'yes'));

  // Platform objects: Crossplane packages, ProviderConfig, Argo CD, built-in kinds.
  const platformCase = (
    id: string,
    kind: string,
    name: string,
    category: Category,
    description: string,
    change: (object: Json) => void,
  ) => {
    const object = find(kind, name);
    change(object.doc);
    add(`platform/${id}`, category, description, [object]);
  };
  const provider = dist.find((d) => d.doc.kind === 'Provider')!.doc.metadata.name;
  const application = dist.find((d) => d.doc.kind === 'Application')!.doc.metadata.name;
  const appProject = dist.find((d) => d.doc.kind === 'AppProject')!.doc.metadata.name;
  const runtime = dist.find((d) => d.doc.kind === 'DeploymentRuntimeConfig')!.doc.metadata.name;
  const providerConfig = dist.find((d) => d.doc.kind === 'ProviderConfig')!.doc.metadata.name;
  const clusterRole = dist.find((d) => d.doc.kind === 'ClusterRole')!.doc.metadata.name;
  const configMap = dist.find((d) => d.doc.kind === 'ConfigMap')!.doc.metadata.name;
  const namespace = dist.find((d) => d.doc.kind === 'Namespace')!.doc.metadata.name;
  platformCase(
    'provider-package-required',
    'Provider',
    provider,
    'required',
    'Provider without spec.package',
    at('spec.package', undefined),
  );
  platformCase(
    'provider-history-string',
    'Provider',
    provider,
    'type',
    'Provider revisionHistoryLimit "1"',
    at('spec.revisionHistoryLimit', '1'),
  );
  platformCase(
    'function-skip-string',
    'Function',
    'function-patch-and-transform',
    'type',
    'Function skipDependencyResolution "yes"',
    at('spec.skipDependencyResolution', 'yes'),
  );
  platformCase(
    'function-unknown-field',
    'Function',
    'function-auto-ready',
    'unknown field',
    'Function spec.pakage (misspelled package)',
    (o) => {
      o.spec.pakage = o.spec.package;
    },
  );
  platformCase(
    'runtime-replicas-string',
    'DeploymentRuntimeConfig',
    runtime,
    'type',
    'DeploymentRuntimeConfig deploymentTemplate replicas "two"',
    at('spec.deploymentTemplate.spec.replicas', 'two'),
  );
  platformCase(
    'providerconfig-source-enum',
    'ProviderConfig',
    providerConfig,
    'enum',
    'ProviderConfig credentials.source Vault',
    at('spec.credentials.source', 'Vault'),
  );
  platformCase(
    'application-destination-unknown',
    'Application',
    application,
    'unknown field',
    'Argo CD Application spec.destination.cluster (not a field)',
    at('spec.destination.cluster', 'in-cluster'),
  );
  platformCase(
    'application-project-required',
    'Application',
    application,
    'required',
    'Argo CD Application without spec.project',
    at('spec.project', undefined),
  );
  platformCase(
    'appproject-repos-string',
    'AppProject',
    appProject,
    'type',
    'AppProject sourceRepos is a string',
    at('spec.sourceRepos', 'https://example.org/x.git'),
  );
  platformCase(
    'namespace-lables',
    'Namespace',
    namespace,
    'unknown field',
    'Namespace metadata.lables (built-in kind)',
    at('metadata.lables', { a: 'b' }),
  );
  platformCase(
    'clusterrole-verbs-string',
    'ClusterRole',
    clusterRole,
    'type',
    'ClusterRole rules[0].verbs is a string (built-in kind)',
    at('rules[0].verbs', 'get'),
  );
  platformCase('configmap-data-number', 'ConfigMap', configMap, 'type', 'ConfigMap data value is a number (built-in kind)', (o) => {
    o.data = { ...o.data, answer: 42 };
  });

  // XRDs (the CRDs Crossplane generates from them must install).
  const xrdCase = (id: string, category: Category, description: string, change: (xrd: Json) => void) => {
    const [xrd, composition] = regionApi();
    change(xrd.doc);
    add(`xrd/${id}`, category, description, [xrd, composition]);
  };
  xrdCase('plural-required', 'required', 'XRD without spec.names.plural', at('spec.names.plural', undefined));
  xrdCase('scope-enum', 'enum', 'XRD spec.scope Regional', at('spec.scope', 'Regional'));
  xrdCase('cel-does-not-compile', 'CEL', 'an x-kubernetes-validations rule of the XRD schema does not compile', (x) => {
    x.spec.versions[0].schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'].push({
      rule: "self.region.startsWithh('us')",
      message: 'x',
    });
  });
  xrdCase('non-structural', 'XRD', 'a property without a type (not a structural schema)', (x) => {
    x.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.extra = { description: 'no type' };
  });
  xrdCase('default-wrong-type', 'XRD', 'a default that does not match its own type', (x) => {
    x.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.healthCheck.properties.failureThreshold.default = 'three';
  });

  // Compositions, rendered: a claim through a broken Composition.
  const compositionCase = (id: string, category: Category, description: string, change: (composition: Json) => void) => {
    const [xrd, composition] = regionApi();
    change(composition.doc);
    add(`composition/${id}`, category, description, [xrd, composition, regionClaim()], true);
  };
  const patchTo = (resource: string, toFieldPath: string) => (c: Json) =>
    template(c, resource).patches.find((p: Json) => p.toFieldPath === toFieldPath);
  compositionCase(
    'from-misspelled',
    'patch path',
    'vpc: fromFieldPath spec.network.vpcCIDR (misspelled; an Optional patch is silently skipped)',
    (c) => {
      patchTo('vpc', 'spec.forProvider.cidrBlock')(c).fromFieldPath = 'spec.network.vpcCIDR';
    },
  );
  compositionCase('to-misspelled', 'patch path', 'vpc: toFieldPath spec.forProvider.cidrBlok', (c) => {
    patchTo('vpc', 'spec.forProvider.cidrBlock')(c).toFieldPath = 'spec.forProvider.cidrBlok';
  });
  compositionCase('to-index-on-map', 'patch path', 'vpc: toFieldPath spec.forProvider.tags[0] (an index into a map)', (c) => {
    patchTo('vpc', 'spec.forProvider.tags[Name]')(c).toFieldPath = 'spec.forProvider.tags[0]';
  });
  compositionCase('combine-variable-misspelled', 'patch path', 'vpc: a combine variable reads spec.environmentSufix', (c) => {
    patchTo('vpc', 'metadata.name')(c).combine.variables[1].fromFieldPath = 'spec.environmentSufix';
  });
  compositionCase('to-composite-misspelled', 'patch path', 'vpc: ToCompositeFieldPath writes status.vpcID (not in the XRD status)', (c) => {
    patchTo('vpc', 'status.vpcId')(c).toFieldPath = 'status.vpcID';
  });
  compositionCase('to-syntax', 'patch path', 'vpc: toFieldPath spec.forProvider.tags[Name (unterminated)', (c) => {
    patchTo('vpc', 'spec.forProvider.tags[Name]')(c).toFieldPath = 'spec.forProvider.tags[Name';
  });
  compositionCase(
    'required-status-never-set',
    'patch path',
    'kms-alias: a Required patch from status.neverSet, which nothing writes (never composed)',
    (c) => {
      template(c, 'kms-alias').patches.push({
        type: 'FromCompositeFieldPath',
        fromFieldPath: 'status.neverSet',
        toFieldPath: 'metadata.annotations[x]',
        policy: { fromFieldPath: 'Required' },
      });
    },
  );
  compositionCase(
    'required-optional-slot',
    'patch path',
    'kms-alias: a Required patch from a spec field the claim leaves unset (the claim would never be Ready)',
    (c) => {
      template(c, 'kms-alias').patches.push({
        type: 'FromCompositeFieldPath',
        fromFieldPath: 'spec.parameters.alertEmail',
        toFieldPath: 'metadata.annotations[x]',
        policy: { fromFieldPath: 'Required' },
      });
    },
  );
  compositionCase('patch-type-enum', 'P&T input', 'vpc: patch type FromCompositeFieldPat', (c) => {
    patchTo('vpc', 'spec.forProvider.cidrBlock')(c).type = 'FromCompositeFieldPat';
  });
  compositionCase('patches-misspelled', 'P&T input', 'vpc: "pathces" instead of "patches"', (c) => {
    const vpc = template(c, 'vpc');
    vpc.pathces = vpc.patches;
    delete vpc.patches;
  });
  compositionCase('patchSet-unknown', 'P&T input', 'vpc: a PatchSet patch names patchSet "regoin"', (c) => {
    template(c, 'vpc').patches.find((p: Json) => p.type === 'PatchSet' && p.patchSetName === 'region').patchSetName = 'regoin';
  });
  compositionCase('policy-enum', 'P&T input', 'vpc: policy.fromFieldPath Sometimes', (c) => {
    patchTo('vpc', 'spec.forProvider.cidrBlock')(c).policy = { fromFieldPath: 'Sometimes' };
  });
  compositionCase('transform-enum', 'P&T input', 'vpc: a string transform of type Split', (c) => {
    patchTo('vpc', 'spec.forProvider.cidrBlock')(c).transforms = [{ type: 'string', string: { type: 'Split' } }];
  });
  compositionCase('map-miss', 'P&T input', "vpc: a map transform without the claim's value (fails when rendered)", (c) => {
    patchTo('vpc', 'spec.forProvider.cidrBlock')(c).transforms = [{ type: 'map', map: { '10.99.0.0/16': '10.99.0.0/16' } }];
  });
  compositionCase('readiness-enum', 'P&T input', 'vpc: readinessChecks type NonEmptyy', (c) => {
    template(c, 'vpc').readinessChecks = [{ type: 'NonEmptyy', fieldPath: 'status.atProvider.id' }];
  });
  compositionCase('base-unknown-field', 'unknown field', 'vpc base: spec.forProvider.enableDnsSuport (misspelled)', (c) => {
    template(c, 'vpc').base.spec.forProvider.enableDnsSuport = true;
  });
  compositionCase('base-wrong-type', 'type', 'vpc base: enableDnsHostnames "true"', (c) => {
    template(c, 'vpc').base.spec.forProvider.enableDnsHostnames = 'true';
  });
  compositionCase('base-unknown-kind', 'unknown field', 'vpc base: kind Vpc (no such kind)', (c) => {
    template(c, 'vpc').base.kind = 'Vpc';
  });
  compositionCase('mode-enum', 'enum', 'Composition spec.mode Resources (removed in Crossplane v2)', at('spec.mode', 'Resources'));
  compositionCase(
    'compositeTypeRef-kind',
    'required',
    'Composition spec.compositeTypeRef names kind XPaymentRegio',
    at('spec.compositeTypeRef.kind', 'XPaymentRegio'),
  );
  compositionCase(
    'function-unknown',
    'required',
    'a pipeline step calls function-patch-and-transfrom (no such Function)',
    at('spec.pipeline[0].functionRef.name', 'function-patch-and-transfrom'),
  );
  return cases;
}
