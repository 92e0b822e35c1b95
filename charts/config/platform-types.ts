/** Where Argo CD reads this repository and where it deploys (dist/argocd/). */
export interface GitOpsConfig {
  /**
   * URL of this repository as Argo CD clones it (HTTPS `https://host/org/repo.git` or SSH
   * `git@host:org/repo.git`). The AppProject accepts this repository only.
   */
  readonly repoURL: string;
  /** Branch, tag or commit every Application follows, e.g. "main". */
  readonly targetRevision: string;
  /** Namespace Argo CD runs in; its AppProjects and Applications are created there. */
  readonly argocdNamespace: string;
  /**
   * API server of the control cluster as Argo CD addresses it: `https://kubernetes.default.svc`
   * when Argo CD runs in the control cluster itself (the supported layout).
   */
  readonly destinationServer: string;
  /**
   * Units whose Application syncs only when an operator asks (automated sync off): "platform",
   * "<env>/global", "<env>/use1" or "<env>/usw2". Pausing one region leaves the other untouched.
   */
  readonly pausedUnits: readonly string[];
}

/** An OCI package without its tag, and the tag it is pinned to. */
export interface PackageRef {
  /** Fully qualified repository, registry host first, e.g. xpkg.upbound.io/crossplane-contrib/function-auto-ready. */
  readonly repository: string;
  /** Exact release tag `vMAJOR.MINOR.PATCH` (never a moving tag such as latest). */
  readonly version: string;
}

/** The Crossplane packages the platform unit installs. */
export interface CrossplaneConfig {
  /**
   * Registry and organisation of the provider-upjet-aws family packages, e.g.
   * `xpkg.upbound.io/upbound` (Upbound's builds) or `xpkg.crossplane.io/crossplane-contrib`
   * (the community builds of the same source). Each service package is `<registry>/provider-aws-<service>`.
   */
  readonly providerRegistry: string;
  /** One pinned version for the family and every service package, on the line of the vendored CRDs (v2.x). */
  readonly providerVersion: string;
  /** Secrets in crossplane-system that authenticate package pulls (e.g. an Upbound token); empty for anonymous pulls. */
  readonly packagePullSecrets: readonly string[];
  /** The composition functions every Composition's pipeline calls. */
  readonly functions: {
    readonly patchAndTransform: PackageRef;
    readonly celFilter: PackageRef;
    readonly autoReady: PackageRef;
  };
}

/**
 * How the AWS providers authenticate; the ProviderConfig `default` that every managed resource
 * uses is built from it.
 * - IRSA (preferred on EKS): the providers' service accounts carry `eks.amazonaws.com/role-arn`
 *   and EKS injects a web identity token for that role.
 * - WebIdentity (any cluster whose OIDC issuer is an IAM identity provider): the providers read a
 *   projected service-account token (audience sts.amazonaws.com) and assume the role with it.
 * - Secret: long-lived access keys in a Kubernetes Secret in crossplane-system (an option when
 *   neither is possible; the keys must be rotated by hand).
 */
export type AwsCredentials =
  | { readonly source: 'IRSA'; readonly roleArn: string }
  | { readonly source: 'WebIdentity'; readonly roleArn: string }
  | { readonly source: 'Secret'; readonly secretName: string; readonly secretKey: string };

export interface PlatformConfig {
  readonly gitops: GitOpsConfig;
  readonly crossplane: CrossplaneConfig;
  readonly awsCredentials: AwsCredentials;
  /**
   * Kubernetes group (as the cluster's authenticator reports it, e.g. an EKS access entry's
   * group) whose members may get/list/watch the claims and composites, and nothing else.
   */
  readonly operatorsGroup: string;
}
