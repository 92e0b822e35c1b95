/** YAML streams in and out, as `crossplane composition render` reads and prints them. */
import { Document, parseAllDocuments } from 'yaml';
import { isJsonObject, type JsonObject } from './json';

/**
 * One `---`-separated document per object. Written as YAML 1.1 so strings such as `on`, `yes` or
 * `0777` are quoted and read back as strings by kubectl and other YAML 1.1 readers; lines are not folded.
 */
export function toYamlStream(objects: readonly object[]): string {
  return objects.map((obj) => `---\n${new Document(obj, { version: '1.1' }).toString({ lineWidth: 0 })}`).join('');
}

/** The objects of a YAML stream; empty documents are dropped and `kind: List` items unpacked. Throws on a YAML error. */
export function parseYamlStream(text: string): JsonObject[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
    const value: unknown = doc.toJS();
    if (!isJsonObject(value)) return [];
    return value.kind === 'List' && Array.isArray(value.items) ? value.items.filter(isJsonObject) : [value];
  });
}
