/** Output of the e2e: one prefix, elapsed seconds, and the one-line error type every step throws. */

const started = Date.now();

/** Seconds since the e2e started, for the progress lines. */
export const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)}s`;

export function say(message: string): void {
  process.stdout.write(`[e2e ${elapsed().padStart(6)}] ${message}\n`);
}

/**
 * A failure the e2e reports as ONE line (what failed, and what to do next); the caller prints it
 * and exits non-zero. Anything else that is thrown is a bug in the e2e and prints a stack.
 */
export class E2eError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' ').trim());
  }
}

/** Milliseconds → "12.3 s". */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Runs `step`, returns its result and how long it took. */
export async function timed<T>(step: () => Promise<T>): Promise<[T, number]> {
  const start = Date.now();
  const result = await step();
  return [result, Date.now() - start];
}
