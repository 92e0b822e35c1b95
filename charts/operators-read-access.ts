import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { CompositeApi } from './composite-definitions';

/** Name of the ClusterRole and of its binding. */
export const OPERATORS_READ_ROLE = 'payments-dr-operators-read';

/** Read verbs: what `kubectl get/describe` and watches need. */
export const READ_VERBS = ['get', 'list', 'watch'] as const;

export interface OperatorsReadAccessProps {
  /** The operators' Kubernetes group (validated platform config). */
  readonly group: string;
  /** The project's composite APIs; the role covers each composite kind and its claim kind. */
  readonly apis: readonly CompositeApi[];
}

/**
 * Read-only access for the operators group to the project's claims (in every namespace, so
 * `kubectl get paymentregions,paymentglobals -A` works) and composites (cluster-scoped) — and to
 * nothing else: no write verb, no other resource. A ClusterRole is needed because composites are
 * cluster-scoped and `-A` lists across namespaces.
 */
export class OperatorsReadAccess extends Construct {
  constructor(scope: Construct, id: string, props: OperatorsReadAccessProps) {
    super(scope, id);
    if (props.apis.length === 0)
      throw new Error('OperatorsReadAccess: no composite API to grant read access to (the platform unit defines no XRD?)');
    const role = new kplus.ClusterRole(this, 'role', { metadata: { name: OPERATORS_READ_ROLE } });
    const resources = props.apis.flatMap((api) =>
      [api.composite, ...(api.claim ? [api.claim] : [])].map((served) =>
        kplus.ApiResource.custom({ apiGroup: api.group, resourceType: served.plural }),
      ),
    );
    role.allow([...READ_VERBS], ...resources);
    const binding = new kplus.ClusterRoleBinding(this, 'binding', { metadata: { name: OPERATORS_READ_ROLE }, role });
    binding.addSubjects(kplus.Group.fromName(this, 'operators', props.group));
  }
}
