/**
 * Renders a claim like successive reconciles: first on creation (nothing observed), then with
 * sample observed state of what the previous pass composed (engines/observed-samples.ts) and
 * the XR status the previous pass returned — a function's FromComposite patches read the observed
 * XR, so status copied into the XR in one reconcile reaches other resources in the next — until
 * the composed set and the XR status stop changing.
 */
import { isDeepStrictEqual } from 'node:util';
import { observedSamples } from './observed-samples';
import { toComposite } from './claim';
import type { RenderResult } from './render';
import type { EngineSession } from './session';
import type { Json } from './yaml';

/** Reconciles before every status-fed patch of the project's Compositions has its value (6 today), with margin. */
export const MAX_PHASES = 10;

/** The XR status fields patches can read (conditions are Crossplane's, and change as resources become ready). */
const patchable = (status: Json | undefined): Json => {
  const { conditions: _conditions, ...rest } = status ?? {};
  return rest;
};

export const resourceName = (resource: Json): string | undefined =>
  resource?.metadata?.annotations?.['crossplane.io/composition-resource-name'];

export interface Phases {
  /** The XR the claim becomes (before defaults). */
  readonly xr: Json;
  readonly phases: RenderResult[];
}

export async function renderPhases(session: EngineSession, claimOrXr: Json, composition: Json, xrd: Json | undefined): Promise<Phases> {
  const xr = xrd ? toComposite(claimOrXr, xrd) : structuredClone(claimOrXr);
  const phases: RenderResult[] = [];
  let input = xr;
  let observed: Json[] = [];
  for (let phase = 1; phase <= MAX_PHASES; phase++) {
    const result = await session.render({ xr: input, composition, xrd, observed });
    const previous = phases.at(-1);
    phases.push(result);
    if (
      previous &&
      sameNames(previous.resources, result.resources) &&
      isDeepStrictEqual(patchable(previous.xr.status), patchable(result.xr.status))
    )
      break;
    input = { ...xr, ...(result.xr.status ? { status: result.xr.status } : {}) };
    observed = observedSamples(result.resources);
  }
  return { xr, phases };
}

function sameNames(a: readonly Json[], b: readonly Json[]): boolean {
  const names = (list: readonly Json[]) => list.map(resourceName).sort().join('\n');
  return names(a) === names(b);
}

/**
 * Resources a Required patch still holds back, from P&T's Warning results:
 * `not adding new composed resource "X" to desired state because "..." patch at index N has
 * 'policy.fromFieldPath: Required': <path>: no such field`.
 */
export function heldBack(result: RenderResult): Array<{ resource: string; path: string; message: string }> {
  return result.results.flatMap((r) => {
    const message = String(r.message ?? '').replace(/\s+/g, ' ');
    const match = /not adding new composed resource "([^"]+)" to desired state because .*Required'+: (\S+): no such (?:field|element)/.exec(
      message,
    );
    return match ? [{ resource: match[1], path: match[2], message }] : [];
  });
}
