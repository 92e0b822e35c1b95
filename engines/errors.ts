/**
 * An engine that cannot run (not built, cannot start, port in use, timed out): one line that names
 * the tool and the next step. Commands print `message` alone, never a stack trace.
 */
export class EngineError extends Error {
  constructor(
    readonly tool: string,
    message: string,
  ) {
    super(`${tool}: ${message}`);
    this.name = 'EngineError';
  }
}

/** The first line of an error's message, for one-line reports. */
export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim()) ?? text;
}
