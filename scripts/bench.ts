/** `npm run bench`: runs every module in scripts/bench/ (each exports rows()) and prints one table. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BenchModule, BenchRow } from './bench/types';

function formatTable(rows: readonly BenchRow[]): string {
  const cells = rows.map((r) => [r.measure, r.value.toFixed(r.value < 10 ? 3 : 1), r.unit, r.target ?? '']);
  const header = ['measure', 'value', 'unit', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const only = process.argv[2];
  const benchDir = path.join(__dirname, 'bench');
  const modules = fs
    .readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && f !== 'types.ts' && (!only || f === `${only}.ts`))
    .sort();
  const rows: BenchRow[] = [];
  for (const file of modules) {
    const bench = (await import(path.join(benchDir, file))) as BenchModule;
    rows.push(...(await bench.rows()));
  }
  console.log(`payments-dr benchmarks — ${os.cpus().length} cores, node ${process.version}, ${new Date().toISOString()}\n`);
  console.log(formatTable(rows));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
