/** What the checks report: problems (one per finding) and one report per object. */

export type EngineName = 'crossplane composition render' | 'crossplane resource validate' | 'apiextensions-apiserver' | 'project rules';

export interface Problem {
  file: string;
  kind: string;
  name: string;
  /** Where in the object, e.g. `spec.forProvider.cidrBlok`; empty for the object as a whole. */
  path: string;
  message: string;
  /** Which engine (or the project's own rules) found it. */
  engine?: EngineName;
}

export interface ObjectReport {
  /** The dist file, or `<claim file> → <composition>/<resource>` for a composed resource. */
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** What each engine said: `ok`, or why it did not check the object. */
  readonly verdicts: Partial<Record<EngineName, string>>;
  readonly problems: Problem[];
}

export function problemLine(problem: Problem): string {
  return (
    `${problem.file} ${problem.kind}/${problem.name} ${problem.path || '.'} ` +
    `${problem.message}${problem.engine ? ` [${problem.engine}]` : ''}`
  );
}
