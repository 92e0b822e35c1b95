/** One line of the `npm run bench` table. */
export interface BenchRow {
  /** What was measured, e.g. "full synth, wall seconds, median of 5 runs after a warm-up". */
  measure: string;
  /** The measured number (already reduced, e.g. a median). */
  value: number;
  unit: string;
  /** The goal, if the issue sets one, e.g. "<= 1.5". */
  target?: string;
}

/** A bench module exports `rows()`; bench/index.ts runs every module and prints one table. */
export type BenchModule = { rows: () => Promise<BenchRow[]> };

/** Median of a non-empty list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Whether a row meets its target ("<= 1.5", "< 0.6", ">= 200"); undefined when it has none. */
export function meetsTarget(row: BenchRow): boolean | undefined {
  if (!row.target) return undefined;
  const match = /^(<=|<|>=|>)\s*(\d+(?:\.\d+)?)$/.exec(row.target.trim());
  if (!match) throw new Error(`bench row "${row.measure}": target "${row.target}" is not <op> <number>`);
  const limit = Number(match[2]);
  return { '<=': row.value <= limit, '<': row.value < limit, '>=': row.value >= limit, '>': row.value > limit }[
    match[1] as '<=' | '<' | '>=' | '>'
  ];
}
