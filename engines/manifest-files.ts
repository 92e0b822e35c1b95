import * as fs from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { Problem } from './report';

export interface ManifestDocument {
  file: string;
  doc: unknown;
}

/** Every *.yaml / *.yml file below `dir`, sorted. */
export function yamlFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => /\.ya?ml$/.test(entry))
    .map((entry) => path.join(dir, entry))
    .filter((file) => fs.statSync(file).isFile())
    .sort();
}

export interface ManifestSet {
  documents: ManifestDocument[];
  /** YAML that does not parse, or that reads differently in YAML 1.1; one problem per document. */
  syntaxProblems: Problem[];
}

/** Where two parsed values first differ, e.g. `spec.forProvider.flexibleTimeWindow.mode`. */
function firstDifference(a: unknown, b: unknown, at: string): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        Array.isArray(a) ? `${at}[${key}]` : at ? `${at}.${key}` : key,
      );
      if (found) return found;
    }
  }
  return `${at || '.'}: ${JSON.stringify(a)} here, ${JSON.stringify(b)} in YAML 1.1`;
}

/**
 * Every document of a YAML file, or of every *.yaml / *.yml file below a directory (multi-document
 * streams; empty documents skipped). `file` is reported relative to `relativeTo` when inside it.
 * A document that a YAML 1.1 reader (kubectl, Argo CD, Crossplane: sigs.k8s.io/yaml) would read
 * differently — an unquoted `OFF`, `yes`, `on` becomes a boolean there — is a problem (quote
 * it), and the document is returned as YAML 1.1 reads it, so the engines see what a cluster gets.
 */
export function readManifests(target: string, relativeTo = process.cwd()): ManifestSet {
  const files = fs.statSync(target).isDirectory() ? yamlFilesUnder(target) : [target];
  const set: ManifestSet = { documents: [], syntaxProblems: [] };
  for (const absolute of files) {
    const relative = path.relative(relativeTo, absolute);
    const file = relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
    const text = fs.readFileSync(absolute, 'utf8');
    const asYaml11 = parseAllDocuments(text, { version: '1.1' });
    parseAllDocuments(text).forEach((parsed, index) => {
      if (parsed.errors.length) {
        const message = `YAML does not parse: ${parsed.errors[0].message.split('\n')[0]}`;
        set.syntaxProblems.push({ file, kind: '<yaml>', name: `document ${index + 1}`, path: '', message });
        return;
      }
      const doc: unknown = parsed.toJS();
      if (doc === null || doc === undefined) return;
      const other = asYaml11[index];
      const difference = other && !other.errors.length ? firstDifference(doc, other.toJS(), '') : undefined;
      if (difference) {
        const meta = (doc as { kind?: string; metadata?: { name?: string } }) ?? {};
        set.syntaxProblems.push({
          file,
          kind: String(meta.kind ?? '<yaml>'),
          name: String(meta.metadata?.name ?? `document ${index + 1}`),
          path: difference.split(':')[0],
          message:
            'reads differently in YAML 1.1 (kubectl, Argo CD and Crossplane read YAML ' +
            `1.1): ${difference.slice(difference.indexOf(':') + 2)}; quote the value`,
          engine: 'project rules',
        });
      }
      // The engines check what the cluster would read.
      set.documents.push({ file, doc: difference ? other.toJS() : doc });
    });
  }
  return set;
}
