/** `npm run dr-report [-- <dist dir>]`: RTO/RPO figures per environment, computed from the rendered manifests. */
import * as path from 'path';
import { REPO_ROOT } from './lib/crds';
import { drReport, formatReport } from './conformance/dr-report';
import { loadModel } from './conformance/model';

try {
  console.log(formatReport(drReport(loadModel(path.resolve(process.argv[2] ?? path.join(REPO_ROOT, 'dist'))))));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
