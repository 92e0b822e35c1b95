/**
 * `npm run validate [-- <file or dir> ...]` (default dist/): checks every object with the real
 * engines (engines/check.ts) — the documents, and every resource each claim composes,
 * render phase after render phase: `crossplane resource validate`, a scratch
 * apiextensions-apiserver (strict server-side apply, stored, then applied again with dry-run), and
 * the project's own rules (patch paths, selected Compositions, resources never composed).
 *
 * Prints one line per object — `ok`/`FAIL`, the object, and for a failure each problem with the
 * engine that found it — then a summary. Exit 1 on any problem, 64 on a usage error, 69 when an
 * engine cannot run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromCaller, parseCommandLine } from './command-line';
import { checkWithEngines } from '../engines/check';
import { EngineError, oneLine } from '../engines/errors';
import { stopAll } from '../engines/processes';
import type { ObjectReport } from '../engines/report';
import { REPO_ROOT } from '../engines/tools';
import { readManifests } from '../engines/manifest-files';

const SPEC = {
  name: 'validate',
  arguments: "[<file or dir> ...]   (default: the repository's dist/)",
  summary:
    'Checks every object, and every resource its claims compose, with crossplane resource ' +
    'validate, a scratch apiextensions-apiserver (strict server-side apply, stored then ' +
    "applied again) and the project's own rules. One line per object; exit 1 on any problem.",
  options: { quiet: { type: 'boolean' as const, short: 'q' } },
  descriptions: { quiet: 'print only the objects with problems, and the summary' },
  maxPositionals: Number.MAX_SAFE_INTEGER,
};

function reportLine(report: ObjectReport): string {
  const where = `${report.file} ${report.kind}/${report.name}`;
  if (!report.problems.length) return `ok   ${where}`;
  const problems = report.problems.map((p) => `${p.path || '.'} ${p.message} [${p.engine ?? 'input'}]`);
  return `FAIL ${where}: ${problems.join('; ')}`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine(SPEC);
  const targets = positionals.length ? positionals.map(fromCaller) : [path.join(REPO_ROOT, 'dist')];
  const missing = targets.filter((target) => !fs.existsSync(target));
  if (missing.length) {
    missing.forEach((target) => console.error(`${target}: no such file or directory (run \`npm run synth\` to create dist/)`));
    return 1;
  }
  const started = Date.now();
  const sets = targets.map((target) => readManifests(target, process.env.INIT_CWD ?? process.cwd()));
  const syntax = sets.flatMap((set) => set.syntaxProblems);
  try {
    const check = await checkWithEngines(sets.flatMap((set) => set.documents));
    // A document YAML 1.1 reads differently: the problem joins that object's report.
    const unparsed = syntax.filter((problem) => {
      const report = check.reports.find((r) => r.file === problem.file && r.kind === problem.kind && r.name === problem.name);
      if (report) report.problems.unshift(problem);
      return !report;
    });
    for (const problem of unparsed) console.log(`FAIL ${problem.file} ${problem.kind}/${problem.name}: ${problem.message}`);
    for (const report of check.reports) if (!values.quiet || report.problems.length) console.log(reportLine(report));
    const failedReports = check.reports.filter((r) => r.problems.length).length;
    const loose = check.problems.filter((p) => !check.reports.some((r) => r.problems.includes(p)));
    for (const problem of loose)
      console.log(
        `FAIL ${problem.file} ${problem.kind}/${problem.name}: ${problem.path || '.'} ${problem.message} [${problem.engine ?? 'input'}]`,
      );
    const failed = failedReports + unparsed.length + loose.length;
    const total = check.reports.length + unparsed.length;
    console.log(
      `${total - failed} of ${total} objects valid (${check.documents + unparsed.length} documents; ` +
        `${check.reports.length - check.documents} composed resources and XRs of ${check.rendered.length} claims), ` +
        `${failed} with problems, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return failed ? 1 : 0;
  } catch (error) {
    console.error(`validate: ${oneLine(error)}`);
    return error instanceof EngineError ? 69 : 1;
  } finally {
    await stopAll();
  }
}

main().then((code) => {
  process.exitCode = code;
});
