import { RenderError, renderComposition } from '../render/index';
import { Validator, type ManifestDocument, type Problem } from '../validate/index';
import { observedSamples } from './observed-samples';

type Json = Record<string, any>;

export interface RenderedClaim {
  readonly file: string;
  readonly claim: Json;
  readonly composition: string;
  readonly xr: Json;
  readonly resources: Json[];
}

export interface ManifestCheck {
  /** Problems of the documents themselves and of every resource their claims compose. */
  readonly problems: Problem[];
  readonly documents: number;
  readonly rendered: RenderedClaim[];
}

/**
 * A resource held back by a Required patch on a spec field is an intended optional slot (a NAT
 * gateway in a zone without one, a fifth e-mail subscriber); one still waiting for a status field
 * after the observed pass would never be created.
 */
function waitsForStatus(warning: string): boolean {
  return /but status\.\S+ is absent/.test(warning);
}

/** Reconciles a resource may need before every status-fed patch has its value (creation, then observed state). */
const MAX_RECONCILES = 5;

/**
 * Renders like successive reconciles: first on creation, then with sample observed state of what
 * the previous pass composed, until the set of composed resources stops growing (a resource whose
 * Required patch reads a status another resource feeds appears one pass later).
 */
function renderUntilSettled(claim: Json, composition: Json) {
  let result = renderComposition(claim, composition);
  for (let pass = 1; pass < MAX_RECONCILES; pass++) {
    const next = renderComposition(claim, composition, { observed: observedSamples(result.resources) });
    const settled = next.resources.length === result.resources.length;
    result = next;
    if (settled) break;
  }
  return result;
}

function isClaimOf(doc: Json, xrd: Json): boolean {
  const [group] = String(doc.apiVersion).split('/');
  return xrd.spec?.claimNames?.kind === doc.kind && xrd.spec.group === group;
}

/**
 * Validates every document, then renders every claim through the Composition it selects (its
 * compositionRef, else the XRD's default) — first as Crossplane would on creation, then again
 * with sample observed state until nothing new appears — and validates each composed resource
 * with its CRD's full schema (required fields and CEL rules included). A resource that a
 * Required patch on a status field still holds back at the end is a problem: it would never be
 * created.
 */
export function checkManifests(documents: readonly ManifestDocument[], validator: Validator = Validator.load()): ManifestCheck {
  const report = validator.validateDocuments([...documents]);
  const problems = [...report.problems];
  const docs = documents.map((d) => ({ file: d.file, doc: d.doc as Json }));
  const xrds = docs.filter(({ doc }) => doc?.kind === 'CompositeResourceDefinition').map(({ doc }) => doc);
  const compositions = new Map(docs.filter(({ doc }) => doc?.kind === 'Composition').map(({ doc }) => [doc.metadata.name as string, doc]));
  const rendered: RenderedClaim[] = [];
  for (const { file, doc } of docs) {
    const xrd = xrds.find((candidate) => isClaimOf(doc, candidate));
    if (!xrd) continue;
    const where = { file, kind: doc.kind, name: doc.metadata?.name ?? '?' };
    const compositionName = doc.spec?.compositionRef?.name ?? xrd.spec.defaultCompositionRef?.name;
    const composition = compositions.get(compositionName);
    if (!composition) {
      problems.push({ ...where, path: 'spec.compositionRef', message: `selects Composition "${compositionName}", which is not among the manifests` });
      continue;
    }
    try {
      const result = renderUntilSettled(doc, composition);
      for (const warning of result.warnings.filter(waitsForStatus)) problems.push({ ...where, path: '', message: `never composed: ${warning}` });
      for (const resource of result.resources) {
        const label = `${file} → ${compositionName}/${(resource.metadata as Json | undefined)?.annotations?.['crossplane.io/composition-resource-name']}`;
        problems.push(...validator.validateObject(resource, { file: label }));
      }
      rendered.push({ file, claim: doc, composition: compositionName, xr: result.xr, resources: result.resources });
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      problems.push({ ...where, path: '', message: `render failed: ${error.message}` });
    }
  }
  return { problems, documents: documents.length, rendered };
}
