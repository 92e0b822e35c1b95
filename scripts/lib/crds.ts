import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

/** Root of the repository (this file lives in scripts/lib/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Where the vendored upstream CRDs live: `$CRD_DIR`, else `../shared/crds` beside the repo. */
export function crdDir(): string {
  const dir = process.env.CRD_DIR ? path.resolve(process.env.CRD_DIR) : path.resolve(REPO_ROOT, '..', 'shared', 'crds');
  if (!fs.existsSync(dir)) {
    throw new Error(`CRD directory ${dir} does not exist: set CRD_DIR or put the shared folder beside the repository`);
  }
  return dir;
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
}

export interface Crd {
  apiVersion: string;
  kind: 'CustomResourceDefinition';
  metadata: { name: string };
  spec: {
    group: string;
    names: { kind: string; plural: string };
    scope: 'Cluster' | 'Namespaced';
    versions: CrdVersion[];
  };
}

export interface CrdFile {
  file: string;
  crd: Crd;
}

function yamlFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return yamlFilesUnder(full);
      return /\.ya?ml$/.test(entry.name) ? [full] : [];
    })
    .sort();
}

/** Every CustomResourceDefinition under the CRD directory, in a stable order. */
export function loadCrdFiles(dir = crdDir()): CrdFile[] {
  return yamlFilesUnder(dir).flatMap((file) =>
    parseAllDocuments(fs.readFileSync(file, 'utf8'))
      .map((doc) => doc.toJS() as Crd | null)
      .filter((doc): doc is Crd => doc?.kind === 'CustomResourceDefinition')
      .map((crd) => ({ file, crd })),
  );
}

/**
 * Checks every file listed in each folder's SHA256SUMS (as `sha256sum -c` would) and returns the
 * mismatches and missing files; an empty list means the vendored CRDs are the upstream bytes.
 */
export function checksumMismatches(dir = crdDir()): string[] {
  const problems: string[] = [];
  const sumFiles = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'SHA256SUMS')))
    .map((entry) => path.join(dir, entry.name, 'SHA256SUMS'));
  if (sumFiles.length === 0) problems.push(`${dir}: no SHA256SUMS files found`);
  for (const sumFile of sumFiles) {
    for (const line of fs.readFileSync(sumFile, 'utf8').split('\n').filter((l) => l.trim())) {
      const [expected, name] = line.trim().split(/\s+\*?/);
      const file = path.join(path.dirname(sumFile), name);
      if (!fs.existsSync(file)) {
        problems.push(`${file}: listed in SHA256SUMS but missing`);
        continue;
      }
      const actual = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
      if (actual !== expected) problems.push(`${file}: sha256 ${actual} does not match SHA256SUMS ${expected}`);
    }
  }
  return problems;
}
