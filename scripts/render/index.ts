/**
 * Offline `crossplane composition render` for Compositions in mode: Pipeline made of
 * function-patch-and-transform and function-auto-ready steps. Pure functions, no I/O.
 */
export { RenderError } from './errors';
export type { JsonObject } from './json';
export { renderComposition, type RenderOptions, type RenderResult } from './render';
export { parseYamlStream, toYamlStream } from './yaml-stream';
