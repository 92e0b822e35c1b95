import type { ConformanceModel, Finding } from './model';
import { type Check, REQUIREMENT_CHECKS } from './requirements';
import { SECURITY_CHECKS } from './security';

export const ALL_CHECKS: readonly Check[] = [...REQUIREMENT_CHECKS, ...SECURITY_CHECKS];

export interface CheckResult {
  readonly check: Check;
  readonly findings: readonly Finding[];
}

/** Runs every check (or the named ones) on the rendered model. */
export function runChecks(model: ConformanceModel, checks: readonly Check[] = ALL_CHECKS): CheckResult[] {
  return checks.map((check) => ({ check, findings: check.run(model) }));
}

/** The readable table `npm run conformance` prints: one line per check, offenders indented below. */
export function formatResults(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.check.id.length));
  const lines = results.flatMap(({ check, findings }) => [
    `${findings.length ? 'FAIL' : 'PASS'}  ${check.id.padEnd(width)}  ${check.requirement}`,
    ...findings.map((f) => `      ${' '.repeat(width)}  - ${f.resource}: ${f.message}`),
  ]);
  const failed = results.filter((r) => r.findings.length).length;
  return [...lines, '', `${results.length - failed} of ${results.length} checks pass`].join('\n');
}
