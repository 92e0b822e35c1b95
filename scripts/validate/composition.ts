/**
 * Checks of a Pipeline Composition beyond its own CRD: each function-patch-and-transform input
 * against the input CRD, each resource base against its composed kind's CRD (required fields
 * relaxed: patches fill them), and every patch's field paths against the composite (XRD) and
 * composed schemas.
 */
import { missingFieldProblem, parseFieldPath, type PathSegment } from './field-path';
import { isResourcesInput } from './patch-and-transform';
import type { KindRegistry } from './registry';
import { fieldPath, indexPath, isPlainObject, type SchemaNode } from './schema';
import { ON_CREATE, PARTIAL_OBJECT, type ProblemSink, type WalkSettings } from './schema-walker';
import { didYouMean } from './suggest';

export const COMPOSITION_GROUP = 'apiextensions.crossplane.io';
export const COMPOSITION_KIND = 'Composition';

export interface CompositionServices {
  registry: KindRegistry;
  report: ProblemSink;
  /** Validates (and defaults in place) a whole embedded object against a schema. */
  validate: (value: unknown, schema: SchemaNode, path: string, settings: WalkSettings) => void;
  /** The Resources input schema, or undefined if its CRD is not vendored. */
  resourcesInputSchema: () => SchemaNode | undefined;
}

/** A schema that field paths are checked against, with the words that name it in messages. */
interface Side {
  schema: SchemaNode;
  label: string;
}

type SideName = 'composite' | 'composed' | 'environment';

/** Which object each patch type reads from and writes to (the environment has no schema). */
const PATCH_DIRECTIONS: Record<string, { from: SideName; to: SideName; combine: boolean }> = {
  FromCompositeFieldPath: { from: 'composite', to: 'composed', combine: false },
  ToCompositeFieldPath: { from: 'composed', to: 'composite', combine: false },
  CombineFromComposite: { from: 'composite', to: 'composed', combine: true },
  CombineToComposite: { from: 'composed', to: 'composite', combine: true },
  FromEnvironmentFieldPath: { from: 'environment', to: 'composed', combine: false },
  ToEnvironmentFieldPath: { from: 'composed', to: 'environment', combine: false },
  CombineFromEnvironment: { from: 'environment', to: 'composed', combine: true },
  CombineToEnvironment: { from: 'composed', to: 'environment', combine: true },
};

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

class ResourcesInputCheck {
  private readonly patchSets = new Map<string, { patches: unknown[]; index: number }>();

  constructor(
    private readonly input: Record<string, unknown>,
    private readonly inputPath: string,
    private readonly composite: Side | undefined,
    private readonly services: CompositionServices,
  ) {
    asArray(input.patchSets).forEach((set, index) => {
      if (isPlainObject(set) && typeof set.name === 'string') this.patchSets.set(set.name, { patches: asArray(set.patches), index });
    });
  }

  run(): void {
    asArray(this.input.resources).forEach((resource, index) => {
      if (isPlainObject(resource)) this.checkResource(resource, indexPath(`${this.inputPath}.resources`, index));
    });
  }

  private checkResource(resource: Record<string, unknown>, path: string): void {
    const composed = this.composedSide(resource.base, `${path}.base`);
    const name = asString(resource.name) ?? path;
    asArray(resource.patches).forEach((patch, index) => {
      const patchPath = indexPath(`${path}.patches`, index);
      if (isPlainObject(patch) && patch.type === 'PatchSet') this.checkPatchSetUse(patch, patchPath, name, composed);
      else this.checkPatch(patch, patchPath, composed, '');
    });
    asArray(resource.connectionDetails).forEach((detail, index) => {
      if (isPlainObject(detail) && detail.type === 'FromFieldPath') {
        this.checkPath(composed, detail.fromFieldPath, `${indexPath(`${path}.connectionDetails`, index)}.fromFieldPath`, '');
      }
    });
    asArray(resource.readinessChecks).forEach((check, index) => {
      if (isPlainObject(check) && check.fieldPath !== undefined) {
        this.checkPath(composed, check.fieldPath, `${indexPath(`${path}.readinessChecks`, index)}.fieldPath`, '');
      }
    });
  }

  /** Validates a base against its kind's CRD and returns that schema for the patches. */
  private composedSide(base: unknown, path: string): Side | undefined {
    if (!isPlainObject(base) || typeof base.apiVersion !== 'string' || typeof base.kind !== 'string') return undefined;
    const resolution = this.services.registry.resolve(base.apiVersion, base.kind);
    if (resolution.type === 'unknown') {
      this.services.report(path, resolution.message);
      return undefined;
    }
    if (resolution.type === 'built-in') return undefined;
    this.services.validate(base, resolution.version.schema, path, PARTIAL_OBJECT);
    const namespace = isPlainObject(base.metadata) ? base.metadata.namespace : undefined;
    if (!resolution.definition.namespaced && namespace !== undefined) {
      this.services.report(`${path}.metadata.namespace`, `${base.kind} is cluster-scoped: metadata.namespace must not be set`);
    }
    return { schema: resolution.version.schema, label: `composed ${base.apiVersion} ${base.kind}` };
  }

  private checkPatchSetUse(patch: Record<string, unknown>, path: string, resourceName: string, composed: Side | undefined): void {
    const setName = asString(patch.patchSetName);
    const set = setName === undefined ? undefined : this.patchSets.get(setName);
    if (!set) {
      const hint = setName === undefined ? '' : didYouMean(setName, this.patchSets.keys());
      this.services.report(`${path}.patchSetName`, `PatchSet patch names no patchSet of this input ("${setName ?? ''}")${hint}`);
      return;
    }
    const setPath = indexPath(`${this.inputPath}.patchSets`, set.index);
    set.patches.forEach((member, index) => {
      this.checkPatch(member, indexPath(`${setPath}.patches`, index), composed, ` (patchSet "${setName}" used by resource "${resourceName}")`);
    });
  }

  private side(name: SideName, composed: Side | undefined): Side | undefined {
    if (name === 'composite') return this.composite;
    return name === 'composed' ? composed : undefined;
  }

  private checkPatch(patch: unknown, path: string, composed: Side | undefined, via: string): void {
    if (!isPlainObject(patch)) return;
    const direction = PATCH_DIRECTIONS[String(patch.type ?? 'FromCompositeFieldPath')];
    if (!direction) return; // an unknown type is reported by the input schema's enum
    const from = this.side(direction.from, composed);
    const to = this.side(direction.to, composed);
    if (direction.combine) {
      const combine = isPlainObject(patch.combine) ? patch.combine : undefined;
      if (!combine) this.services.report(`${path}.combine`, `required for a ${String(patch.type)} patch${via}`);
      asArray(combine?.variables).forEach((variable, index) => {
        const variablePath = `${indexPath(`${path}.combine.variables`, index)}.fromFieldPath`;
        if (isPlainObject(variable)) this.checkPath(from, variable.fromFieldPath, variablePath, via);
      });
      this.requirePath(to, patch.toFieldPath, `${path}.toFieldPath`, patch.type, via);
      return;
    }
    const fromParses = this.requirePath(from, patch.fromFieldPath, `${path}.fromFieldPath`, patch.type ?? 'FromCompositeFieldPath', via);
    if (patch.toFieldPath !== undefined) this.checkPath(to, patch.toFieldPath, `${path}.toFieldPath`, via);
    else if (fromParses) this.checkPath(to, patch.fromFieldPath, `${path}.fromFieldPath`, ` (as toFieldPath, which defaults to it)${via}`);
  }

  /** Like checkPath, and reports a missing path. */
  private requirePath(side: Side | undefined, value: unknown, path: string, type: unknown, via: string): boolean {
    if (value === undefined) {
      this.services.report(path, `required for a ${String(type)} patch${via}`);
      return false;
    }
    return this.checkPath(side, value, path, via);
  }

  /** Reports a path that does not parse or that the side's schema has no room for; false if it does not parse. */
  private checkPath(side: Side | undefined, value: unknown, path: string, via: string): boolean {
    if (typeof value !== 'string') return false;
    let segments: PathSegment[];
    try {
      segments = parseFieldPath(value);
    } catch (error) {
      this.services.report(path, `invalid field path "${value}": ${(error as Error).message}${via}`);
      return false;
    }
    const problem = side && missingFieldProblem(side.schema, segments);
    if (problem) this.services.report(path, `"${value}" is not a field of the ${side.label} schema: ${problem}${via}`);
    return true;
  }
}

/** The composite's schema from the XRD that spec.compositeTypeRef names; reports when none does. */
function compositeSide(ref: unknown, services: CompositionServices): Side | undefined {
  if (!isPlainObject(ref) || typeof ref.apiVersion !== 'string' || typeof ref.kind !== 'string') return undefined;
  const resolution = services.registry.resolve(ref.apiVersion, ref.kind);
  if (resolution.type === 'custom' && resolution.definition.role === 'composite') {
    return { schema: resolution.version.schema, label: `composite ${ref.apiVersion} ${ref.kind}` };
  }
  const detail = resolution.type === 'unknown' ? `: ${resolution.message}` : '';
  services.report('spec.compositeTypeRef', `no CompositeResourceDefinition among the documents defines the composite ${ref.apiVersion} ${ref.kind}${detail}`);
  return undefined;
}

/** Checks a Pipeline Composition (already validated and defaulted against its own CRD). */
export function checkPipelineComposition(composition: Record<string, unknown>, services: CompositionServices): void {
  const spec = composition.spec;
  if (!isPlainObject(spec) || spec.mode !== 'Pipeline') return;
  const composite = compositeSide(spec.compositeTypeRef, services);
  asArray(spec.pipeline).forEach((step, index) => {
    const input = isPlainObject(step) ? step.input : undefined;
    if (!isResourcesInput(input)) return;
    const inputPath = fieldPath(indexPath('spec.pipeline', index), 'input');
    const schema = services.resourcesInputSchema();
    if (!schema) {
      services.report(inputPath, 'the function-patch-and-transform input CRD (pt.fn.crossplane.io Resources) is not vendored');
      return;
    }
    services.validate(input, schema, inputPath, ON_CREATE);
    new ResourcesInputCheck(input, inputPath, composite, services).run();
  });
}
