/** YAML streams in and out, as `crossplane composition render` prints them and kubectl reads them. */
import { parseAllDocuments, stringify } from 'yaml';

export type Json = Record<string, any>;

/** The documents of a YAML stream (empty documents dropped); throws on a syntax error. */
export function parseYamlStream(text: string): Json[] {
  return parseAllDocuments(text).flatMap((doc, index) => {
    if (doc.errors.length) throw new Error(`YAML document ${index + 1} does not parse: ${doc.errors[0].message.split('\n')[0]}`);
    const value = doc.toJS() as unknown;
    return value === null || value === undefined ? [] : [value as Json];
  });
}

/** A YAML stream with a `---` line before every document, as render prints it. */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join('');
}
