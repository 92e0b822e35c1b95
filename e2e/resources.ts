/** API paths of custom resources, read from the CRDs the API server serves. */
import type { Json, Kube } from './kube';

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export class ResourceIndex {
  private constructor(private readonly types: ReadonlyMap<string, ResourceType>) {}

  static async load(kube: Kube): Promise<ResourceIndex> {
    const crds = await kube.list('/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
    const types = new Map<string, ResourceType>();
    for (const crd of crds) {
      for (const version of (crd.spec.versions ?? []) as Json[]) {
        if (!version.served) continue;
        const type = {
          group: crd.spec.group,
          version: version.name,
          kind: crd.spec.names.kind,
          plural: crd.spec.names.plural,
          namespaced: crd.spec.scope === 'Namespaced',
        };
        types.set(key(`${type.group}/${type.version}`, type.kind), type);
      }
    }
    return new ResourceIndex(types);
  }

  find(apiVersion: string, kind: string): ResourceType | undefined {
    return this.types.get(key(apiVersion, kind));
  }

  /** Path of a collection (`name` omitted) or an object. */
  path(apiVersion: string, kind: string, name?: string, namespace?: string): string {
    const type = this.find(apiVersion, kind);
    if (!type) throw new Error(`the API server serves no ${kind} in ${apiVersion}`);
    return resourcePath(type, name, namespace);
  }
}

const key = (apiVersion: string, kind: string): string => `${apiVersion}|${kind}`;

export function resourcePath(type: ResourceType, name?: string, namespace?: string): string {
  const ns = type.namespaced && namespace ? `/namespaces/${namespace}` : '';
  return `/apis/${type.group}/${type.version}${ns}/${type.plural}${name ? `/${name}` : ''}`;
}
