import { findBuiltInKind, type BuiltInKind } from './built-in-kinds';
import { groupKindKey, type CrdCatalog } from './crd-catalog';
import { definitionFromCrd, type DefinitionVersion, type KindDefinition } from './definitions';
import { definitionsFromXrd } from './xrd';

export type Resolution =
  | { type: 'built-in'; builtIn: BuiltInKind }
  | { type: 'custom'; definition: KindDefinition; version: DefinitionVersion }
  | { type: 'unknown'; message: string };

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Finds the definition of an apiVersion/kind: built-in table, then XRDs, then vendored CRDs. */
export class KindRegistry {
  private readonly fromXrds = new Map<string, KindDefinition>();
  private readonly fromCrds = new Map<string, KindDefinition | undefined>();

  constructor(private readonly crds: CrdCatalog) {}

  addXrd(doc: unknown): void {
    for (const definition of definitionsFromXrd(doc)) {
      this.fromXrds.set(groupKindKey(definition.group, definition.kind), definition);
    }
  }

  private definition(group: string, kind: string): KindDefinition | undefined {
    const key = groupKindKey(group, kind);
    const fromXrd = this.fromXrds.get(key);
    if (fromXrd) return fromXrd;
    if (!this.fromCrds.has(key)) {
      const crd = this.crds.find(group, kind);
      this.fromCrds.set(key, crd && definitionFromCrd(crd));
    }
    return this.fromCrds.get(key);
  }

  resolve(apiVersion: string, kind: string): Resolution {
    const builtIn = findBuiltInKind(apiVersion, kind);
    if (builtIn) return { type: 'built-in', builtIn };
    const { group, version } = splitApiVersion(apiVersion);
    const definition = this.definition(group, kind);
    if (!definition) {
      return {
        type: 'unknown',
        message: `unknown apiVersion/kind ${apiVersion} ${kind}: no vendored CRD, XRD among the documents or built-in kind defines it`,
      };
    }
    const named = definition.versions.find((candidate) => candidate.name === version);
    if (!named) {
      const known = definition.versions.map((candidate) => candidate.name).join(', ');
      return { type: 'unknown', message: `${kind} has no version ${version} in ${definition.origin} (versions: ${known})` };
    }
    if (!named.served) return { type: 'unknown', message: `version ${version} of ${kind} is not served (${definition.origin})` };
    return { type: 'custom', definition, version: named };
  }
}
