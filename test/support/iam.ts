/**
 * The actions of the project's policies that AWS's Service Authorization Reference lists with no
 * resource type (so `Resource: "*"` is the only way to allow them). Stated here, from AWS, not
 * imported from compositions/lib/iam.ts: a test that read the allow-list from the source would
 * pass whatever action was added to it.
 */
export const AWS_ACTIONS_WITHOUT_RESOURCE_TYPES: readonly string[] = [
  'cloudwatch:GetMetricData',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcs',
];

/** The one trust statement a service role may have: `service` assumes it, only from this account, only for `sourceArn`. */
export function serviceTrust(service: string, account: string, sourceArn: string) {
  return [
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnEquals: { 'aws:SourceArn': sourceArn } },
    },
  ];
}
