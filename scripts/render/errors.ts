/**
 * The one error type `renderComposition` throws: invalid input, an unsupported feature,
 * or a patch/transform that fails. Its message names the resource, the patch and the reason.
 */
export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}

/** The message of anything thrown, for wrapping into a RenderError. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
