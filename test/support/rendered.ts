import { PLATFORM } from '../../charts/config/platform';
import { EnvironmentConfig } from '../../charts/config/types';
import { ManifestCheck, checkManifests } from '../../scripts/lib/check-manifests';
import { synthesizedManifests } from './synthesized';

type Json = Record<string, any>;

export interface RenderedEnvironments extends ManifestCheck {
  /** The synthesized objects (what dist/ would hold), with their dist/ file. */
  readonly objects: ReadonlyArray<{ file: string; doc: Json }>;
}

/** Synthesizes the environments in memory (as the synth does) and renders every claim through its Composition. */
export async function renderEnvironments(environments: readonly EnvironmentConfig[]): Promise<RenderedEnvironments> {
  const objects = (await synthesizedManifests(PLATFORM, environments)).map(({ file, object }) => ({ file: `dist/${file}`, doc: object }));
  return { ...checkManifests(objects), objects };
}

/** The composed resources of the claim rendered from `file` (e.g. dev/use1/paymentregion.yaml). */
export function composedOf(check: ManifestCheck, file: string): Json[] {
  const claim = check.rendered.find((r) => r.file === `dist/${file}`);
  if (!claim) throw new Error(`no rendered claim from dist/${file} (have: ${check.rendered.map((r) => r.file).join(', ')})`);
  return claim.resources;
}

export function xrOf(check: ManifestCheck, file: string): Json {
  return check.rendered.find((r) => r.file === `dist/${file}`)!.xr;
}

/** The composed resource with the given composition-resource-name. */
export function byName(resources: readonly Json[], name: string): Json {
  const found = resources.find((r) => r.metadata.annotations['crossplane.io/composition-resource-name'] === name);
  if (!found) throw new Error(`no composed resource "${name}"`);
  return found;
}

export const ofKind = (resources: readonly Json[], kind: string) => resources.filter((r) => r.kind === kind);
