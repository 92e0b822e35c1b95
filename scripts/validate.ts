/**
 * `npm run validate [-- <file or dir> ...]`: validates manifests (default: dist/) against the
 * vendored CRDs and the XRDs among them. Prints one line per problem,
 * `<file> <kind>/<name> <path> <message>`, then a summary; exits 1 on any problem.
 */
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './lib/crds';
import { Validator, type Problem, type Report } from './validate/index';
import { readManifests } from './validate/manifest-files';

function problemLine(problem: Problem): string {
  return `${problem.file} ${problem.kind}/${problem.name} ${problem.path || '.'} ${problem.message}`;
}

function summaryLine(report: Report): string {
  return (
    `${report.valid} objects valid, ${report.invalid} invalid, ${report.builtIn} built-in, ` +
    `${report.celSkipped} CEL rules skipped (oldSelf)`
  );
}

function main(args: string[]): number {
  const targets = args.length ? args.map((arg) => path.resolve(arg)) : [path.join(REPO_ROOT, 'dist')];
  const missing = targets.filter((target) => !fs.existsSync(target));
  if (missing.length) {
    missing.forEach((target) => console.error(`${target}: no such file or directory (run \`npm run synth\` to create dist/)`));
    return 1;
  }
  const manifests = targets.map((target) => readManifests(target));
  const report = Validator.load().validateDocuments(manifests.flatMap((set) => set.documents));
  const syntaxProblems = manifests.flatMap((set) => set.syntaxProblems);
  report.problems.unshift(...syntaxProblems);
  report.invalid += syntaxProblems.length;
  report.problems.forEach((problem) => console.log(problemLine(problem)));
  console.log(summaryLine(report));
  return report.problems.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
