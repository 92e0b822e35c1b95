/**
 * What the e2e reads from dist/ (never writes): the Applications (which folder, which wave), the
 * manifests of each folder, the Functions the platform installs, the managed-resource kinds its
 * Compositions compose, and Argo CD's health checks from dist/argocd/argocd-cm-health.yaml.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { E2eError } from './log';
import type { Json } from './kube';

export const WAVE = 'argocd.argoproj.io/sync-wave';

export interface Unit {
  /** Application name, e.g. payments-dr-dev-use1. */
  readonly application: string;
  readonly wave: number;
  /** Folder under the repository root, e.g. dist/dev/use1. */
  readonly folder: string;
  readonly manifests: readonly Json[];
}

export interface Platform {
  readonly distDir: string;
  /** In the order Argo CD's root Application syncs them (wave, then name). */
  readonly units: readonly Unit[];
  readonly functions: ReadonlyArray<{ name: string; image: string }>;
  /** `apiVersion|kind` of every managed resource the Compositions compose or the units hold. */
  readonly managedKinds: ReadonlyArray<{ apiVersion: string; kind: string }>;
  /** Argo CD health script for a group/kind, if the project configures one. */
  healthScript(group: string, kind: string): string | undefined;
}

export const waveOf = (obj: Json): number => Number(obj.metadata?.annotations?.[WAVE] ?? 0);
export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

export function readYamlDocuments(file: string): Json[] {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
  for (const doc of docs) if (doc.errors.length) throw new E2eError(`${file}: ${doc.errors[0].message}`);
  return docs.map((d) => d.toJSON() as Json).filter((d) => d && typeof d === 'object');
}

function readFolder(dir: string): Json[] {
  if (!fs.existsSync(dir)) throw new E2eError(`${dir} does not exist: run \`npm run synth\` (dist/ is committed; a fresh clone has it)`);
  return fs
    .readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .flatMap((f) => readYamlDocuments(path.join(dir, f)));
}

export function readPlatform(repoRoot: string, distDir: string): Platform {
  const applicationsFile = path.join(distDir, 'argocd', 'applications.yaml');
  if (!fs.existsSync(applicationsFile)) throw new E2eError(`${applicationsFile} does not exist: run \`npm run synth\``);
  const applications = readYamlDocuments(applicationsFile).filter((o) => o.kind === 'Application');
  const units = applications
    .map((app) => ({ application: app.metadata.name as string, wave: waveOf(app), folder: app.spec.source.path as string }))
    .sort((a, b) => a.wave - b.wave || a.application.localeCompare(b.application))
    // Applications name folders as the repository has them (dist/...); read them from distDir.
    .map((u) => ({
      ...u,
      manifests: readFolder(
        u.folder.startsWith('dist/') ? path.join(distDir, u.folder.slice('dist/'.length)) : path.join(repoRoot, u.folder),
      ),
    }));
  const all = units.flatMap((u) => u.manifests);
  const functions = all
    .filter((o) => o.kind === 'Function' && groupOf(o.apiVersion) === 'pkg.crossplane.io')
    .map((o) => ({ name: o.metadata.name as string, image: o.spec.package as string }));
  const composed = all
    .filter((o) => o.kind === 'Composition')
    .flatMap((c) => (c.spec.pipeline ?? []) as Json[])
    .flatMap((step) => ((step.input?.resources ?? []) as Json[]).map((r) => r.base as Json));
  const kinds = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of [...composed, ...all]) {
    if (o?.apiVersion && /(^|\.)aws\.upbound\.io\//.test(o.apiVersion) && o.kind !== 'ProviderConfig')
      kinds.set(`${o.apiVersion}|${o.kind}`, { apiVersion: o.apiVersion, kind: o.kind });
  }
  const health = readHealthScripts(path.join(distDir, 'argocd', 'argocd-cm-health.yaml'));
  return { distDir, units, functions, managedKinds: [...kinds.values()], healthScript: health };
}

function readHealthScripts(file: string): (group: string, kind: string) => string | undefined {
  if (!fs.existsSync(file)) return () => undefined;
  const cm = readYamlDocuments(file).find((o) => o.kind === 'ConfigMap');
  const data = (cm?.data ?? {}) as Record<string, string>;
  const globs = Object.entries((parse(data['resource.customizations'] ?? '') ?? {}) as Record<string, { 'health.lua'?: string }>);
  return (group, kind) => {
    const exact = data[`resource.customizations.health.${group}_${kind}`];
    if (exact) return exact;
    for (const [glob, custom] of globs) {
      const [g, k] = glob.split('/');
      const match = (pattern: string, value: string): boolean =>
        new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`).test(value);
      if (custom['health.lua'] && match(g, group) && match(k, kind)) return custom['health.lua'];
    }
    return undefined;
  };
}
