import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RegionSuffix } from '../facts/regions';
import { checkManifests } from '../engines/check-manifests';
import { readManifests } from '../engines/manifest-files';

import type { Json } from '../engines/yaml';

export type { Json };

/** What one environment renders to: each region claim's composed resources and the global claim's. */
export interface EnvironmentModel {
  readonly environment: string;
  readonly regions: Readonly<Record<RegionSuffix, readonly Json[]>>;
  readonly global: readonly Json[];
}

export interface ConformanceModel {
  readonly environments: readonly EnvironmentModel[];
  /** Every file of dist/ as text (secret scanning reads the raw bytes Argo CD would apply). */
  readonly distFiles: ReadonlyArray<{ readonly file: string; readonly text: string }>;
  /** Objects synthesized into dist/ (claims, XRDs, Compositions, artifact objects, ...). */
  readonly distObjects: readonly Json[];
}

/** A resource that breaks a check, and why. */
export interface Finding {
  readonly resource: string;
  readonly message: string;
}

export const forProvider = (resource: Json): Json => resource.spec?.forProvider ?? {};
export const nameOf = (resource: Json): string => resource.metadata?.name ?? '?';
export const ofKind = (resources: readonly Json[], kind: string): Json[] => resources.filter((r) => r.kind === kind);
export const describe = (resource: Json): string => `${resource.kind}/${nameOf(resource)}`;

/** Runs a per-environment check body for every environment, prefixing findings with the environment. */
export function perEnvironment(
  body: (env: EnvironmentModel, fail: (resource: string, message: string) => void) => void,
): (model: ConformanceModel) => Finding[] {
  return (model) =>
    model.environments.flatMap((env) => {
      const findings: Finding[] = [];
      body(env, (resource, message) => findings.push({ resource: `${env.environment}: ${resource}`, message }));
      return findings;
    });
}

/** Every composed resource of an environment. */
export function allResources(env: EnvironmentModel): Json[] {
  return [...env.regions.use1, ...env.regions.usw2, ...env.global];
}

function distFilesUnder(dir: string, prefix = 'dist'): { file: string; text: string }[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory()
        ? distFilesUnder(full, `${prefix}/${entry.name}`)
        : [{ file: `${prefix}/${entry.name}`, text: fs.readFileSync(full, 'utf8') }];
    });
}

/**
 * Renders every claim (engines/check-manifests.ts: creation, then observed passes) and groups
 * the composed resources by environment and unit. Throws when the manifests do not validate:
 * conformance is judged on valid manifests only.
 */
export function modelFromDocuments(
  documents: ReadonlyArray<{ file: string; doc: unknown }>,
  distFiles: ConformanceModel['distFiles'],
): ConformanceModel {
  const check = checkManifests(documents);
  if (check.problems.length) throw new Error(`the manifests do not validate (${check.problems.length} problems): run npm run validate`);
  const byEnvironment = new Map<string, { regions: Record<RegionSuffix, Json[]>; global: Json[] }>();
  for (const claim of check.rendered) {
    const environment = claim.claim.spec.environmentSuffix as string;
    const entry = byEnvironment.get(environment) ?? { regions: { use1: [], usw2: [] }, global: [] };
    const region = claim.claim.spec.regionSuffix as RegionSuffix | undefined;
    if (region) entry.regions[region] = claim.resources;
    else entry.global = claim.resources;
    byEnvironment.set(environment, entry);
  }
  return {
    environments: [...byEnvironment].map(([environment, entry]) => ({ environment, ...entry })),
    distFiles,
    distObjects: documents.map((d) => d.doc as Json),
  };
}

/** The model of a dist/ directory. */
export function loadModel(distDir: string): ConformanceModel {
  return modelFromDocuments(readManifests(distDir).documents, distFilesUnder(distDir));
}
