import type { Construct } from 'constructs';
import { DeploymentRuntimeConfig } from '../imports/pkg.crossplane.io';
import type { AwsCredentials } from './config/platform-types';

/** Name of the runtime config the AWS service providers reference. */
export const AWS_PROVIDER_RUNTIME_CONFIG = 'aws-provider-identity';

/** Where the WebIdentity runtime mounts the projected service-account token the ProviderConfig reads. */
export const WEB_IDENTITY_TOKEN_DIR = '/var/run/secrets/aws';
export const WEB_IDENTITY_TOKEN_FILE = 'token';

/** Crossplane merges a deployment template into the provider pod by this container name. */
const RUNTIME_CONTAINER = 'package-runtime';

export interface ProviderRuntimeConfigProps {
  /** Credentials that need something from the provider pod: a role for the service account (IRSA) or a token (WebIdentity). */
  readonly credentials: Extract<AwsCredentials, { source: 'IRSA' | 'WebIdentity' }>;
}

/**
 * The AWS identity of the provider pods.
 * - IRSA: every provider service account is annotated `eks.amazonaws.com/role-arn`; EKS injects a
 *   token for that role. The role's trust policy must accept the service accounts
 *   `system:serviceaccount:crossplane-system:provider-aws-*` (their names carry a revision hash).
 * - WebIdentity: each provider pod gets a projected service-account token for audience
 *   sts.amazonaws.com, which the ProviderConfig exchanges for the role (AssumeRoleWithWebIdentity).
 */
export class ProviderRuntimeConfig extends DeploymentRuntimeConfig {
  constructor(scope: Construct, id: string, props: ProviderRuntimeConfigProps) {
    const credentials = props.credentials;
    super(scope, id, {
      metadata: { name: AWS_PROVIDER_RUNTIME_CONFIG },
      spec:
        credentials.source === 'IRSA'
          ? { serviceAccountTemplate: { metadata: { annotations: { 'eks.amazonaws.com/role-arn': credentials.roleArn } } } }
          : {
              deploymentTemplate: {
                spec: {
                  selector: {},
                  template: {
                    spec: {
                      containers: [
                        {
                          name: RUNTIME_CONTAINER,
                          volumeMounts: [{ name: 'aws-web-identity-token', mountPath: WEB_IDENTITY_TOKEN_DIR, readOnly: true }],
                        },
                      ],
                      volumes: [
                        {
                          name: 'aws-web-identity-token',
                          projected: {
                            sources: [
                              {
                                serviceAccountToken: {
                                  audience: 'sts.amazonaws.com',
                                  expirationSeconds: 3600,
                                  path: WEB_IDENTITY_TOKEN_FILE,
                                },
                              },
                            ],
                          },
                        },
                      ],
                    },
                  },
                },
              },
            },
    });
  }
}
