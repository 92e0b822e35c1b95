import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../engines/crds';
import { type BenchRow, median } from './types';

/** Wall time of one full `npm run synth` equivalent (tsx main.ts) into a scratch directory. */
function timeOneSynth(outDir: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/tsx'), ['main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DIST_DIR: outDir },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`synth failed during the benchmark:\n${result.stderr}`);
  return seconds;
}

export async function rows(): Promise<BenchRow[]> {
  const outDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'payments-dr-bench-')), 'dist');
  timeOneSynth(outDir);
  const runs = Array.from({ length: 5 }, () => timeOneSynth(outDir));
  fs.rmSync(path.dirname(outDir), { recursive: true, force: true });
  return [{ measure: 'full synth, wall seconds, median of 5 runs after a warm-up', value: median(runs), unit: 's', target: '<= 1.5' }];
}
