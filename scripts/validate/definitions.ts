import type { Crd } from '../lib/crds';
import { ANY_VALUE, type SchemaNode } from './schema';

export interface DefinitionVersion {
  name: string;
  served: boolean;
  schema: SchemaNode;
}

/** What defines a custom kind: a vendored CRD, or a CompositeResourceDefinition among the documents. */
export interface KindDefinition {
  group: string;
  kind: string;
  namespaced: boolean;
  role: 'custom resource' | 'composite' | 'claim';
  /** Names the definition in messages, e.g. `CRD vpcs.ec2.aws.upbound.io`. */
  origin: string;
  versions: DefinitionVersion[];
}

export function definitionFromCrd(crd: Crd): KindDefinition {
  return {
    group: crd.spec.group,
    kind: crd.spec.names.kind,
    namespaced: crd.spec.scope === 'Namespaced',
    role: 'custom resource',
    origin: `CRD ${crd.metadata.name}`,
    versions: crd.spec.versions.map((version) => ({
      name: version.name,
      served: version.served,
      schema: (version.schema?.openAPIV3Schema as SchemaNode | undefined) ?? ANY_VALUE,
    })),
  };
}
