import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import type { ManifestDocument, Problem } from './index';

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
  /** YAML that does not parse, one problem per broken document. */
  syntaxProblems: Problem[];
}

/**
 * Every document of a YAML file, or of every *.yaml / *.yml file below a directory (multi-document
 * streams; empty documents skipped). `file` is reported relative to `relativeTo` when inside it.
 */
export function readManifests(target: string, relativeTo = process.cwd()): ManifestSet {
  const files = fs.statSync(target).isDirectory() ? yamlFilesUnder(target) : [target];
  const set: ManifestSet = { documents: [], syntaxProblems: [] };
  for (const absolute of files) {
    const relative = path.relative(relativeTo, absolute);
    const file = relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
    parseAllDocuments(fs.readFileSync(absolute, 'utf8')).forEach((parsed, index) => {
      if (parsed.errors.length) {
        const message = `YAML does not parse: ${parsed.errors[0].message.split('\n')[0]}`;
        set.syntaxProblems.push({ file, kind: '<yaml>', name: `document ${index + 1}`, path: '', message });
        return;
      }
      const doc: unknown = parsed.toJS();
      if (doc !== null && doc !== undefined) set.documents.push({ file, doc });
    });
  }
  return set;
}
