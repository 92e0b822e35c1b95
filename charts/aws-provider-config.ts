import type { Construct } from 'constructs';
import { SECRETS_NAMESPACE } from '../compositions/payment-global/common';
import {
  ProviderConfig,
  ProviderConfigSpecCredentialsSource,
  ProviderConfigSpecCredentialsWebIdentityTokenConfigSource,
} from '../imports/aws.upbound.io';
import type { AwsCredentials } from './config/platform-types';
import { WEB_IDENTITY_TOKEN_DIR, WEB_IDENTITY_TOKEN_FILE } from './provider-runtime-config';

/** Managed resources that name no ProviderConfig use the one named `default`; the Compositions name none. */
export const DEFAULT_PROVIDER_CONFIG = 'default';

export interface AwsProviderConfigProps {
  /** A validated credentials section of the platform config. */
  readonly credentials: AwsCredentials;
}

/**
 * The ProviderConfig every AWS managed resource of the project uses. Its CRD comes from
 * provider-family-aws, so Argo CD applies it after the packages are healthy (argocd/sync-waves.ts).
 */
export class AwsProviderConfig extends ProviderConfig {
  constructor(scope: Construct, id: string, props: AwsProviderConfigProps) {
    const credentials = props.credentials;
    super(scope, id, {
      metadata: { name: DEFAULT_PROVIDER_CONFIG },
      spec: {
        credentials:
          credentials.source === 'IRSA'
            ? { source: ProviderConfigSpecCredentialsSource.IRSA }
            : credentials.source === 'WebIdentity'
              ? {
                  source: ProviderConfigSpecCredentialsSource.WEB_IDENTITY,
                  webIdentity: {
                    roleArn: credentials.roleArn,
                    tokenConfig: {
                      source: ProviderConfigSpecCredentialsWebIdentityTokenConfigSource.FILESYSTEM,
                      fs: { path: `${WEB_IDENTITY_TOKEN_DIR}/${WEB_IDENTITY_TOKEN_FILE}` },
                    },
                  },
                }
              : {
                  source: ProviderConfigSpecCredentialsSource.SECRET,
                  secretRef: { namespace: SECRETS_NAMESPACE, name: credentials.secretName, key: credentials.secretKey },
                },
      },
    });
  }
}
