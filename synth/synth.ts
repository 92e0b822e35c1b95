import { stringify } from 'yaml';
import { bundleFunctions } from '../functions/build';
import { buildApp, chartsOf } from './app';
import { replaceDirectory } from './atomic-dir';
import { PLATFORM } from '../charts/config/platform';
import type { EnvironmentConfig } from '../charts/config/types';
import { validateEnvironments } from '../charts/config/validate';
import { validatePlatform } from '../charts/config/validate-platform';
import { patchPathProblems } from '../engines/patch-paths';
import type { Problem } from '../engines/report';

export interface SynthOptions {
  readonly environments: readonly EnvironmentConfig[];
  /** Output directory; replaced atomically. */
  readonly outDir: string;
}

export interface SynthResult {
  /** dist-relative path → YAML text, in write order. */
  readonly files: ReadonlyMap<string, string>;
  readonly objectCount: number;
}

const listProblems = (problems: readonly Problem[]): string =>
  problems.map((p) => `  ${p.file} ${p.kind}/${p.name} ${p.path || '.'} ${p.message}`).join('\n');

/** The synthesized objects break one of the project's own rules (engines/patch-paths.ts). */
export class InvalidManifestsError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(`${problems.length} problem(s) in the synthesized manifests:\n${listProblems(problems)}`);
    this.name = 'InvalidManifestsError';
  }
}

/**
 * Throws InvalidManifestsError when a Composition's patch reads or writes a field its XRD or
 * managed-resource CRD does not have — the one check no upstream tool makes, and cheap (no
 * engine, no Go toolchain). Schemas, CEL rules and what the claims compose are proven by the
 * real engines in `npm test` and `npm run validate` (README, "Checking manifests").
 */
export function assertValidManifests(documents: { file: string; doc: unknown }[]): void {
  const problems = patchPathProblems(documents);
  if (problems.length) throw new InvalidManifestsError(problems);
}

/**
 * One YAML stream per chart; no line folding, so long strings (zip payloads) stay on one line.
 * Written with the YAML 1.1 schema: kubectl, Argo CD and Crossplane read manifests with
 * sigs.k8s.io/yaml (YAML 1.1), where a bare `OFF`, `on`, `yes` or `no` is a boolean, so such
 * strings must be quoted (the real engines refused the Scheduler's `flexibleTimeWindow.mode: OFF`).
 */
export function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0, version: '1.1' })).join('---\n');
}

/**
 * Validates the environments and the platform config, bundles the functions, renders every unit to memory
 * (`dist/<unit>/<file>.yaml`) and checks every Composition's patch paths against the project's
 * XRDs and the vendored CRDs. Throws before anything is written.
 */
export async function renderFiles(environments: readonly EnvironmentConfig[]): Promise<SynthResult> {
  validateEnvironments(environments);
  validatePlatform(PLATFORM, environments);
  const app = buildApp(environments, await bundleFunctions());
  const files = new Map<string, string>();
  const documents: { file: string; doc: unknown }[] = [];
  for (const chart of chartsOf(app)) {
    const objects = chart.toJson();
    if (objects.length === 0) continue;
    if (files.has(chart.outputPath)) throw new Error(`two charts write ${chart.outputPath}: give them distinct files`);
    files.set(chart.outputPath, toYamlStream(objects));
    documents.push(...objects.map((doc) => ({ file: `dist/${chart.outputPath}`, doc })));
  }
  assertValidManifests(documents);
  return { files, objectCount: documents.length };
}

/** Validates the config, renders every unit and replaces outDir atomically. */
export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const result = await renderFiles(options.environments);
  replaceDirectory(options.outDir, result.files);
  return result;
}
