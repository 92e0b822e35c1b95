/**
 * Reads a Composition in `mode: Pipeline`: its compositeTypeRef and the steps the renderer can run
 * offline. function-patch-and-transform steps (input `pt.fn.crossplane.io/v1beta1 Resources`)
 * are compiled; function-auto-ready steps (no input) only judge readiness, which an offline render
 * has nothing to judge, so they are skipped; any other function is an error.
 */
import { RenderError } from './errors';
import { compilePatchAndTransform, type PatchAndTransformStep } from './function';
import { InputError } from './input';
import { isJsonObject } from './json';
import type { TypeRef } from './composite';

const PATCH_AND_TRANSFORM_INPUT: TypeRef = { apiVersion: 'pt.fn.crossplane.io/v1beta1', kind: 'Resources' };

export interface CompiledComposition {
  compositeTypeRef: TypeRef;
  steps: PatchAndTransformStep[];
}

function compileStep(value: unknown, index: number): PatchAndTransformStep | undefined {
  const step = isJsonObject(value) ? value : {};
  const stepName = typeof step.step === 'string' ? step.step : `#${index}`;
  const functionRef = isJsonObject(step.functionRef) ? step.functionRef : {};
  const functionName = typeof functionRef.name === 'string' ? functionRef.name : '(no functionRef.name)';
  const input = step.input;
  if (isJsonObject(input) && input.apiVersion === PATCH_AND_TRANSFORM_INPUT.apiVersion && input.kind === PATCH_AND_TRANSFORM_INPUT.kind) {
    try {
      return compilePatchAndTransform(input);
    } catch (err) {
      if (err instanceof InputError) throw new RenderError(`invalid input of pipeline step ${JSON.stringify(stepName)} (${functionName}): ${err.message}`);
      throw err;
    }
  }
  if (input === undefined && functionName.includes('auto-ready')) return undefined;
  throw new RenderError(
    `pipeline step ${JSON.stringify(stepName)} (${functionName}) cannot be rendered offline: only function-patch-and-transform ` +
      `(input ${PATCH_AND_TRANSFORM_INPUT.apiVersion} ${PATCH_AND_TRANSFORM_INPUT.kind}) and function-auto-ready steps are supported`,
  );
}

export function compileComposition(composition: unknown): CompiledComposition {
  if (!isJsonObject(composition) || composition.kind !== 'Composition' || !isJsonObject(composition.spec)) {
    throw new RenderError('expected an apiextensions.crossplane.io/v1 Composition with a spec');
  }
  const { spec } = composition;
  const typeRef = spec.compositeTypeRef;
  if (!isJsonObject(typeRef) || typeof typeRef.apiVersion !== 'string' || typeof typeRef.kind !== 'string') {
    throw new RenderError('the Composition has no spec.compositeTypeRef with apiVersion and kind');
  }
  const mode = spec.mode ?? (spec.resources === undefined ? 'Pipeline' : 'Resources');
  if (mode !== 'Pipeline' || !Array.isArray(spec.pipeline)) {
    throw new RenderError(`only Compositions in mode: Pipeline with a spec.pipeline can be rendered (this one is mode: ${String(mode)})`);
  }
  return {
    compositeTypeRef: { apiVersion: typeRef.apiVersion, kind: typeRef.kind },
    steps: spec.pipeline.map(compileStep).filter((step): step is PatchAndTransformStep => step !== undefined),
  };
}
