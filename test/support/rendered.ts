import { PLATFORM } from '../../charts/config/platform';
import type { EnvironmentConfig } from '../../charts/config/types';
import { type ManifestCheck, checkManifestsAsync } from '../../engines/check-manifests';
import { EngineSession } from '../../engines/session';
import { synthesizedManifests } from './synthesized';

type Json = Record<string, any>;

export interface RenderedEnvironments extends ManifestCheck {
  /** The synthesized objects (what dist/ would hold), with their dist/ file. */
  readonly objects: ReadonlyArray<{ file: string; doc: Json }>;
}

/**
 * The real engines of this test file: the functions and the scratch API server start on the first
 * renderEnvironments() and stop after the file's last test (every render of the file reuses them).
 */
let session: EngineSession | undefined;
if (typeof afterAll === 'function') {
  afterAll(async () => {
    await session?.stop();
    session = undefined;
  });
}

/**
 * Synthesizes the environments in memory (as the synth does) and checks everything with the real
 * engines (engines/check-manifests.ts): every claim rendered by `crossplane composition render`
 * phase after phase until nothing new appears, every document and composed resource validated by
 * `crossplane resource validate` and applied to a scratch API server.
 */
export async function renderEnvironments(environments: readonly EnvironmentConfig[]): Promise<RenderedEnvironments> {
  const objects = (await synthesizedManifests(PLATFORM, environments)).map(({ file, object }) => ({ file: `dist/${file}`, doc: object }));
  session ??= new EngineSession();
  return { ...(await checkManifestsAsync(objects, { session })), objects };
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
