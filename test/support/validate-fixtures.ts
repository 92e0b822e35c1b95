/** Small, valid manifests the engine tests start from; each test breaks one thing. */

export const XRD_API_VERSION = 'example.org/v1alpha1';

export function vpc(): Record<string, any> {
  return {
    apiVersion: 'ec2.aws.upbound.io/v1beta1',
    kind: 'VPC',
    metadata: { name: 'vpc-use1-dev', labels: { 'example.org/region': 'use1' } },
    spec: { forProvider: { region: 'us-east-1', cidrBlock: '10.0.0.0/16', enableDnsSupport: true, tags: { Name: 'vpc-use1-dev' } } },
  };
}

/** A tiny XRD: composite XNetwork (cluster-scoped) with claim Network. */
export function networkXrd(): Record<string, any> {
  return {
    apiVersion: 'apiextensions.crossplane.io/v1',
    kind: 'CompositeResourceDefinition',
    metadata: { name: 'xnetworks.example.org' },
    spec: {
      group: 'example.org',
      names: { kind: 'XNetwork', plural: 'xnetworks' },
      claimNames: { kind: 'Network', plural: 'networks' },
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          referenceable: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: {
                    parameters: {
                      type: 'object',
                      properties: {
                        region: { type: 'string', enum: ['us-east-1', 'us-west-2'] },
                        cidrBlock: { type: 'string' },
                        environment: { type: 'string', default: 'dev' },
                        alertEmail: { type: 'string' },
                      },
                      required: ['region', 'cidrBlock'],
                    },
                  },
                  required: ['parameters'],
                },
                status: { type: 'object', properties: { vpcId: { type: 'string' } } },
              },
            },
          },
        },
      ],
    },
  };
}

export function networkClaim(): Record<string, any> {
  return {
    apiVersion: XRD_API_VERSION,
    kind: 'Network',
    metadata: { name: 'network-use1', namespace: 'payments-dr' },
    spec: {
      parameters: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
      compositionSelector: { matchLabels: { 'example.org/provider': 'aws' } },
      writeConnectionSecretToRef: { name: 'network-use1' },
    },
  };
}

/** The patch-and-transform input of networkComposition(): one VPC composed from the XNetwork. */
export function networkResourcesInput(): Record<string, any> {
  return {
    apiVersion: 'pt.fn.crossplane.io/v1beta1',
    kind: 'Resources',
    patchSets: [
      {
        name: 'common',
        patches: [{ type: 'FromCompositeFieldPath', fromFieldPath: 'spec.parameters.region', toFieldPath: 'spec.forProvider.region' }],
      },
    ],
    resources: [
      {
        name: 'vpc',
        base: {
          apiVersion: 'ec2.aws.upbound.io/v1beta1',
          kind: 'VPC',
          metadata: { labels: { 'example.org/component': 'network' } },
          spec: { forProvider: { enableDnsSupport: true } },
        },
        patches: [
          { type: 'PatchSet', patchSetName: 'common' },
          { fromFieldPath: 'spec.parameters.cidrBlock', toFieldPath: 'spec.forProvider.cidrBlock' },
          {
            type: 'FromCompositeFieldPath',
            fromFieldPath: 'spec.parameters.environment',
            toFieldPath: 'spec.forProvider.tags[Name]',
            transforms: [{ type: 'string', string: { type: 'Format', fmt: 'vpc-%s' } }],
          },
          {
            fromFieldPath: 'metadata.labels[crossplane.io/claim-name]',
            toFieldPath: 'metadata.annotations["crossplane.io/external-name"]',
          },
          {
            type: 'CombineFromComposite',
            combine: {
              variables: [{ fromFieldPath: 'spec.parameters.region' }, { fromFieldPath: 'spec.parameters.environment' }],
              strategy: 'string',
              string: { fmt: '%s-%s' },
            },
            toFieldPath: 'spec.forProvider.tags[Scope]',
          },
          { type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.id', toFieldPath: 'status.vpcId' },
        ],
        readinessChecks: [{ type: 'NonEmpty', fieldPath: 'status.atProvider.id' }],
      },
    ],
  };
}

export function networkComposition(input: Record<string, any> = networkResourcesInput()): Record<string, any> {
  return {
    apiVersion: 'apiextensions.crossplane.io/v1',
    kind: 'Composition',
    metadata: { name: 'xnetworks.aws.example.org', labels: { 'example.org/provider': 'aws' } },
    spec: {
      compositeTypeRef: { apiVersion: XRD_API_VERSION, kind: 'XNetwork' },
      mode: 'Pipeline',
      pipeline: [
        { step: 'patch-and-transform', functionRef: { name: 'function-patch-and-transform' }, input },
        { step: 'automatically-detect-ready-composed-resources', functionRef: { name: 'function-auto-ready' } },
      ],
    },
  };
}
