/**
 * Bench row: wall seconds to validate everything in dist/ and every resource its claims compose
 * (read + parse + validate + render twice + validate each composed resource), with a fresh
 * Validator each run as `npm test` and `npm run validate` start with.
 */
import * as path from 'path';
import { checkManifests } from '../lib/check-manifests';
import { REPO_ROOT } from '../lib/crds';
import { Validator } from '../validate/index';
import { readManifests } from '../validate/manifest-files';
import { median, type BenchRow } from './types';

const RUNS = 5;

export async function rows(): Promise<BenchRow[]> {
  const seconds: number[] = [];
  let objects = 0;
  for (let run = 0; run < RUNS; run++) {
    const started = process.hrtime.bigint();
    const { documents } = readManifests(path.join(REPO_ROOT, 'dist'));
    const check = checkManifests(documents, Validator.load());
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
    objects = documents.length + check.rendered.reduce((sum, claim) => sum + claim.resources.length, 0);
    if (check.problems.length) throw new Error(`dist/ does not validate (${check.problems.length} problems): run npm run validate`);
  }
  return [{ measure: `validate dist/ + every rendered resource (${objects} objects), wall seconds, median of ${RUNS}`, value: median(seconds), unit: 's', target: '<= 5' }];
}
