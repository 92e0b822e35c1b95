import { stringify } from 'yaml';
import { buildApp, chartsOf } from './app';
import { replaceDirectory } from './atomic-dir';
import { EnvironmentConfig } from './config/types';
import { validateEnvironments } from './config/validate';

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

/** One YAML stream per chart; no line folding, so long strings (zip payloads) stay on one line. */
function toYamlStream(objects: readonly unknown[]): string {
  return objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
}

/** Renders every unit to memory: `dist/<unit>/<chart>.yaml`. Throws before anything is written. */
export function renderFiles(environments: readonly EnvironmentConfig[]): SynthResult {
  const app = buildApp(validateEnvironments(environments));
  const files = new Map<string, string>();
  let objectCount = 0;
  for (const chart of chartsOf(app)) {
    const objects = chart.toJson();
    if (objects.length === 0) continue;
    const file = `${chart.unit}/${chart.node.id.split('-').pop()}.yaml`;
    if (files.has(file)) throw new Error(`two charts write ${file}: give them distinct ids`);
    files.set(file, toYamlStream(objects));
    objectCount += objects.length;
  }
  return { files, objectCount };
}

/** Validates the config, renders every unit and replaces outDir atomically. */
export function synthesize(options: SynthOptions): SynthResult {
  const result = renderFiles(options.environments);
  replaceDirectory(options.outDir, result.files);
  return result;
}
