import type { Construct } from 'constructs';
import { CompositeResourceDefinition } from '../../imports/apiextensions.crossplane.io';
import { API_GROUP } from '../../facts/labels';

/** OpenAPI v3 structural schema fragment. */
export type JsonSchema = Record<string, unknown>;

export interface PrinterColumn {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  readonly jsonPath: string;
  readonly description?: string;
}

export interface ClaimXrdProps {
  /** Claim kind operators create, e.g. PaymentRegion; the composite kind is `X` + this. */
  readonly claimKind: string;
  /** API version served and referenceable. Default: v1alpha1. */
  readonly version?: string;
  /** What the claim is, shown by `kubectl explain`. */
  readonly description: string;
  /** Schema of spec (type object). */
  readonly spec: JsonSchema;
  /** Schema of status (type object). */
  readonly status: JsonSchema;
  /** Columns for `kubectl get`; Crossplane adds SYNCED, READY and AGE itself. */
  readonly printerColumns: readonly PrinterColumn[];
  /** CEL rules on spec, evaluated by the API server (and by `npm run validate`). */
  readonly specValidations?: ReadonlyArray<{ readonly rule: string; readonly message: string }>;
  /** Name of the Composition used when a claim names none. */
  readonly defaultComposition: string;
}

function plural(kind: string): string {
  return `${kind.toLowerCase()}s`;
}

/**
 * A CompositeResourceDefinition (apiextensions.crossplane.io/v1) in the project's API group, with a
 * namespaced claim kind. It is LegacyCluster-scoped (the only scope that offers claims) without
 * saying so: `spec.scope` does not exist in Crossplane 1.17's XRD schema (a strict server-side
 * apply would refuse it), and Crossplane 2.x defaults a v1 XRD's scope to LegacyCluster.
 */
export class ClaimXrd extends CompositeResourceDefinition {
  /** apiVersion of the composite and claim, e.g. payments-dr.io/v1alpha1. */
  readonly apiVersionOfKinds: string;
  readonly compositeKind: string;

  constructor(scope: Construct, id: string, props: ClaimXrdProps) {
    const version = props.version ?? 'v1alpha1';
    const compositeKind = `X${props.claimKind}`;
    super(scope, id, {
      metadata: { name: `${plural(compositeKind)}.${API_GROUP}` },
      spec: {
        group: API_GROUP,
        names: { kind: compositeKind, plural: plural(compositeKind) },
        claimNames: { kind: props.claimKind, plural: plural(props.claimKind) },
        defaultCompositionRef: { name: props.defaultComposition },
        versions: [
          {
            name: version,
            served: true,
            referenceable: true,
            additionalPrinterColumns: props.printerColumns.map((c) => ({ ...c })),
            schema: {
              openApiv3Schema: {
                type: 'object',
                description: props.description,
                properties: {
                  spec: { ...props.spec, ...(props.specValidations ? { 'x-kubernetes-validations': props.specValidations } : {}) },
                  status: props.status,
                },
                required: ['spec'],
              },
            },
          },
        ],
      },
    });
    this.apiVersionOfKinds = `${API_GROUP}/${version}`;
    this.compositeKind = compositeKind;
  }
}
