/**
 * Offline equivalent of the Kubernetes API server's create-time validation plus
 * `crossplane resource validate`: objects are checked against the vendored CRDs and the
 * CompositeResourceDefinitions among the documents; Compositions are checked down to their
 * patch-and-transform inputs, bases and patch paths.
 */
import { crdDir } from '../lib/crds';
import { CelRules } from './cel-rules';
import { checkPipelineComposition, COMPOSITION_GROUP, COMPOSITION_KIND, type CompositionServices } from './composition';
import { CrdCatalog } from './crd-catalog';
import { checkObjectMetaValues, type NameRule } from './object-meta';
import { acceptingJoinAndReplace, RESOURCES_INPUT_API_VERSION, RESOURCES_INPUT_KIND } from './patch-and-transform';
import { KindRegistry } from './registry';
import { isPlainObject, OBJECT_META, type SchemaNode } from './schema';
import { ON_CREATE, PARTIAL_OBJECT, walk, type ProblemSink, type WalkContext, type WalkSettings } from './schema-walker';
import { isXrd } from './xrd';

export interface Problem {
  file: string;
  kind: string;
  name: string;
  /** Where in the object, e.g. `spec.forProvider.cidrBlok`; empty for the object as a whole. */
  path: string;
  message: string;
}

export interface Report {
  problems: Problem[];
  /** Objects of CRD/XRD kinds without problems. */
  valid: number;
  /** Objects with at least one problem (built-in kinds included). */
  invalid: number;
  /** Objects of built-in Kubernetes kinds without problems (only their envelope is checked). */
  builtIn: number;
  /** Evaluations of transition rules (using `oldSelf`) skipped: they only apply to updates. */
  celSkipped: number;
}

export interface ManifestDocument {
  file: string;
  doc: unknown;
}

interface Outcome {
  problems: Problem[];
  builtIn: boolean;
  celSkipped: number;
}

function describeObject(doc: unknown): { kind: string; name: string } {
  const object = isPlainObject(doc) ? doc : {};
  const meta = isPlainObject(object.metadata) ? object.metadata : {};
  return {
    kind: typeof object.kind === 'string' ? object.kind : '<no kind>',
    name: String(meta.name ?? meta.generateName ?? '<no name>'),
  };
}

/** metadata presence, name, and namespace against the kind's scope. */
function checkNameAndScope(object: Record<string, unknown>, namespaced: boolean, isClaim: boolean, report: ProblemSink): void {
  const meta = object.metadata;
  if (!isPlainObject(meta)) {
    report('metadata', 'required field is missing');
    return;
  }
  if (meta.name === undefined && meta.generateName === undefined) report('metadata.name', 'required field is missing');
  if (!namespaced && meta.namespace !== undefined) {
    report('metadata.namespace', `${String(object.kind)} is cluster-scoped: metadata.namespace must not be set`);
  }
  if (namespaced && !meta.namespace) {
    const scope = isClaim ? 'a claim, and claims are namespaced' : 'namespaced';
    report('metadata.namespace', `${String(object.kind)} is ${scope}: metadata.namespace must be set`);
  }
}

export class Validator {
  private readonly registry: KindRegistry;
  private readonly rules = new CelRules();
  private resourcesInput?: SchemaNode | null;

  private constructor(catalog: CrdCatalog) {
    this.registry = new KindRegistry(catalog);
  }

  /** A validator over the CRDs in `crdDirPath` (default: `$CRD_DIR`, else ../shared/crds). */
  static load(crdDirPath?: string): Validator {
    return new Validator(new CrdCatalog(crdDirPath ?? crdDir()));
  }

  /** Makes the composite and claim kinds these CompositeResourceDefinitions define known. */
  /** XRDs registered so far (the parity harness replays validations with them). */
  private readonly recordedXrds: object[] = [];

  addXrds(xrds: object[]): void {
    this.recordedXrds.push(...xrds.map((xrd) => structuredClone(xrd)));
    xrds.forEach((xrd) => this.registry.addXrd(xrd));
  }

  validateObject(obj: object, options: { file?: string } = {}): Problem[] {
    recordParity('validate', { xrds: this.recordedXrds, documents: [obj] });
    return this.check(obj, options.file ?? '').problems;
  }

  /** Validates every document, after registering the XRDs among them. */
  validateDocuments(docs: ManifestDocument[]): Report {
    recordParity('validate', { xrds: this.recordedXrds, documents: docs.map((d) => d.doc) });
    this.addXrds(docs.map(({ doc }) => doc).filter(isXrd));
    const report: Report = { problems: [], valid: 0, invalid: 0, builtIn: 0, celSkipped: 0 };
    for (const { file, doc } of docs) {
      const outcome = this.check(doc, file);
      report.problems.push(...outcome.problems);
      report.celSkipped += outcome.celSkipped;
      if (outcome.problems.length) report.invalid += 1;
      else if (outcome.builtIn) report.builtIn += 1;
      else report.valid += 1;
    }
    return report;
  }

  /** The object as the API server would store it: a copy with schema defaults filled in. */
  withDefaults<T extends object>(obj: T): T {
    const copy = structuredClone(obj);
    const resolution = isPlainObject(copy) ? this.registry.resolve(String(copy.apiVersion), String(copy.kind)) : undefined;
    if (resolution?.type === 'custom') {
      walk(copy, resolution.version.schema, '', this.context(() => undefined, () => undefined, PARTIAL_OBJECT), true);
    }
    return copy;
  }

  private context(report: ProblemSink, ruleSkipped: () => void, settings: WalkSettings): WalkContext {
    return { ...settings, rules: this.rules, report, ruleSkipped };
  }

  private resourcesInputSchema(): SchemaNode | undefined {
    if (this.resourcesInput === undefined) {
      const resolution = this.registry.resolve(RESOURCES_INPUT_API_VERSION, RESOURCES_INPUT_KIND);
      this.resourcesInput = resolution.type === 'custom' ? acceptingJoinAndReplace(resolution.version.schema) : null;
    }
    return this.resourcesInput ?? undefined;
  }

  private check(doc: unknown, file: string): Outcome {
    const outcome: Outcome = { problems: [], builtIn: false, celSkipped: 0 };
    const identity = describeObject(doc);
    const report: ProblemSink = (path, message) => outcome.problems.push({ file, ...identity, path, message });
    const ruleSkipped = () => {
      outcome.celSkipped += 1;
    };
    if (!isPlainObject(doc)) {
      report('', 'document is not an object');
      return outcome;
    }
    const { apiVersion, kind } = doc;
    if (typeof apiVersion !== 'string' || !apiVersion) report('apiVersion', 'required field is missing');
    if (typeof kind !== 'string' || !kind) report('kind', 'required field is missing');
    if (outcome.problems.length) return outcome;
    const resolution = this.registry.resolve(String(apiVersion), String(kind));
    if (resolution.type === 'unknown') {
      report('', resolution.message);
    } else if (resolution.type === 'built-in') {
      outcome.builtIn = true;
      this.checkBuiltIn(doc, resolution.builtIn.nameRule, resolution.builtIn.namespaced, this.context(report, ruleSkipped, ON_CREATE));
    } else {
      const copy = structuredClone(doc);
      const context = this.context(report, ruleSkipped, ON_CREATE);
      walk(copy, resolution.version.schema, '', context, true);
      checkNameAndScope(copy, resolution.definition.namespaced, resolution.definition.role === 'claim', report);
      if (resolution.definition.group === COMPOSITION_GROUP && kind === COMPOSITION_KIND) {
        checkPipelineComposition(copy, this.compositionServices(report, ruleSkipped));
      }
    }
    return outcome;
  }

  /** Built-in kinds: only the envelope (metadata shape and values, scope) is checked. */
  private checkBuiltIn(doc: Record<string, unknown>, nameRule: NameRule, namespaced: boolean, context: WalkContext): void {
    const metadata = structuredClone(doc.metadata);
    walk(metadata, OBJECT_META, 'metadata', context);
    checkObjectMetaValues(metadata, 'metadata', nameRule, context.report);
    checkNameAndScope(doc, namespaced, false, context.report);
  }

  private compositionServices(report: ProblemSink, ruleSkipped: () => void): CompositionServices {
    return {
      registry: this.registry,
      report,
      validate: (value, schema, path, settings) => walk(value, schema, path, this.context(report, ruleSkipped, settings), true),
      resourcesInputSchema: () => this.resourcesInputSchema(),
    };
  }
}

/** PARITY_RECORD=<prefix>: appends each validation's input to <prefix>.validate.jsonl (parity harness). */
export function recordParity(kind: string, input: object): void {
  const prefix = process.env.PARITY_RECORD;
  if (!prefix) return;
  const test = (globalThis as { expect?: { getState?: () => { currentTestName?: string; testPath?: string } } }).expect?.getState?.();
  if (!test?.testPath?.includes('/test/render/') && !test?.testPath?.includes('/test/validate/')) return;
  require('fs').appendFileSync(`${prefix}.${kind}.jsonl`, `${JSON.stringify({ test: `${require('path').basename(test.testPath ?? '')}: ${test.currentTestName ?? ''}`, ...input })}\n`);
}
