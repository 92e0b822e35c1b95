/** `npm run bench [-- [--check] [module ...]]`: runs the modules in bench/ (each exports rows()) and prints one table. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXIT_USAGE, parseCommandLine } from '../cli/command-line';
import { type BenchModule, type BenchRow, meetsTarget } from './types';

const BENCH_DIR = __dirname;
const MODULES = fs
  .readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith('.ts') && f !== 'types.ts' && f !== 'index.ts')
  .map((f) => f.slice(0, -3))
  .sort();

const SPEC = {
  name: 'bench',
  arguments: `[module ...]   (modules: ${MODULES.join(', ')}; default all)`,
  summary: 'Measures synth, bundles, cold init, validation and local throughput, and prints each figure beside its target.',
  options: { check: { type: 'boolean' as const } },
  descriptions: { check: 'exit 1 when any figure misses its target' },
  maxPositionals: MODULES.length,
};

export function formatTable(rows: readonly BenchRow[]): string {
  const marks = { true: '✓', false: '✗', undefined: '' };
  const verdict = (row: BenchRow) => marks[String(meetsTarget(row)) as keyof typeof marks];
  const cells = rows.map((r) => [r.measure, r.value.toFixed(r.value < 10 ? 3 : 1), r.unit, r.target ?? '', verdict(r)]);
  const header = ['measure', 'value', 'unit', 'target', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine(SPEC);
  const unknown = positionals.filter((name) => !MODULES.includes(name));
  if (unknown.length) {
    console.error(`bench: unknown module ${unknown.map((n) => `"${n}"`).join(', ')} (modules: ${MODULES.join(', ')})`);
    process.exit(EXIT_USAGE);
  }
  const selected = positionals.length ? positionals : MODULES;
  console.log(`payments-dr benchmarks — ${os.cpus().length} cores, node ${process.version}, ${new Date().toISOString()}\n`);
  const rows: BenchRow[] = [];
  for (const name of selected) {
    process.stderr.write(`bench: running ${name} …\n`);
    const bench = (await import(path.join(BENCH_DIR, `${name}.ts`))) as BenchModule;
    rows.push(...(await bench.rows()));
  }
  console.log(formatTable(rows));
  const missed = rows.filter((r) => meetsTarget(r) === false);
  if (missed.length) console.log(`\n${missed.length} figure(s) missed their target: ${missed.map((r) => r.measure).join('; ')}`);
  if (values.check && missed.length) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
