/**
 * The operators' read-only access, asked of the real RBAC authorizer with
 * `kubectl auth can-i --as=<user> --as-group=<group>` (a SubjectAccessReview for an impersonated
 * member of the group bound in dist/platform/operators-rbac.yaml): every verb the ClusterRole
 * grants is allowed on every resource it names, writes are denied, and a real `kubectl get` as
 * that user lists the claims.
 */
import type { Json, Kube } from './kube';
import { E2eError, say } from './log';
import type { Platform } from './platform';

export interface RbacCheck {
  readonly group: string;
  readonly allowed: string[];
  readonly denied: string[];
}

const WRITES = ['create', 'update', 'patch', 'delete'];

export async function checkOperatorsRbac(kube: Kube, platform: Platform): Promise<RbacCheck> {
  const all = platform.units.flatMap((u) => u.manifests);
  const binding = all.find((o) => o.kind === 'ClusterRoleBinding' && /operators/.test(o.metadata.name));
  const role = all.find((o) => o.kind === 'ClusterRole' && o.metadata.name === binding?.roleRef?.name);
  const group = (binding?.subjects ?? []).find((s: Json) => s.kind === 'Group')?.name as string | undefined;
  if (!binding || !role || !group) throw new E2eError('dist/platform has no operators ClusterRoleBinding to a Group (operators-rbac.yaml)');
  const as = ['--as=operator-e2e', `--as-group=${group}`];
  const namespace = all.find((o) => o.kind === 'PaymentRegion')?.metadata.namespace ?? 'payments-dr';
  const allowed: string[] = [];
  const denied: string[] = [];
  const problems: string[] = [];
  for (const rule of role.rules as Json[]) {
    for (const apiGroup of rule.apiGroups as string[]) {
      for (const resource of rule.resources as string[]) {
        const target = `${resource}.${apiGroup}`;
        for (const verb of [...(rule.verbs as string[]), ...WRITES]) {
          const answer = await kube.kubectl(['auth', 'can-i', verb, target, '-n', namespace, ...as]);
          const yes = answer.stdout.trim() === 'yes';
          const want = (rule.verbs as string[]).includes(verb);
          (yes ? allowed : denied).push(`${verb} ${target}`);
          if (yes !== want) problems.push(`${group} ${yes ? 'CAN' : 'cannot'} ${verb} ${target}`);
        }
      }
    }
  }
  // And for real: a read works, a write is Forbidden.
  const read = await kube.kubectl(['get', 'paymentregions,paymentglobals', '-n', namespace, ...as]);
  if (read.code !== 0) problems.push(`kubectl get as ${group} failed: ${read.stderr.trim()}`);
  const write = await kube.kubectl(['delete', 'paymentregions', '--all', '-n', namespace, '--dry-run=server', ...as]);
  if (write.code === 0 || !/forbidden/i.test(write.stderr))
    problems.push(`kubectl delete as ${group} was not Forbidden: ${(write.stderr || write.stdout).trim()}`);
  if (problems.length) throw new E2eError(`operators' RBAC is not what dist/platform declares: ${problems.join('; ')}`);
  say(
    `operators' RBAC (group ${group}): ${allowed.length} reads allowed, ${denied.length} writes denied (kubectl ` +
      `auth can-i); \`kubectl get\` works, \`kubectl delete\` is Forbidden: ${write.stderr.trim().split('\n')[0]}`,
  );
  return { group, allowed, denied };
}
