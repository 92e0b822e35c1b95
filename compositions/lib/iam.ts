import { EXACT_IAM_ACTION, mayUseResourceStar } from '../../facts/requirements';

/**
 * IAM policy documents, held at construction to the IAM rules of facts/requirements.ts: wildcard
 * actions (`*`, `service:*`, `service:Get*`) are refused, and `Resource: "*"` is refused except for
 * the listed actions without resource-level permissions. Every other statement names exact ARNs.
 */

export interface Statement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Record<string, Record<string, string | readonly string[]>>;
}

/** Problems of one statement against the project's IAM rules (empty when it complies). */
export function statementProblems(statement: Statement): string[] {
  const problems: string[] = [];
  for (const action of statement.Action) {
    if (!EXACT_IAM_ACTION.test(action)) problems.push(`statement ${statement.Sid}: action "${action}" is a wildcard or malformed`);
  }
  const resources = typeof statement.Resource === 'string' ? [statement.Resource] : statement.Resource;
  if (resources.includes('*')) {
    const notAllowed = statement.Action.filter((a) => !mayUseResourceStar(a));
    if (notAllowed.length)
      problems.push(
        `statement ${statement.Sid}: Resource "*" with actions that support resource-level permissions: ${notAllowed.join(', ')}`,
      );
  }
  return problems;
}

/** An identity policy as the JSON string IAM expects; throws when a statement breaks the rules. */
export function policyDocument(statements: readonly Statement[]): string {
  const problems = statements.flatMap(statementProblems);
  if (problems.length) throw new Error(`IAM policy refused:\n  ${problems.join('\n  ')}`);
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * Trust policy letting one AWS service assume the role, only on behalf of the given account and,
 * when `sourceArn` is given, only for that source (e.g. a schedule group).
 */
export function serviceTrustPolicy(service: string, accountIdToken: string, sourceArn?: string): string {
  const condition = {
    StringEquals: { 'aws:SourceAccount': accountIdToken },
    ...(sourceArn ? { ArnEquals: { 'aws:SourceArn': sourceArn } } : {}),
  };
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', Condition: condition }],
  });
}
