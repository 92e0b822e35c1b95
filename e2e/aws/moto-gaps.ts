/**
 * What moto cannot serve truthfully, per managed-resource kind the platform composes, and what the
 * AWS e2e does instead: such a kind's composed resources are created paused
 * (`crossplane.io/paused: "true"` in the Composition's base), so the provider never calls AWS for
 * them and they are reported as out of this run — never as Ready.
 */
import type { Json } from '../kube';
import type { ResourceType } from '../resources';
import type { AwsCall } from './aws-calls';
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
 * A mutating call the provider repeats on every poll only because moto does not keep what AWS
 * keeps. It is recognised by the MR's kind and the exact request and reported apart from drift;
 * any other mutating call of the same MR still counts. test/e2e/aws/moto.test.ts shows each
 * defect on moto itself, so an entry fails there once moto is fixed.
 */
export interface MotoLoop {
  /** `group/Kind` of the MR the call is attributed to. */
  readonly kind: string;
  readonly why: string;
  readonly matches: (call: AwsCall) => boolean;
}

function bodyKeys(body: string): string[] {
  try {
    return Object.keys(JSON.parse(body) as object);
  } catch {
    return [];
  }
}

export const MOTO_LOOPS: readonly MotoLoop[] = [
  {
    kind: 'lambda.aws.upbound.io/Function',
    why:
      "moto's Lambda has no LoggingConfig: UpdateFunctionConfiguration drops it and GetFunction never returns it, " +
      'so the provider sends it again on every poll',
    matches: (call) =>
      call.service === 'lambda' &&
      /^PUT \/2015-03-31\/functions\/[^/?]+\/configuration$/.test(call.action) &&
      bodyKeys(call.body).join() === 'LoggingConfig',
  },
  {
    kind: 'ec2.aws.upbound.io/VPCPeeringConnectionAccepter',
    why:
      "moto keeps one tag set per cross-region peering connection, in the requester's region: tags the accepter " +
      'creates in its own region never show in DescribeVpcPeeringConnections there, so it creates them again',
    matches: (call) => call.service === 'ec2' && call.action === 'CreateTags',
  },
];

export const motoLoopOf = (type: ResourceType, call: AwsCall): string | undefined =>
  MOTO_LOOPS.find((loop) => loop.kind === `${type.group}/${type.kind}` && loop.matches(call))?.why;

export const gapOf = (apiVersion: string, kind: string): string | undefined => OUT_OF_RUN[`${apiVersion.split('/')[0]}/${kind}`];

/** A copy of a Composition whose templates of the kinds in OUT_OF_RUN compose paused resources. */
export function pauseGapKinds(composition: Json): { composition: Json; paused: string[] } {
  const copy = structuredClone(composition) as Json;
  const paused: string[] = [];
  for (const step of (copy.spec?.pipeline ?? []) as Json[]) {
    for (const template of (step.input?.resources ?? []) as Json[]) {
      const base = template.base as Json | undefined;
      if (!base || !gapOf(base.apiVersion, base.kind)) continue;
      base.metadata = { ...base.metadata, annotations: { ...base.metadata?.annotations, [PAUSED]: 'true' } };
      paused.push(`${copy.metadata.name}/${template.name} (${base.kind})`);
    }
  }
  return { composition: copy, paused };
}

/** The platform with every Composition's gap kinds paused; the list says which templates. */
export function withGapKindsPaused(platform: Platform): { platform: Platform; paused: string[] } {
  const paused: string[] = [];
  const units = platform.units.map((unit) => ({
    ...unit,
    manifests: unit.manifests.map((obj) => {
      if (obj.kind !== 'Composition') return obj;
      const result = pauseGapKinds(obj);
      paused.push(...result.paused);
      return result.composition;
    }),
  }));
  return { platform: { ...platform, units }, paused };
}
