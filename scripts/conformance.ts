/** `npm run conformance [-- <dist dir>]`: every user requirement and security rule, checked on the rendered manifests. */
import * as path from 'path';
import { REPO_ROOT } from './lib/crds';
import { formatResults, runChecks } from './conformance/index';
import { loadModel } from './conformance/model';

try {
  const results = runChecks(loadModel(path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'dist'))));
  console.log(formatResults(results));
  process.exitCode = results.some((r) => r.findings.length) ? 1 : 0;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
