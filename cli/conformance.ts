/** `npm run conformance [-- <dist dir>]`: every user requirement and security rule, checked on the rendered manifests. */
import * as path from 'node:path';
import { fromCaller, parseCommandLine } from './command-line';
import { REPO_ROOT } from '../engines/crds';
import { formatResults, runChecks } from '../conformance/index';
import { loadModel } from '../conformance/model';

const { positionals } = parseCommandLine({
  name: 'conformance',
  arguments: "[<dist dir>]   (default: the repository's dist/)",
  summary:
    'Renders every claim in the dist folder and checks each user requirement ' +
    'and security rule (PASS/FAIL with offenders). Exit 1 on any failure.',
  options: {},
  descriptions: {},
  maxPositionals: 1,
});

try {
  const results = runChecks(loadModel(positionals[0] ? fromCaller(positionals[0]) : path.join(REPO_ROOT, 'dist')));
  console.log(formatResults(results));
  process.exitCode = results.some((r) => r.findings.length) ? 1 : 0;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
