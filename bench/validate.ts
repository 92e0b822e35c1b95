/**
 * Bench rows of the real engines:
 * - `npm run validate` on dist/ and every resource its claims compose: fresh engines each run (the
 *   functions, etcd and the API server start, CRDs install), render phases, resource validate and
 *   the API server (goal: <= 30 s warm, i.e. with the tools built);
 * - one render of one claim (the CLI, core and both functions already running);
 * - scripts/build-tools.sh with every tool present, and rebuilding every tool into an empty
 *   folder with Go's build and module caches warm (cold — empty Go caches, every module downloaded
 *   — is measured by hand: README "Checking manifests").
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkWithEngines } from '../engines/check';
import { toComposite } from '../engines/claim';
import { EngineSession } from '../engines/session';
import { BUILD_TOOLS, REPO_ROOT } from '../engines/tools';
import type { Json } from '../engines/yaml';
import { readManifests } from '../engines/manifest-files';
import { median, type BenchRow } from './types';

const RUNS = 3;
const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

async function validateRows(): Promise<BenchRow[]> {
  const times: number[] = [];
  let objects = 0;
  const { documents } = readManifests(path.join(REPO_ROOT, 'dist'));
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    const check = await checkWithEngines(documents);
    times.push(seconds(started));
    objects = check.reports.length;
    if (check.problems.length) throw new Error(`dist/ does not validate (${check.problems.length} problems): run npm run validate`);
  }
  return [
    {
      measure:
        `npm run validate: dist/ + every composed resource (${objects} ` +
        `objects), real engines started fresh, wall seconds, median of ${RUNS}`,
      value: median(times),
      unit: 's',
      target: '<= 30',
    },
  ];
}

async function renderRow(): Promise<BenchRow> {
  const docs = readManifests(path.join(REPO_ROOT, 'dist')).documents.map((d) => d.doc as Json);
  const claim = docs.find((d) => d.kind === 'PaymentRegion')!;
  const xrd = docs.find((d) => d.kind === 'CompositeResourceDefinition' && d.spec.claimNames?.kind === 'PaymentRegion')!;
  const composition = docs.find((d) => d.kind === 'Composition' && d.metadata.name === xrd.spec.defaultCompositionRef.name)!;
  const session = new EngineSession(1);
  try {
    const xr = toComposite(claim, xrd);
    await session.render({ xr, composition, xrd });
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = process.hrtime.bigint();
      await session.render({ xr, composition, xrd });
      times.push(seconds(started));
    }
    return {
      measure: 'render one PaymentRegion claim (crossplane composition render, functions running), wall seconds, median of 5',
      value: median(times),
      unit: 's',
    };
  } finally {
    await session.stop();
  }
}

function toolRows(): BenchRow[] {
  const rows: BenchRow[] = [];
  let started = process.hrtime.bigint();
  execFileSync(BUILD_TOOLS, [], { stdio: 'ignore' });
  rows.push({ measure: 'scripts/build-tools.sh, every tool built already, wall seconds', value: seconds(started), unit: 's' });
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tools-'));
  try {
    started = process.hrtime.bigint();
    execFileSync(BUILD_TOOLS, [], { stdio: 'ignore', env: { ...process.env, PAYMENTS_DR_TOOLS: empty } });
    rows.push({
      measure: 'scripts/build-tools.sh into an empty folder, Go build + module caches warm (6 tools), wall seconds',
      value: seconds(started),
      unit: 's',
    });
  } catch {
    // No Go toolchain here: the row is left out (the engines still run from the built tools).
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
  return rows;
}

export async function rows(): Promise<BenchRow[]> {
  return [...(await validateRows()), await renderRow(), ...toolRows()];
}
