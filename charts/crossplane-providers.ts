import { Construct } from 'constructs';
import { Provider } from '../imports/pkg.crossplane.io';
import type { CrossplaneConfig } from './config/platform-types';

/**
 * The provider-upjet-aws services whose kinds the project composes or deploys (`<service>.aws.upbound.io`),
 * one Provider package each. test/charts/providers.test.ts checks the list against every API
 * group the synthesized Compositions compose, so a kind from a new service cannot go unnoticed.
 */
export const AWS_PROVIDER_SERVICES = [
  'acm',
  'apigatewayv2',
  'cloudwatch',
  'cloudwatchlogs',
  'dynamodb',
  'ec2',
  'fis',
  'iam',
  'kms',
  'lambda',
  'rds',
  'route53',
  's3',
  'scheduler',
  'secretsmanager',
  'sns',
] as const;

export interface CrossplaneProvidersProps {
  /** A validated Crossplane section of the platform config (registry, pinned version, pull secrets). */
  readonly crossplane: CrossplaneConfig;
  /** DeploymentRuntimeConfig giving the service providers their AWS identity; absent: Crossplane's default runtime. */
  readonly runtimeConfigName?: string;
}

/** Package pull secret references, or nothing for anonymous pulls. */
export function pullSecretRefs(crossplane: CrossplaneConfig): { name: string }[] | undefined {
  return crossplane.packagePullSecrets.length ? crossplane.packagePullSecrets.map((name) => ({ name })) : undefined;
}

/**
 * Name Crossplane's dependency manager gives a package it installs as a dependency: the
 * repository path without the registry host, slashes turned into hyphens
 * (xpkg.crossplane.io/crossplane-contrib/provider-family-aws → crossplane-contrib-provider-family-aws). Declaring the family
 * package under that name means the dependency every service package declares is this object,
 * never a second Provider with the same source.
 */
export function dependencyPackageName(repository: string): string {
  return repository.split('/').slice(1).join('-');
}

/**
 * The AWS provider family at one pinned version: provider-family-aws (it serves the ProviderConfig
 * API, aws.upbound.io) and provider-aws-<service> for each service in AWS_PROVIDER_SERVICES.
 */
export class CrossplaneProviders extends Construct {
  constructor(scope: Construct, id: string, props: CrossplaneProvidersProps) {
    super(scope, id);
    const { providerRegistry, providerVersion } = props.crossplane;
    const pullSecrets = pullSecretRefs(props.crossplane);
    const familyRepository = `${providerRegistry}/provider-family-aws`;
    new Provider(this, 'family', {
      metadata: { name: dependencyPackageName(familyRepository) },
      spec: { package: `${familyRepository}:${providerVersion}`, packagePullSecrets: pullSecrets },
    });
    for (const service of AWS_PROVIDER_SERVICES) {
      new Provider(this, service, {
        metadata: { name: `provider-aws-${service}` },
        spec: {
          package: `${providerRegistry}/provider-aws-${service}:${providerVersion}`,
          packagePullSecrets: pullSecrets,
          runtimeConfigRef: props.runtimeConfigName ? { name: props.runtimeConfigName } : undefined,
        },
      });
    }
  }
}
