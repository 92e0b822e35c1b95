/**
 * IAM policy documents. The one place that lists the actions allowed to use `Resource: "*"`, each
 * with the reason: AWS offers no resource-level permission for them. Every other statement names
 * exact ARNs; wildcard actions (`*`, `service:*`, `service:Get*`) are refused at construction.
 */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS: Readonly<Record<string, string>> = {
  'ec2:DescribeNetworkInterfaces':
    'EC2 Describe* actions support no resource-level permissions; Lambda needs it to manage its VPC network interfaces',
  'cloudwatch:GetMetricData':
    'CloudWatch GetMetricData supports no resource-level permissions; the failover controller reads the replication lag with it',
  'ec2:DescribeSubnets':
    'EC2 Describe* actions support no resource-level permissions; Lambda reads its subnets when it creates VPC network interfaces (AWSLambdaVPCAccessExecutionRole v3), and AWS FIS aws:network:disrupt-connectivity reads the target subnets',
  'ec2:DescribeNetworkAcls':
    "EC2 Describe* actions support no resource-level permissions; AWS FIS aws:network:disrupt-connectivity reads the subnets' network ACLs to swap them and restore them",
  'ec2:DescribeVpcs':
    "EC2 Describe* actions support no resource-level permissions; AWS FIS aws:network:disrupt-connectivity reads the subnets' VPC to create its deny-all network ACL there",
};

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
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action))
      problems.push(`statement ${statement.Sid}: action "${action}" is a wildcard or malformed`);
  }
  const resources = typeof statement.Resource === 'string' ? [statement.Resource] : statement.Resource;
  if (resources.includes('*')) {
    const notAllowed = statement.Action.filter((a) => !(a in ACTIONS_WITHOUT_RESOURCE_LEVEL_PERMISSIONS));
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
