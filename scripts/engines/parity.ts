/**
 * Parity run (temporary, retired with the home-made engines): the home-made P&T renderer and
 * schema/CEL validator (scripts/render, scripts/validate) beside the real engines on
 * 1. every claim of every environment variant the tests use, every render phase;
 * 2. every renderComposition / Validator call the old test suites made (recorded with
 *    PARITY_RECORD=.build/parity/fixtures, see below);
 * 3. the broken-manifest corpus (test/validate/broken-corpus.ts).
 * Writes .build/parity/results.json; docs/engines-parity.md is written from it.
 *
 *   PARITY_RECORD=$PWD/.build/parity/fixtures npx jest test/render test/validate
 *   npx tsx scripts/engines/parity.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { ENVIRONMENTS } from '../../charts/config/environments';
import type { EnvironmentConfig } from '../../charts/config/types';
import { devWith } from '../../test/foundation/env-fixture';
import { STAGING } from '../../test/support/environments';
import { synthesizedManifests } from '../../test/support/synthesized';
import { brokenCorpus } from '../../test/validate/broken-corpus';
import { observedSamples } from '../lib/observed-samples';
import { renderComposition } from '../render/index';
import { Validator } from '../validate/index';
import { checkWithEngines } from './check';
import { toComposite } from './claim';
import { oneLine } from './errors';
import { heldBack, renderPhases, resourceName } from './phases';
import { EngineSession } from './session';
import type { Json } from './yaml';

const OUT = path.resolve(__dirname, '..', '..', '.build', 'parity');
const session = new EngineSession();

/** What both sides compose, compared: Crossplane's machinery fields (owner refs, the XR name in labels) left out. */
function normalized(resource: Json, xrName?: string): Json {
  const copy = structuredClone(resource);
  // A template without a name: Crossplane names it <xr>-<12 hex> (a hash), the old renderer <xr>-<resource>.
  const name = String(copy.metadata?.name ?? '');
  if (xrName && (name === `${xrName}-${resourceName(copy)}` || new RegExp(`^${xrName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9a-f]{12}$`).test(name))) copy.metadata.name = '<generated from the XR name>';
  delete copy.metadata?.ownerReferences;
  delete copy.metadata?.generateName;
  if (copy.metadata?.labels) delete copy.metadata.labels['crossplane.io/composite'];
  delete copy.status;
  return copy;
}

function byName(resources: readonly Json[], xrName?: string): Map<string, Json> {
  return new Map(resources.map((r) => [String(resourceName(r) ?? r.metadata?.name), normalized(r, xrName)]));
}

/** Where two values differ first (dotted path), for the report. */
function firstDifference(a: unknown, b: unknown, at = ''): string {
  if (isDeepStrictEqual(a, b)) return '';
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) === !Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a as object), ...Object.keys(b as object)])) {
      const d = firstDifference((a as Json)[key], (b as Json)[key], at ? `${at}.${key}` : key);
      if (d) return d;
    }
  }
  return `${at || '.'}: old ${JSON.stringify(a)?.slice(0, 160)} / new ${JSON.stringify(b)?.slice(0, 160)}`;
}

const statusWithoutConditions = (xr: Json) => {
  const { conditions: _c, ...rest } = xr?.status ?? {};
  return rest;
};

// 1. Claims of every environment, every phase ------------------------------------------------

/** The old check's phases (scripts/lib/check-manifests.ts before the real engines). */
function oldPhases(claim: Json, composition: Json) {
  const phases = [renderComposition(claim, composition)];
  for (let pass = 1; pass < 5; pass++) {
    const next = renderComposition(claim, composition, { observed: observedSamples(phases.at(-1)!.resources) });
    const settled = next.resources.length === phases.at(-1)!.resources.length;
    phases.push(next);
    if (settled) break;
  }
  return phases;
}

const VARIANTS: Array<[string, EnvironmentConfig[]]> = [
  ['dev', [...ENVIRONMENTS]],
  ['staging', [STAGING]],
  ['prod (per-az NAT)', [devWith({ environmentSuffix: 'prod', production: true, 'regions.use1.natMode': 'per-az', 'regions.usw2.natMode': 'per-az' })]],
  ['dev, 3 instances per region', [devWith({ 'database.instancesPerRegion': 3 })]],
  ['dev, db credentials version 2', [devWith({ 'secretVersions.dbCredentials': 2 })]],
  ['dev, automatic failover', [devWith({ 'failover.automatic': true })]],
];

async function claims() {
  const rows: Json[] = [];
  for (const [variant, environments] of VARIANTS) {
    const manifests = await synthesizedManifests(undefined, environments);
    const docs = manifests.map((m) => ({ file: `dist/${m.file}`, doc: m.object as Json }));
    const xrds = docs.filter((d) => d.doc.kind === 'CompositeResourceDefinition').map((d) => d.doc);
    const compositions = new Map(docs.filter((d) => d.doc.kind === 'Composition').map((d) => [d.doc.metadata.name, d.doc]));
    const oldValidator = Validator.load();
    const oldDocs = oldValidator.validateDocuments(docs);
    const engines = await checkWithEngines(docs, { session });
    const newDocProblems = engines.reports.slice(0, docs.length).filter((r) => r.problems.length).length;
    rows.push({ section: 'documents', variant, objects: docs.length, oldInvalid: oldDocs.invalid, newInvalid: newDocProblems, newProblems: engines.problems.map((p) => `${p.file} ${p.kind}/${p.name} ${p.path} ${p.message} [${p.engine}]`) });
    for (const { file, doc } of docs) {
      const xrd = xrds.find((x) => x.spec.claimNames?.kind === doc.kind);
      if (!xrd) continue;
      const composition = compositions.get(doc.spec?.compositionRef?.name ?? xrd.spec.defaultCompositionRef.name)!;
      const old = oldPhases(doc, composition);
      const real = (await renderPhases(session, doc, composition, xrd)).phases;
      const phaseRows = Array.from({ length: Math.max(old.length, real.length) }, (_, i) => {
        const o = old[Math.min(i, old.length - 1)];
        const n = real[Math.min(i, real.length - 1)];
        const on = byName(o.resources);
        const nn = byName(n.resources);
        const onlyOld = [...on.keys()].filter((k) => !nn.has(k));
        const onlyNew = [...nn.keys()].filter((k) => !on.has(k));
        const both = [...on.keys()].filter((k) => nn.has(k));
        const differ = both.filter((k) => !isDeepStrictEqual(on.get(k), nn.get(k))).map((k) => `${k}: ${firstDifference(on.get(k), nn.get(k))}`);
        const xrStatus = firstDifference(statusWithoutConditions(o.xr), statusWithoutConditions(n.xr));
        return { phase: i + 1, old: on.size, new: nn.size, agree: both.length - differ.length, onlyOld, onlyNew, differ, xrStatus };
      });
      // Validation of what each side composed at the end, each with its own validator.
      const oldFinal = old.at(-1)!;
      const oldInvalid = oldFinal.resources.filter((r) => oldValidator.validateObject(r).length).map((r) => resourceName(r));
      const oldNever = oldFinal.warnings.filter((w) => /but status\.\S+ is absent/.test(w)).length;
      const newNever = heldBack(real.at(-1)!).filter((h) => h.path.startsWith('status.')).length;
      const claimReports = engines.reports.filter((r) => r.file.startsWith(`${file} → `));
      const newInvalid = claimReports.filter((r) => r.problems.length).map((r) => r.file.split('/').pop());
      rows.push({ section: 'claim', variant, file, oldPhases: old.length, newPhases: real.length, phases: phaseRows, oldInvalid, newInvalid, oldNever, newNever, validated: claimReports.length });
    }
  }
  return rows;
}

// 2. Recorded fixtures of the old test suites --------------------------------------------------

function readJsonl(file: string): Json[] {
  if (!fs.existsSync(file)) return [];
  const seen = new Set<string>();
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .filter((line) => {
      const { test: _t, ...input } = JSON.parse(line);
      const key = JSON.stringify(input);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((line) => JSON.parse(line));
}

function minimalXrd(composition: Json, claim: Json): Json {
  const [group, version] = String(composition.spec?.compositeTypeRef?.apiVersion ?? '').split('/');
  return { metadata: { name: 'fixture' }, spec: { group, names: { kind: composition.spec?.compositeTypeRef?.kind }, claimNames: { kind: claim.kind }, versions: [{ name: version, referenceable: true }] } };
}

async function renderFixtures() {
  const rows: Json[] = [];
  for (const call of readJsonl(path.join(OUT, 'fixtures.render.jsonl'))) {
    let old: { ok: boolean; resources?: Map<string, Json>; status?: Json; error?: string };
    try {
      const r = renderComposition(call.xrOrClaim, call.composition, { observed: call.observed });
      old = { ok: true, resources: byName(r.resources, (r.xr as Json).metadata?.name), status: statusWithoutConditions(r.xr) };
    } catch (error) {
      old = { ok: false, error: oneLine(error) };
    }
    let real: typeof old;
    try {
      const ref = call.composition.spec?.compositeTypeRef ?? {};
      const isXr = call.xrOrClaim.apiVersion === ref.apiVersion && call.xrOrClaim.kind === ref.kind;
      const xr = isXr ? call.xrOrClaim : toComposite(call.xrOrClaim, minimalXrd(call.composition, call.xrOrClaim));
      let r = await session.render({ xr, composition: call.composition, observed: call.observed });
      if (call.observed.length && r.xr.status && !isDeepStrictEqual(r.xr.status, xr.status)) r = await session.render({ xr: { ...xr, status: r.xr.status }, composition: call.composition, observed: call.observed });
      real = { ok: true, resources: byName(r.resources, r.xr.metadata?.name), status: statusWithoutConditions(r.xr) };
    } catch (error) {
      real = { ok: false, error: oneLine(error).slice(0, 300) };
    }
    let verdict: string;
    let detail = '';
    if (!old.ok && !real.ok) verdict = 'agree (both refuse)';
    else if (!old.ok) verdict = 'only-old refuses';
    else if (!real.ok) verdict = 'only-new refuses';
    else {
      const names = [...new Set([...old.resources!.keys(), ...real.resources!.keys()])];
      const diffs = names.map((n) => (old.resources!.has(n) && real.resources!.has(n) ? firstDifference(old.resources!.get(n), real.resources!.get(n)) : `${n}: composed by ${old.resources!.has(n) ? 'old' : 'new'} only`)).filter(Boolean);
      const status = firstDifference(old.status, real.status);
      if (status) diffs.push(`XR status ${status}`);
      verdict = diffs.length ? 'differ' : 'agree (same output)';
      detail = diffs.join('; ');
    }
    rows.push({ section: 'render fixture', test: call.test, verdict, detail, oldError: old.error, newError: real.error });
  }
  return rows;
}

async function validateFixtures() {
  const rows: Json[] = [];
  for (const call of readJsonl(path.join(OUT, 'fixtures.validate.jsonl'))) {
    const validator = Validator.load();
    validator.addXrds(structuredClone(call.xrds));
    // validateDocuments registers the XRDs among the documents first.
    validator.addXrds(call.documents.filter((doc: Json) => doc?.kind === 'CompositeResourceDefinition').map((doc: Json) => structuredClone(doc)));
    const oldProblems = call.documents.flatMap((doc: Json) => validator.validateObject(structuredClone(doc)));
    const documents = [...call.xrds.map((doc: Json, i: number) => ({ file: `xrd-${i}.yaml`, doc })), ...call.documents.map((doc: Json, i: number) => ({ file: `doc-${i}.yaml`, doc }))];
    let newProblems: string[];
    try {
      const check = await checkWithEngines(documents, { session, skipRender: true });
      newProblems = check.problems.map((p) => `${p.file} ${p.kind}/${p.name} ${p.path} ${p.message} [${p.engine}]`);
    } catch (error) {
      newProblems = [`engine error: ${oneLine(error)}`];
    }
    const oldRefuses = oldProblems.length > 0;
    const newRefuses = newProblems.length > 0;
    rows.push({
      section: 'validate fixture',
      test: call.test,
      verdict: oldRefuses === newRefuses ? `agree (${oldRefuses ? 'both refuse' : 'both accept'})` : oldRefuses ? 'only-old refuses' : 'only-new refuses',
      old: oldProblems.map((p: Json) => `${p.kind}/${p.name} ${p.path} ${p.message}`),
      new: newProblems,
    });
  }
  return rows;
}

// 3. The broken corpus -----------------------------------------------------------------------

function oldVerdict(documents: Array<{ file: string; doc: Json }>, render: boolean): string[] {
  const validator = Validator.load();
  const report = validator.validateDocuments(structuredClone(documents));
  const problems = report.problems.map((p) => `${p.kind}/${p.name} ${p.path} ${p.message}`);
  if (!render) return problems;
  const xrds = documents.filter((d) => d.doc.kind === 'CompositeResourceDefinition').map((d) => d.doc);
  const composition = documents.find((d) => d.doc.kind === 'Composition')!.doc;
  for (const { doc } of documents) {
    if (!xrds.some((x) => x.spec.claimNames?.kind === doc.kind)) continue;
    try {
      const phases = oldPhases(doc, composition);
      const last = phases.at(-1)!;
      for (const w of last.warnings.filter((x) => /but status\.\S+ is absent/.test(x))) problems.push(`never composed: ${w}`);
      for (const r of last.resources) problems.push(...validator.validateObject(r).map((p) => `${resourceName(r)} ${p.path} ${p.message}`));
    } catch (error) {
      problems.push(`render failed: ${oneLine(error)}`);
    }
  }
  return problems;
}

async function corpus() {
  const rows: Json[] = [];
  for (const c of brokenCorpus()) {
    const old = oldVerdict(c.documents, c.render);
    let engines: string[] = [];
    let rules: string[] = [];
    try {
      const check = await checkWithEngines(c.documents, { session, skipRender: !c.render });
      engines = check.problems.filter((p) => p.engine !== 'project rules').map((p) => `${p.file} ${p.kind}/${p.name} ${p.path} ${p.message} [${p.engine}]`);
      rules = check.problems.filter((p) => p.engine === 'project rules').map((p) => `${p.kind}/${p.name} ${p.path} ${p.message}`);
    } catch (error) {
      engines = [`engine error: ${oneLine(error)}`];
    }
    const oldRefuses = old.length > 0;
    const newRefuses = engines.length > 0;
    rows.push({
      section: 'corpus',
      id: c.id,
      category: c.category,
      description: c.description,
      verdict: oldRefuses === newRefuses ? `agree (${oldRefuses ? 'both refuse' : 'both accept'})` : oldRefuses ? 'only-old refuses' : 'only-new refuses',
      rulesRefuse: rules.length > 0,
      old,
      engines,
      rules,
    });
    process.stderr.write(`${c.id}: ${rows.at(-1)!.verdict}${rules.length ? ' (+rules)' : ''}\n`);
  }
  return rows;
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const only = process.argv.slice(2);
  const sections: Record<string, () => Promise<Json[]>> = { claims, renderFixtures, validateFixtures, corpus };
  const results: Record<string, Json[]> = fs.existsSync(path.join(OUT, 'results.json')) ? JSON.parse(fs.readFileSync(path.join(OUT, 'results.json'), 'utf8')) : {};
  for (const [name, run] of Object.entries(sections)) {
    if (only.length && !only.includes(name)) continue;
    const started = Date.now();
    results[name] = await run();
    process.stderr.write(`${name}: ${results[name].length} rows in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 1));
  }
  await session.stop();
}

main().catch(async (error) => {
  console.error(error);
  await session.stop();
  process.exit(1);
});
