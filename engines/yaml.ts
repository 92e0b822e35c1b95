/** YAML streams in and out, as `crossplane composition render` prints them and kubectl reads them. */
import { parseAllDocuments, stringify } from 'yaml';

/** A parsed Kubernetes document: its shape is whatever the YAML holds, so field access is unchecked. */
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML documents are walked field by field without a schema
export type Json = Record<string, any>;

/** The documents of a YAML stream (empty documents dropped); throws on a syntax error. */
export function parseYamlStream(text: string): Json[] {
  return parseAllDocuments(text).flatMap((doc, index) => {
    if (doc.errors.length) throw new Error(`YAML document ${index + 1} does not parse: ${doc.errors[0].message.split('\n')[0]}`);
    const value = doc.toJS() as unknown;
    return value === null || value === undefined ? [] : [value as Json];
  });
}

/**
 * A YAML stream with a `---` line before every document, as render prints it; YAML 1.1 schema, so
 * strings like `OFF` are quoted and read back as strings by kubectl and the Go tools.
 */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0, version: '1.1' })}`).join('');
}

/**
 * The stream the engines read: one JSON document per object. The Go tools parse YAML 1.1, where an
 * unquoted `OFF` would turn into a boolean: JSON leaves them nothing to reinterpret, so they see
 * exactly the objects given.
 */
export function toEngineStream(objects: readonly unknown[]): string {
  return objects.map((object) => `---\n${JSON.stringify(object)}\n`).join('');
}
