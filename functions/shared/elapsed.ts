import { performance } from 'node:perf_hooks';

/** Milliseconds since `started` (a performance.now() reading), to 0.1 ms, for log lines and answers. */
export function elapsedMs(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
