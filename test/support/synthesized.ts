import { buildApp, chartsOf } from '../../synth/app';
import { PLATFORM } from '../../charts/config/platform';
import type { PlatformConfig } from '../../charts/config/platform-types';
import { ENVIRONMENTS } from '../../charts/config/environments';
import type { EnvironmentConfig } from '../../charts/config/types';
import { validateEnvironments } from '../../charts/config/validate';
import { validatePlatform } from '../../charts/config/validate-platform';
import { assertValidManifests } from '../../synth/synth';
import { type Artifact, bundleFunctions } from '../../functions/build';

type Json = Record<string, any>;

/** One synthesized object and the dist-relative file it is written to (e.g. platform/providers.yaml). */
export interface Manifest {
  readonly file: string;
  readonly object: Json;
}

let artifacts: Promise<Artifact[]> | undefined;

/**
 * What `npm run synth` writes for these configs (default: the committed ones), in memory, after
 * the same config validation and patch-path check the synth does.
 */
export async function synthesizedManifests(
  platform: PlatformConfig = PLATFORM,
  environments: readonly EnvironmentConfig[] = ENVIRONMENTS,
): Promise<Manifest[]> {
  validateEnvironments(environments);
  validatePlatform(platform, environments);
  artifacts ??= bundleFunctions();
  const app = buildApp(environments, await artifacts, platform);
  const manifests = chartsOf(app).flatMap((chart) => chart.toJson().map((object: Json) => ({ file: chart.outputPath, object })));
  assertValidManifests(manifests.map(({ file, object }) => ({ file: `dist/${file}`, doc: object })));
  return manifests;
}

/** The objects written to one dist-relative file. */
export const objectsIn = (manifests: readonly Manifest[], file: string): Json[] =>
  manifests.filter((m) => m.file === file).map((m) => m.object);

/** The objects of one kind. */
export const objectsOfKind = (manifests: readonly Manifest[], kind: string): Json[] =>
  manifests.filter((m) => m.object.kind === kind).map((m) => m.object);

/** The dist-relative folders that hold at least one file. */
export const foldersOf = (manifests: readonly Manifest[]): Set<string> =>
  new Set(manifests.map((m) => m.file.slice(0, m.file.lastIndexOf('/'))));

/** API group of an apiVersion ("" for the core group). */
export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
