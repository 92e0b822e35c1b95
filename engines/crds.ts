import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Root of the repository (this file lives in engines/). */
export const REPO_ROOT = path.resolve(__dirname, '..');

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

export function yamlFilesUnder(dir: string): string[] {
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
    for (const line of fs
      .readFileSync(sumFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim())) {
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

const CRD_DOCUMENT = /^kind:\s*CustomResourceDefinition\s*$/m;
const SPEC_GROUP = /^ {2}group:\s*['"]?([^'"\s]+)/m;
const NAMES_BLOCK = /^ {2}names:\s*\n((?: {4,}.*\n?)+)/m;
const NAMES_KIND = /^ {4}kind:\s*['"]?([^'"\s]+)/m;

/** Parsed CRDs as JSON, keyed by the YAML's SHA-256: JSON.parse is ~100x faster than YAML parsing. */
const PARSE_CACHE = path.join(REPO_ROOT, '.build', 'crd-cache');

function parseCrdFile(file: string): Crd[] {
  const text = fs.readFileSync(file, 'utf8');
  const cached = path.join(PARSE_CACHE, `${createHash('sha256').update(text).digest('hex')}.json`);
  if (fs.existsSync(cached)) return JSON.parse(fs.readFileSync(cached, 'utf8')) as Crd[];
  const crds = parseAllDocuments(text)
    .map((doc) => doc.toJS() as Crd | null)
    .filter((doc): doc is Crd => doc?.kind === 'CustomResourceDefinition');
  fs.mkdirSync(PARSE_CACHE, { recursive: true });
  const staging = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(staging, JSON.stringify(crds));
  fs.renameSync(staging, cached);
  return crds;
}

/** group/kind of every CRD a file holds, read from its text; undefined when the layout is unusual. */
function scanGroupKinds(text: string): string[] | undefined {
  const keys: string[] = [];
  for (const doc of text.split(/^---\s*$/m)) {
    if (!CRD_DOCUMENT.test(doc)) continue;
    const group = SPEC_GROUP.exec(doc)?.[1];
    const kind = NAMES_BLOCK.exec(doc)?.[1].match(NAMES_KIND)?.[1];
    if (!group || !kind) return undefined;
    keys.push(`${group}/${kind}`);
  }
  return keys;
}

/**
 * The vendored CRDs, indexed by group/kind from a cheap text scan; a file is parsed only when one
 * of its kinds is asked for (parsing all of them costs about a second).
 */
export class CrdCatalog {
  private readonly fileByGroupKind = new Map<string, string>();
  private readonly parsed = new Map<string, Crd>();

  constructor(dir = crdDir()) {
    for (const file of yamlFilesUnder(dir)) {
      const keys = scanGroupKinds(fs.readFileSync(file, 'utf8'));
      if (keys) keys.forEach((key) => this.fileByGroupKind.set(key, file));
      else this.remember(parseCrdFile(file), file);
    }
  }

  private readonly files = new Map<string, string>();

  private remember(crds: Crd[], file?: string): void {
    for (const crd of crds) {
      this.parsed.set(`${crd.spec.group}/${crd.spec.names.kind}`, crd);
      if (file) this.files.set(`${crd.spec.group}/${crd.spec.names.kind}`, file);
    }
  }

  /** The vendored file that defines a group and kind, if any (without parsing it). */
  fileOf(group: string, kind: string): string | undefined {
    const key = `${group}/${kind}`;
    return this.fileByGroupKind.get(key) ?? this.files.get(key);
  }

  /** The vendored CRD of a group and kind, if any. */
  find(group: string, kind: string): Crd | undefined {
    const key = `${group}/${kind}`;
    const file = this.fileByGroupKind.get(key);
    if (!this.parsed.has(key) && file) {
      this.remember(parseCrdFile(file), file);
      this.fileByGroupKind.delete(key);
    }
    return this.parsed.get(key);
  }
}
