import { ApiObject } from 'cdk8s';
import type { IConstruct } from 'constructs';

/** Names of one kind as the API server serves it. */
export interface ServedKind {
  readonly kind: string;
  readonly plural: string;
}

/** What a CompositeResourceDefinition serves: its composite kind and, for claim XRDs, the claim kind. */
export interface CompositeApi {
  readonly group: string;
  readonly composite: ServedKind;
  readonly claim?: ServedKind;
}

/**
 * The APIs the CompositeResourceDefinitions under `scopes` define, read from the XRDs themselves,
 * so whatever is derived from them (RBAC, Argo CD health checks) follows a renamed or added kind.
 */
export function compositeApisIn(scopes: readonly IConstruct[]): CompositeApi[] {
  return scopes
    .flatMap((scope) => scope.node.findAll())
    .filter((construct): construct is ApiObject => ApiObject.isApiObject(construct) && construct.kind === 'CompositeResourceDefinition')
    .map((xrd) => {
      const spec = xrd.toJson().spec as { group: string; names: ServedKind; claimNames?: ServedKind };
      return {
        group: spec.group,
        composite: { kind: spec.names.kind, plural: spec.names.plural },
        claim: spec.claimNames ? { kind: spec.claimNames.kind, plural: spec.claimNames.plural } : undefined,
      };
    });
}
