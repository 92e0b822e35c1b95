/** `npm run dr-report [-- <dist dir>]`: RTO/RPO figures per environment, computed from the rendered manifests. */
import * as path from 'node:path';
import { fromCaller, parseCommandLine } from './command-line';
import { REPO_ROOT } from '../engines/crds';
import { drReport, formatReport } from '../conformance/dr-report';
import { loadModel } from '../conformance/model';

const { positionals } = parseCommandLine({
  name: 'dr-report',
  arguments: "[<dist dir>]   (default: the repository's dist/)",
  summary:
    "Prints each environment's failover timeline (detection, DNS, promotion with " +
    'the controller off and on, lag alerts) computed from the rendered manifests.',
  options: {},
  descriptions: {},
  maxPositionals: 1,
});

try {
  console.log(formatReport(drReport(loadModel(positionals[0] ? fromCaller(positionals[0]) : path.join(REPO_ROOT, 'dist')))));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
