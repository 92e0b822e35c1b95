import type { PlatformConfig } from './platform-types';

/**
 * The control-cluster side of the project — the one place to declare it: where Argo CD reads this
 * repository and deploys to, which Crossplane packages it installs (pinned), how the AWS provider
 * authenticates and who may read the claims. Every value is validated
 * (charts/config/validate-platform.ts) before anything is written.
 *
 * Replace before the first deploy: `gitops.repoURL` (a placeholder: the URL of your fork of this
 * repository) and `awsCredentials.roleArn` (the IAM role the providers assume, see docs/operations.md).
 */
export const PLATFORM: PlatformConfig = {
  gitops: {
    repoURL: 'https://github.com/example-org/payments-dr.git',
    targetRevision: 'main',
    argocdNamespace: 'argocd',
    destinationServer: 'https://kubernetes.default.svc',
    pausedUnits: [],
  },
  crossplane: {
    providerRegistry: 'xpkg.crossplane.io/crossplane-contrib',
    providerVersion: 'v2.6.0',
    packagePullSecrets: [],
    functions: {
      patchAndTransform: { repository: 'xpkg.crossplane.io/crossplane-contrib/function-patch-and-transform', version: 'v0.10.8' },
      celFilter: { repository: 'xpkg.crossplane.io/crossplane-contrib/function-cel-filter', version: 'v0.2.0' },
      autoReady: { repository: 'xpkg.crossplane.io/crossplane-contrib/function-auto-ready', version: 'v0.7.0' },
    },
  },
  awsCredentials: { source: 'IRSA', roleArn: 'arn:aws:iam::111122223333:role/payments-dr-crossplane' },
  operatorsGroup: 'payments-dr-operators',
};
