import type { Construct } from 'constructs';
import { AppProject } from '../imports/argoproj.io';
import type { DeployedKinds } from './deployed-kinds';
import { SYNC_WAVE_ANNOTATION } from './sync-waves';

export interface RestrictedProjectProps {
  readonly name: string;
  readonly description: string;
  /** Namespace Argo CD runs in (AppProjects live there). */
  readonly argocdNamespace: string;
  /** The only repository the project's Applications may read. */
  readonly repoURL: string;
  /** The only cluster they may deploy to. */
  readonly destinationServer: string;
  /** Namespaces they may deploy to, besides the namespaces of `kinds`. */
  readonly destinationNamespaces: readonly string[];
  /** Exactly the kinds they may create, computed from the objects they deploy. */
  readonly kinds: DeployedKinds;
  /** Sync wave within the Application that deploys this project. */
  readonly wave: number;
}

/**
 * An Argo CD AppProject that allows one repository, one cluster, the namespaces used and exactly
 * the group/kinds used — no wildcard anywhere, so anything else committed to the repository is
 * refused by Argo CD before it reaches the cluster.
 */
export class RestrictedProject extends AppProject {
  constructor(scope: Construct, id: string, props: RestrictedProjectProps) {
    const allKinds = [...props.kinds.clusterScoped, ...props.kinds.namespaced];
    const wildcard = allKinds.find((k) => k.group.includes('*') || k.kind.includes('*'));
    if (wildcard)
      throw new Error(`RestrictedProject ${props.name}: kind "${wildcard.group}/${wildcard.kind}" contains a wildcard; list exact kinds`);
    if (allKinds.length === 0)
      throw new Error(`RestrictedProject ${props.name}: no kind to allow (the Applications of this project deploy nothing?)`);
    const namespaces = [...new Set([...props.destinationNamespaces, ...props.kinds.namespaces])].sort();
    super(scope, id, {
      metadata: { name: props.name, namespace: props.argocdNamespace, annotations: { [SYNC_WAVE_ANNOTATION]: String(props.wave) } },
      spec: {
        description: props.description,
        sourceRepos: [props.repoURL],
        destinations: namespaces.map((namespace) => ({ server: props.destinationServer, namespace })),
        clusterResourceWhitelist: props.kinds.clusterScoped.map(({ group, kind }) => ({ group, kind })),
        namespaceResourceWhitelist: props.kinds.namespaced.map(({ group, kind }) => ({ group, kind })),
      },
    });
  }
}
