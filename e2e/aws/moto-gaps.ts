/**
 * What moto cannot serve truthfully, per managed-resource kind the platform composes, and what the
 * AWS e2e does instead: such a kind's composed resources are created paused
 * (`crossplane.io/paused: "true"` in the Composition's base), so the provider never calls AWS for
 * them and they are reported as out of this run — never as Ready.
 */
import type { Json } from '../kube';
import type { ResourceType } from '../resources';
import type { Platform } from '../platform';

export const PAUSED = 'crossplane.io/paused';

/** `group/Kind` → why moto cannot prove it. */
export const MOTO_GAPS: Readonly<Record<string, string>> = {
  'dynamodb.aws.upbound.io/Table':
    "moto's UpdateTable ignores ReplicaUpdates, so a global table's replica never exists and Terraform " +
    'waits for it until it times out; the v2.5.0 CRD also has no replica[].kmsKeyArnSelector',
  'lambda.aws.upbound.io/Invocation':
    'moto runs a function only in Docker; without it Invoke answers without running the migration, ' +
    'so Ready would claim a migration that never ran',
  'fis.aws.upbound.io/ExperimentTemplate': 'moto has no FIS API',
  'cloudwatch.aws.upbound.io/MetricAlarm':
    "the provider's AWS SDK calls CloudWatch in the Smithy RPC v2 CBOR protocol " +
    '(/service/GraniteServiceVersion20100801/operation/DescribeAlarms), which moto 5.2.5 answers with 404',
  'cloudwatch.aws.upbound.io/Dashboard':
    'CloudWatch in the Smithy RPC v2 CBOR protocol, which moto 5.2.5 answers with 404 (as MetricAlarm)',
};

/**
 * Kinds the provider built here cannot reconcile on any AWS: the proxy serves v2.5.0 of the
 * monolith and no later release (v2.6.0, which the platform deploys, answers 403). Out of this run
 * as the gap kinds are.
 */
export const PROVIDER_BUILD_DEFECTS: Readonly<Record<string, string>> = {
  'ec2.aws.upbound.io/SecurityGroupIngressRule':
    'provider-upjet-aws v2.5.0 fails every observe with "Missing Resource Identity After Read" and never creates ' +
    'the rule (crossplane-contrib/provider-upjet-aws#2003, #2085, closed for later releases)',
  'ec2.aws.upbound.io/SecurityGroupEgressRule': 'the same v2.5.0 defect as SecurityGroupIngressRule (provider-upjet-aws#2003)',
};

/** Every kind this run composes paused, with why. */
export const OUT_OF_RUN: Readonly<Record<string, string>> = { ...MOTO_GAPS, ...PROVIDER_BUILD_DEFECTS };

/**
 * Kinds whose MRs moto can create but for which it does not keep an attribute AWS keeps, so the
 * provider's plan finds the same difference on every reconcile. With Update allowed, each such MR
 * updates in a hot loop (the update changes nothing in moto, the requeue after it finds the diff
 * again): measured, 1250 reconciles of the peering accepter and 1421 of the 3 Secrets in 7 minutes,
 * until provider v2.5.0 died with "fatal error: concurrent map writes". So in this run they compose
 * with `managementPolicies` without Update: created, observed and deleted by the provider, and
 * every diff its plan finds is still read from its log: one in exactly these attributes is moto's,
 * any other is drift. test/e2e/aws/moto.test.ts shows each defect on moto itself, so an entry fails
 * there once moto is fixed.
 */
export const MOTO_DIFFS: Readonly<Record<string, { readonly attributes: RegExp; readonly why: string }>> = {
  'lambda.aws.upbound.io/Function': {
    attributes: /^logging_config\./,
    why: "moto's Lambda has no LoggingConfig: it drops it and GetFunction never returns it",
  },
  'ec2.aws.upbound.io/VPCPeeringConnectionAccepter': {
    attributes: /^tags(_all)?\./,
    why:
      "moto keeps one tag set per cross-region peering connection, the requester region's: tags the accepter " +
      'creates in its own region never show in DescribeVpcPeeringConnections there',
  },
  'secretsmanager.aws.upbound.io/Secret': {
    attributes: /^replica\./,
    why:
      "moto's replica ignores the KmsKeyId it is given and reports alias/aws/secretsmanager, so the replica " +
      "set's element (region and key) never matches the spec's",
  },
};

/** A template's management policies without Update (`*` is every policy; the default). */
export function withoutUpdate(policies: readonly string[] = ['*']): string[] {
  return policies.includes('*') ? ['Observe', 'Create', 'Delete', 'LateInitialize'] : policies.filter((p) => p !== 'Update');
}

/** Why a diff of an MR of `type` is moto's, or undefined when it is drift. */
export function motoDiffOf(type: ResourceType, attributes: readonly string[]): string | undefined {
  const gap = MOTO_DIFFS[`${type.group}/${type.kind}`];
  return gap && attributes.length > 0 && attributes.every((a) => gap.attributes.test(a)) ? gap.why : undefined;
}

export const gapOf = (apiVersion: string, kind: string): string | undefined => OUT_OF_RUN[`${apiVersion.split('/')[0]}/${kind}`];

interface Adapted {
  /** Templates composing paused resources (OUT_OF_RUN). */
  readonly paused: string[];
  /** Templates composing resources without Update (MOTO_DIFFS). */
  readonly noUpdate: string[];
}

/**
 * A copy of a Composition whose templates of the kinds in OUT_OF_RUN compose paused resources and
 * whose templates of the kinds in MOTO_DIFFS compose resources the provider does not update.
 */
export function adaptForMoto(composition: Json): Adapted & { composition: Json } {
  const copy = structuredClone(composition) as Json;
  const adapted: Adapted = { paused: [], noUpdate: [] };
  for (const step of (copy.spec?.pipeline ?? []) as Json[]) {
    for (const template of (step.input?.resources ?? []) as Json[]) {
      const base = template.base as Json | undefined;
      if (!base) continue;
      const label = `${copy.metadata.name}/${template.name} (${base.kind})`;
      if (gapOf(base.apiVersion, base.kind)) {
        base.metadata = { ...base.metadata, annotations: { ...base.metadata?.annotations, [PAUSED]: 'true' } };
        adapted.paused.push(label);
      } else if (MOTO_DIFFS[`${base.apiVersion.split('/')[0]}/${base.kind}`]) {
        base.spec = { ...base.spec, managementPolicies: withoutUpdate(base.spec?.managementPolicies) };
        adapted.noUpdate.push(label);
      }
    }
  }
  return { composition: copy, ...adapted };
}

/** The platform with every Composition adapted (adaptForMoto); the lists say which templates. */
export function withMotoAdaptations(platform: Platform): Adapted & { platform: Platform } {
  const adapted: Adapted = { paused: [], noUpdate: [] };
  const units = platform.units.map((unit) => ({
    ...unit,
    manifests: unit.manifests.map((obj) => {
      if (obj.kind !== 'Composition') return obj;
      const result = adaptForMoto(obj);
      adapted.paused.push(...result.paused);
      adapted.noUpdate.push(...result.noUpdate);
      return result.composition;
    }),
  }));
  return { platform: { ...platform, units }, ...adapted };
}
