/**
 * Checks manifests with the real engines:
 * 1. the project's own rules (engines/patch-paths.ts; a claim selects a Composition
 *    among the manifests; once the render phases settle, no template is still held back by a
 *    Required patch — P&T would keep the XR not ready);
 * 2. `crossplane composition render` of every claim, phase after phase (phases.ts);
 * 3. `crossplane resource validate` of every object, every distinct phase version of every
 *    composed resource and XR (full, -x), and every function-patch-and-transform input;
 * 4. apiextensions-apiserver: every CRD the objects need installs (vendored ones, and the XRDs'
 *    as `crossplane xrd convert` generates them), every object is applied server-side with
 *    fieldValidation=Strict and stored (each phase version in turn, so later versions are
 *    updates), then applied again with dry-run (an update of the stored object: CEL transition
 *    rules with oldSelf run).
 */
import { CrdCatalog } from './crds';
import { patchPathProblems } from './patch-paths';
import type { ApiServer } from './apiserver';
import { statusMessage } from './apiserver';
import { DEFAULT_NAMESPACE, isClaimOf, isCompositeOf } from './claim';
import { EngineError, oneLine } from './errors';
import { type Phases, heldBack, renderPhases, resourceName } from './phases';
import { RenderFailed } from './render';
import type { EngineName, ObjectReport, Problem } from './report';
import { resourceValidate, type ResourceVerdict } from './resource-validate';
import { EngineSession } from './session';
import type { CrdInstaller } from './crd-installer';
import type { Json } from './yaml';

export interface ManifestDocument {
  file: string;
  doc: unknown;
}

export interface RenderedClaim {
  readonly file: string;
  readonly claim: Json;
  readonly composition: string;
  /** The XR after the last phase (render -x: metadata, spec with defaults, returned status). */
  readonly xr: Json;
  /** The composed resources of the last phase. */
  readonly resources: Json[];
  /** How many renders it took until nothing new appeared. */
  readonly phases: number;
}

export interface CheckOptions {
  /** Running engines to reuse (else a session is started and stopped). */
  readonly session?: EngineSession;
  /** Skip the API server (render + resource validate only). Default false. */
  readonly skipApiServer?: boolean;
  /** Do not render claims (check the documents only). Default false. */
  readonly skipRender?: boolean;
}

export interface CheckResult {
  readonly problems: Problem[];
  readonly documents: number;
  readonly rendered: RenderedClaim[];
  readonly reports: ObjectReport[];
  /** Wall milliseconds per stage. */
  readonly timings: Record<string, number>;
}

const RENDER: EngineName = 'crossplane composition render';
const VALIDATE: EngineName = 'crossplane resource validate';
const APISERVER: EngineName = 'apiextensions-apiserver';
const RULES: EngineName = 'project rules';

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');
/** Kinds the Kubernetes API server serves itself (the core group and *.k8s.io groups): no CRD exists for them. */
const isBuiltInGroup = (group: string) => group === '' || group.endsWith('.k8s.io') || !group.includes('.');

/** One object under check and the versions of it that exist (composed resources change between phases). */
interface Entry {
  readonly report: ObjectReport;
  readonly versions: Json[];
  /** Labels of the versions, e.g. "render phase 2", for messages. */
  readonly versionLabels: string[];
  /** Problems found on this entry are reported under another object's report at this path prefix. */
  readonly pathPrefix?: string;
  /** A P&T input applied to the API server as its own object (resource validate extracts inputs itself). */
  readonly apiServerOnly?: boolean;
  /**
   * A P&T resource base, checked by resource validate only and with required fields relaxed (the
   * patches fill them): what a render composes is checked in full, and this covers templates no
   * render of the manifests composes (optional slots).
   */
  readonly base?: boolean;
}

function newReport(file: string, object: Json): ObjectReport {
  return {
    file,
    apiVersion: String(object.apiVersion ?? ''),
    kind: String(object.kind ?? '<no kind>'),
    name: String(object.metadata?.name ?? object.metadata?.generateName ?? '<no name>'),
    verdicts: {},
    problems: [],
  };
}

function addProblem(entry: Entry, engine: EngineName, path: string, message: string, version?: number): void {
  const where = entry.versions.length > 1 && version !== undefined ? ` (${entry.versionLabels[version]})` : '';
  const fullPath = entry.pathPrefix ? [entry.pathPrefix, path].filter(Boolean).join('.') : path;
  const report = entry.report;
  if (report.problems.some((p) => p.engine === engine && p.path === fullPath && p.message.startsWith(message))) return;
  report.problems.push({ file: report.file, kind: report.kind, name: report.name, path: fullPath, message: `${message}${where}`, engine });
}

function verdict(entry: Entry, engine: EngineName, text: string): void {
  const current = entry.report.verdicts[engine];
  if (!current || current === 'ok') (entry.report.verdicts as Record<string, string>)[engine] = text;
}

/** Distinct versions in order (a resource usually renders the same in every phase). */
function distinct(versions: Json[]): { versions: Json[]; labels: string[] } {
  const seen = new Map<string, number>();
  const out: Json[] = [];
  const labels: string[] = [];
  versions.forEach((version, index) => {
    const key = JSON.stringify(version);
    if (seen.has(key)) return;
    seen.set(key, index);
    out.push(version);
    labels.push(`render phase ${index + 1}`);
  });
  return { versions: out, labels };
}

async function mapLimit<T>(items: readonly T[], limit: number, body: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await body(items[next++]);
    }),
  );
}

export async function checkWithEngines(documents: readonly ManifestDocument[], options: CheckOptions = {}): Promise<CheckResult> {
  const session = options.session ?? new EngineSession();
  try {
    return await check(documents, session, options);
  } finally {
    if (!options.session) await session.stop();
  }
}

async function check(documents: readonly ManifestDocument[], session: EngineSession, options: CheckOptions): Promise<CheckResult> {
  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, body: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await body();
    } finally {
      timings[stage] = (timings[stage] ?? 0) + Date.now() - started;
    }
  };
  const entries: Entry[] = [];
  const reports: ObjectReport[] = [];
  const loose: Problem[] = [];
  const byDocument = new Map<unknown, Entry>();

  // Documents.
  for (const { file, doc } of documents) {
    const object = isObject(doc) ? doc : {};
    const entry: Entry = { report: newReport(file, object), versions: [object], versionLabels: ['as written'] };
    reports.push(entry.report);
    byDocument.set(doc, entry);
    if (!isObject(doc)) addProblem(entry, RULES, '', 'document is not an object');
    else if (typeof doc.apiVersion !== 'string' || typeof doc.kind !== 'string')
      addProblem(entry, RULES, '', 'apiVersion and kind are required');
    else entries.push(entry);
  }
  const docs = documents.filter((d) => isObject(d.doc)).map((d) => ({ file: d.file, doc: d.doc as Json }));
  const xrds = docs
    .map((d) => d.doc)
    .filter((d) => d.kind === 'CompositeResourceDefinition' && String(d.apiVersion).startsWith('apiextensions.crossplane.io/'));

  // The API server starts now and installs what it can while the claims render.
  const crds = options.skipApiServer ? undefined : new CheckCrds(session.crds(), xrds, byDocument);
  const preinstalled = crds?.ensure(staticKinds(docs));
  preinstalled?.catch(() => undefined);

  // 1. The project's own rules.
  for (const problem of patchPathProblems(documents)) {
    const doc = docs.find((d) => d.file === problem.file && d.doc.kind === problem.kind && d.doc.metadata?.name === problem.name)?.doc;
    const entry = doc && byDocument.get(doc);
    if (entry) addProblem(entry, RULES, problem.path, problem.message);
    else loose.push(problem);
  }

  // Every function-patch-and-transform input is checked against the P&T input CRD, under its Composition.
  for (const { doc } of docs) {
    if (doc.kind !== 'Composition') continue;
    (doc.spec?.pipeline ?? []).forEach((step: Json, index: number) => {
      const input = step?.input;
      if (!isObject(input) || !String(input.apiVersion ?? '').startsWith('pt.fn.crossplane.io/')) return;
      const owner = byDocument.get(doc)!;
      const object = {
        ...input,
        metadata: { ...(isObject(input.metadata) ? input.metadata : {}), name: `${doc.metadata?.name ?? 'composition'}.${index}` },
      };
      entries.push({
        report: owner.report,
        versions: [object],
        versionLabels: ['input'],
        pathPrefix: `spec.pipeline[${index}].input`,
        apiServerOnly: true,
      });
      (Array.isArray(input.resources) ? input.resources : []).forEach((resource: Json, r: number) => {
        const base = resource?.base;
        if (!isObject(base) || typeof base.apiVersion !== 'string' || typeof base.kind !== 'string') return;
        const name = `${doc.metadata?.name ?? 'composition'}.${String(resource.name ?? r)
          .toLowerCase()
          .replace(/[^a-z0-9.-]/g, '-')}`;
        const object = { ...base, metadata: { ...(isObject(base.metadata) ? base.metadata : {}), name } };
        entries.push({
          report: owner.report,
          versions: [object],
          versionLabels: ['base'],
          pathPrefix: `spec.pipeline[${index}].input.resources[${r}].base`,
          base: true,
        });
      });
    });
  }

  // 2. Render every claim (and XR) through the Composition it selects.
  const compositions = new Map(docs.filter((d) => d.doc.kind === 'Composition').map((d) => [d.doc.metadata?.name as string, d.doc]));
  const rendered: RenderedClaim[] = [];
  const toRender = options.skipRender
    ? []
    : docs.flatMap(({ file, doc }) => {
        const xrd = xrds.find((x) => isClaimOf(doc, x) || isCompositeOf(doc, x));
        return xrd ? [{ file, doc, xrd }] : [];
      });
  await timed('render', () =>
    Promise.all(
      toRender.map(async ({ file, doc, xrd }) => {
        const claimEntry = byDocument.get(doc)!;
        const selected = selectComposition(doc, xrd, compositions);
        if ('problem' in selected) {
          addProblem(claimEntry, RULES, selected.path, selected.problem);
          return;
        }
        const { name: compositionName, composition } = selected;
        let phases: Phases;
        try {
          phases = await renderPhases(session, doc, composition, xrd);
        } catch (error) {
          // An engine that cannot run is not a problem of the manifests: the check stops.
          if (error instanceof EngineError) throw error;
          const text = error instanceof RenderFailed ? renderFailure(error.stderr) : oneLine(error);
          addProblem(claimEntry, RENDER, '', `render failed: ${text}`);
          verdict(claimEntry, RENDER, 'failed');
          return;
        }
        verdict(claimEntry, RENDER, `ok (${phases.phases.length} phases)`);
        const last = phases.phases.at(-1)!;
        // function-patch-and-transform marks the XR not ready while it skips any template, so a
        // template still held back once the phases settle keeps the claim from ever being Ready.
        for (const held of heldBack(last)) {
          const why = held.path.startsWith('status.')
            ? `still waits for ${held.path} after ${phases.phases.length} render phases`
            : `is held back by a Required patch on ${held.path}, so the claim ` +
              'never becomes Ready (an optional resource uses composedWhenPresent)';
          addProblem(claimEntry, RULES, '', `never composed: resource "${held.resource}" ${why} (${held.message})`);
        }
        const label = (name: string) => `${file} → ${compositionName}/${name}`;
        const xrVersions = distinct(phases.phases.map((p) => p.xr));
        const xrEntry: Entry = {
          report: newReport(label('(composite)'), last.xr),
          versions: xrVersions.versions,
          versionLabels: xrVersions.labels,
        };
        reports.push(xrEntry.report);
        entries.push(xrEntry);
        const names = [...new Set(phases.phases.flatMap((p) => p.resources.map((r) => resourceName(r) ?? r.metadata?.name)))];
        for (const name of names) {
          const versions = distinct(
            phases.phases.map((p) => p.resources.find((r) => (resourceName(r) ?? r.metadata?.name) === name)).filter(isObject),
          );
          const entry: Entry = {
            report: newReport(label(String(name)), versions.versions.at(-1)!),
            versions: versions.versions,
            versionLabels: versions.labels,
          };
          reports.push(entry.report);
          entries.push(entry);
        }
        rendered.push({
          file,
          claim: doc,
          composition: compositionName!,
          xr: last.xr,
          resources: inTemplateOrder(last.resources, composition),
          phases: phases.phases.length,
        });
      }),
    ),
  );
  rendered.sort((a, b) => toRender.findIndex((t) => t.doc === a.claim) - toRender.findIndex((t) => t.doc === b.claim));

  // 3. crossplane resource validate, one run over everything (the CLI adds each Composition's
  // pipeline inputs as resources of their own, just before the Composition), while 4. the API
  // server stores and re-applies every object.
  const validated = timed('resource validate', async () => {
    const flat = entries
      .filter((e) => !e.apiServerOnly)
      .flatMap((entry) => entry.versions.map((version, index) => ({ entry, version, index })));
    const verdicts = await resourceValidateEach(
      flat.map((f) => f.version),
      xrds,
      session.workDir,
    );
    flat.forEach(({ entry, index }, i) => {
      for (const { verdict: v, inputStep } of verdicts[i]) {
        const target: Entry =
          inputStep === undefined
            ? entry
            : { ...entry, pathPrefix: `spec.pipeline[${inputStep}].input`, versions: [entry.versions[index]], versionLabels: ['input'] };
        if (v.status === 'valid') {
          verdict(entry, VALIDATE, 'ok');
          continue;
        }
        if (v.status === 'missingSchema') {
          addProblem(target, VALIDATE, '', `no CRD or XRD defines ${v.apiVersion} ${v.kind} (missing schema)`, index);
          verdict(entry, VALIDATE, 'missing schema');
          continue;
        }
        const errors = entry.base ? v.errors.filter((e) => e.type !== 'cel' && !/Required value/.test(e.message)) : v.errors;
        for (const error of errors) addProblem(target, VALIDATE, error.field ?? '', error.message, index);
        verdict(entry, VALIDATE, errors.length ? v.status : 'ok');
      }
    });
  });

  const applied = crds
    ? timed('apiserver', async () => {
        await preinstalled;
        await applyAll(entries, crds, options.session !== undefined);
      })
    : Promise.resolve();
  const [validation, application] = await Promise.allSettled([validated, applied]);
  for (const outcome of [validation, application]) if (outcome.status === 'rejected') throw outcome.reason;

  // Each report's problems in engine order (the stages ran at once), first found first within one.
  const rank = (p: Problem) => [RULES, RENDER, VALIDATE, APISERVER].indexOf(p.engine ?? RULES);
  for (const report of reports) report.problems.sort((a, b) => rank(a) - rank(b));

  const problems = [...loose, ...reports.flatMap((r) => r.problems)];
  return { problems, documents: documents.length, rendered, reports, timings };
}

/**
 * The Composition a claim or XR selects, the way Crossplane resolves it: the XRD's enforced
 * Composition, else spec.compositionRef, else spec.compositionSelector (labels, among the
 * Compositions of the XR's type), else the XRD's default.
 */
function selectComposition(
  doc: Json,
  xrd: Json,
  compositions: Map<string, Json>,
): { name: string; composition: Json } | { path: string; problem: string } {
  const spec = doc.spec?.crossplane ?? doc.spec ?? {};
  const byName = (name: string, path: string) => {
    const composition = compositions.get(name);
    return composition ? { name, composition } : { path, problem: `selects Composition "${name}", which is not among the manifests` };
  };
  if (xrd.spec?.enforcedCompositionRef?.name) return byName(xrd.spec.enforcedCompositionRef.name, 'spec.compositionRef');
  if (spec.compositionRef?.name) return byName(spec.compositionRef.name, 'spec.compositionRef');
  const matchLabels: Record<string, string> | undefined = spec.compositionSelector?.matchLabels;
  if (matchLabels) {
    const matching = [...compositions]
      .filter(
        ([, c]) =>
          c.spec?.compositeTypeRef?.kind === xrd.spec?.names?.kind &&
          String(c.spec?.compositeTypeRef?.apiVersion).split('/')[0] === xrd.spec?.group,
      )
      .filter(([, c]) => Object.entries(matchLabels).every(([k, v]) => c.metadata?.labels?.[k] === v))
      .sort(([a], [b]) => a.localeCompare(b));
    if (!matching.length)
      return { path: 'spec.compositionSelector', problem: `no Composition among the manifests matches ${JSON.stringify(matchLabels)}` };
    return { name: matching[0][0], composition: matching[0][1] };
  }
  if (xrd.spec?.defaultCompositionRef?.name) return byName(xrd.spec.defaultCompositionRef.name, 'spec.compositionRef');
  return { path: 'spec.compositionRef', problem: 'selects no Composition (no compositionRef, compositionSelector or XRD default)' };
}

/** Composed resources in the order of the Composition's resource templates (render sorts its own way). */
function inTemplateOrder(resources: Json[], composition: Json): Json[] {
  const order = new Map<string, number>();
  for (const step of Array.isArray(composition.spec?.pipeline) ? composition.spec.pipeline : []) {
    for (const template of Array.isArray(step?.input?.resources) ? step.input.resources : [])
      if (!order.has(template?.name)) order.set(template?.name, order.size);
  }
  const rank = (r: Json) => order.get(resourceName(r) ?? '') ?? order.size;
  return [...resources].sort((a, b) => rank(a) - rank(b));
}

/** The line of render's stderr that says what failed (the CLI's `crossplane: error: ...`, else the last words). */
function renderFailure(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error =
    lines.find((l) => /^crossplane: error:/.test(l)) ?? lines.find((l) => /error|cannot|failed/i.test(l)) ?? lines.at(-1) ?? 'no output';
  return error.replace(/^crossplane: error:\s*/, '').slice(0, 600);
}

/** Which pipeline steps of a Composition have an input (each becomes a resource for the CLI). */
function inputSteps(object: Json): number[] {
  if (object.kind !== 'Composition' || !String(object.apiVersion).startsWith('apiextensions.crossplane.io/')) return [];
  const pipeline = object.spec?.pipeline;
  return Array.isArray(pipeline) ? pipeline.flatMap((step: Json, index: number) => (step?.input != null ? [index] : [])) : [];
}

/**
 * resource validate's verdicts per object (a Composition's inputs first, with their step). When
 * the CLI cannot run over the batch (an object it cannot even load), objects are validated one by
 * one and the refusal is that object's verdict.
 */
async function resourceValidateEach(
  objects: Json[],
  xrds: Json[],
  workDir: string,
): Promise<Array<Array<{ verdict: ResourceVerdict; inputStep?: number }>>> {
  const split = (verdicts: ResourceVerdict[], from: number, object: Json) => {
    const steps = inputSteps(object);
    return [...steps.map((step, i) => ({ verdict: verdicts[from + i], inputStep: step })), { verdict: verdicts[from + steps.length] }];
  };
  const expected = objects.reduce((n, o) => n + inputSteps(o).length + 1, 0);
  let verdicts: ResourceVerdict[] | undefined;
  try {
    verdicts = await resourceValidate(objects, xrds, workDir, expected);
  } catch (error) {
    if (objects.length === 1) {
      const object = objects[0];
      const refusal: ResourceVerdict = {
        apiVersion: String(object.apiVersion),
        kind: String(object.kind),
        name: String(object.metadata?.name ?? ''),
        status: 'invalid',
        errors: [{ type: 'load', message: oneLine(error) }],
      };
      return [[{ verdict: refusal }]];
    }
  }
  if (verdicts) {
    let at = 0;
    return objects.map((object) => {
      const result = split(verdicts!, at, object);
      at += result.length;
      return result;
    });
  }
  const each: Array<Array<{ verdict: ResourceVerdict; inputStep?: number }>> = [];
  for (const object of objects) each.push(...(await resourceValidateEach([object], xrds, workDir)));
  return each;
}

/**
 * The CRDs of the scratch API server for one check: an XRD's generated CRDs (by the real
 * converter) for its kinds, else the vendored CRD. It starts as soon as the check starts, with the
 * kinds known before rendering (documents and Composition bases), so the API server's work
 * overlaps the renders.
 */
class CheckCrds {
  private readonly catalog = new CrdCatalog();
  private readonly generated = new Map<string, { crd: Json; owner?: Entry }>();
  /** group/kind → why its CRD does not install. */
  readonly refused = new Map<string, string>();
  private readonly ready: Promise<void>;

  constructor(
    private readonly installer: CrdInstaller,
    xrds: Json[],
    byDocument: Map<unknown, Entry>,
  ) {
    this.ready = Promise.all(
      xrds.map(async (xrd) => {
        const owner = byDocument.get(xrd);
        try {
          for (const crd of await installer.crdsOf(xrd)) this.generated.set(`${crd.spec.group}/${crd.spec.names.kind}`, { crd, owner });
        } catch (error) {
          if (owner) addProblem(owner, APISERVER, '', `crossplane xrd convert refused it: ${oneLine(error)}`);
        }
      }),
    ).then(() => undefined);
  }

  get server(): Promise<ApiServer> {
    return this.installer.server;
  }

  /** Installs the CRDs of these group/kind keys, and every XRD-generated CRD (each must install). */
  async ensure(keys: Iterable<string>): Promise<void> {
    await this.ready;
    const wanted = new Map<string, { crd: Json; owner?: Entry }>(this.generated);
    for (const key of keys) {
      if (wanted.has(key)) continue;
      const cut = key.lastIndexOf('/');
      const vendored = this.catalog.find(key.slice(0, cut), key.slice(cut + 1));
      if (vendored) wanted.set(key, { crd: vendored as unknown as Json });
    }
    const refusals = await this.installer.ensure([...wanted.values()].map((w) => w.crd));
    for (const [key, { crd, owner }] of wanted) {
      const refusal = refusals.get(String(crd.metadata?.name));
      if (!refusal || this.refused.has(key)) continue;
      this.refused.set(key, refusal);
      if (owner) addProblem(owner, APISERVER, '', `the CRD Crossplane generates from it does not install: ${refusal}`);
    }
  }
}

const kindKey = (object: Json) => `${groupOf(String(object.apiVersion))}/${object.kind}`;

/** Kinds known before rendering: the documents' and those of every P&T resource base. */
function staticKinds(docs: Array<{ doc: Json }>): Set<string> {
  const keys = new Set<string>();
  for (const { doc } of docs) {
    if (typeof doc.apiVersion === 'string' && typeof doc.kind === 'string') keys.add(kindKey(doc));
    if (doc.kind !== 'Composition') continue;
    for (const step of Array.isArray(doc.spec?.pipeline) ? doc.spec.pipeline : []) {
      for (const resource of Array.isArray(step?.input?.resources) ? step.input.resources : []) {
        if (typeof resource?.base?.apiVersion === 'string' && typeof resource?.base?.kind === 'string') keys.add(kindKey(resource.base));
      }
    }
  }
  return keys;
}

async function applyAll(entries: Entry[], crds: CheckCrds, cleanUp: boolean): Promise<void> {
  await crds.ensure(entries.map((entry) => kindKey(entry.versions[0])));
  const server = await crds.server;
  const refused = crds.refused;
  // Objects, grouped by identity: versions of one object are applied in order; two different
  // objects with one identity are checked one after the other, the first deleted in between.
  const groups = new Map<string, Entry[]>();
  for (const entry of entries) {
    if (entry.base) continue;
    const object = entry.versions[0];
    const group = groupOf(String(object.apiVersion));
    const key = `${group}/${object.kind}`;
    if (refused.has(key)) {
      addProblem(entry, APISERVER, '', `not checked: its CRD does not install (${refused.get(key)})`);
      continue;
    }
    const objectPath = server.objectPath(object, String(object.metadata?.namespace ?? DEFAULT_NAMESPACE));
    if (!objectPath) {
      verdict(
        entry,
        APISERVER,
        isBuiltInGroup(group)
          ? 'not served (a built-in kind: strict decoding by crossplane resource validate only)'
          : 'not checked (no CRD defines the kind)',
      );
      continue;
    }
    // The project's rule: a namespaced object says where it goes (without one it lands in whatever
    // namespace the applier defaults to; the API server cannot tell).
    if (server.crdFor(group, String(object.kind))?.namespaced && !object.metadata?.namespace && !entry.apiServerOnly) {
      addProblem(
        entry,
        RULES,
        'metadata.namespace',
        `${object.kind} is namespaced: metadata.namespace must be set (else it lands in the applier's default namespace)`,
      );
    }
    groups.set(objectPath, [...(groups.get(objectPath) ?? []), entry]);
  }
  const storedPaths = new Set<string>();
  await mapLimit([...groups], 8, async ([objectPath, group]) => {
    for (const [position, entry] of group.entries()) {
      if (position > 0) await server.delete(objectPath);
      let stored: Json | undefined;
      for (const [index, version] of entry.versions.entries()) {
        const response = await server.apply(objectPath, forApply(version), { dryRun: false });
        if (response.status >= 300) {
          addProblem(entry, APISERVER, fieldOf(response.body), statusMessage(response), index);
          continue;
        }
        stored = version;
        storedPaths.add(objectPath);
        if (isObject(version.status) && Object.keys(version.status).length) {
          const status = await server.apply(
            objectPath,
            {
              apiVersion: version.apiVersion,
              kind: version.kind,
              metadata: { name: version.metadata?.name, namespace: version.metadata?.namespace },
              status: version.status,
            },
            { dryRun: false, subresource: 'status' },
          );
          if (status.status >= 300 && status.status !== 404)
            addProblem(entry, APISERVER, fieldOf(status.body), `status: ${statusMessage(status)}`, index);
        }
      }
      if (stored) {
        // The transition rules (oldSelf) run now: this apply is an update of the stored object.
        const again = await server.apply(objectPath, forApply(stored), { dryRun: true });
        if (again.status >= 300)
          addProblem(entry, APISERVER, fieldOf(again.body), `applied again over the stored object: ${statusMessage(again)}`);
      }
      verdict(entry, APISERVER, entry.report.problems.some((p) => p.engine === APISERVER) ? 'invalid' : 'ok');
    }
  });
  // A later check in the same session starts from an empty server: nothing it stores is an update
  // of this check's objects. (A check that owns its session stops the server right after.)
  if (cleanUp) await mapLimit([...storedPaths], 8, async (objectPath) => void (await server.delete(objectPath)));
}

/** Fields the server owns: an apply that carries them is refused or conflicts. */
function forApply(object: Json): Json {
  if (!isObject(object.metadata)) return object;
  const { resourceVersion: _rv, managedFields: _mf, creationTimestamp: _ct, generation: _g, uid: _uid, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/** The field of the first cause of a refusal, e.g. `spec.forProvider.region`. */
function fieldOf(body: Json): string {
  const causes: Json[] = body?.details?.causes ?? [];
  const field = causes.find((c) => typeof c.field === 'string')?.field;
  return typeof field === 'string' ? field.replace(/^\./, '') : '';
}
