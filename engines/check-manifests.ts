/**
 * Checks manifests — the documents themselves and every resource their claims compose — with the
 * real engines (engines/check.ts): the project's own rules, `crossplane composition
 * render` of every claim phase after phase until nothing new appears, `crossplane resource
 * validate`, and a scratch apiextensions-apiserver (store, then dry-run apply again).
 *
 * checkManifests() is synchronous (conformance and the dist tests call it at load time): it runs
 * the check in a child process. checkManifestsAsync() runs it in this process, optionally in an
 * engine session that outlives it (the test helpers keep one per test file).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkWithEngines, type CheckOptions, type CheckResult, type ManifestDocument, type RenderedClaim } from './check';
import type { ObjectReport, Problem } from './report';
import { sharedAsync, sharedSync } from './run-share';

export type { ManifestDocument, ObjectReport, Problem, RenderedClaim };

export interface ManifestCheck {
  /** Problems of the documents themselves and of every resource their claims compose. */
  readonly problems: Problem[];
  readonly documents: number;
  readonly rendered: RenderedClaim[];
  /** One report per object: every document, every composed resource, every XR. */
  readonly reports: ObjectReport[];
  /** Wall milliseconds per stage (render, resource validate, apiserver). */
  readonly timings: Record<string, number>;
}

const REPO_ROOT = path.resolve(__dirname, '..');
const TSX_CLI = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const CHILD = path.join(REPO_ROOT, 'engines', 'check-child.ts');

/**
 * Checks already made in this process (and, under jest, by another worker of the same run:
 * engines/run-share.ts), by content: the check is a function of the documents and the pinned engines, so
 * a test that renders the environments and then builds the conformance model from the same
 * documents runs the engines once.
 */
const done = new Map<string, ManifestCheck>();
const keyOf = (documents: readonly ManifestDocument[], options: Omit<CheckOptions, 'session'>) =>
  createHash('sha256')
    .update(JSON.stringify({ documents, skipApiServer: options.skipApiServer, skipRender: options.skipRender }))
    .digest('hex');

export async function checkManifestsAsync(documents: readonly ManifestDocument[], options: CheckOptions = {}): Promise<CheckResult> {
  const key = keyOf(documents, options);
  const known = done.get(key);
  if (known) return structuredClone(known);
  const result = await sharedAsync(key, () => checkWithEngines(documents, options));
  done.set(key, structuredClone(result));
  return result;
}

/** The same check, synchronously (in a child process that starts and stops its own engines). */
export function checkManifests(documents: readonly ManifestDocument[], options: Omit<CheckOptions, 'session'> = {}): ManifestCheck {
  const key = keyOf(documents, options);
  const known = done.get(key);
  if (known) return structuredClone(known);
  const result = sharedSync(key, () => checkInChild(documents, options));
  done.set(key, structuredClone(result));
  return result;
}

function checkInChild(documents: readonly ManifestDocument[], options: Omit<CheckOptions, 'session'>): ManifestCheck {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'payments-dr-check-'));
  try {
    const input = path.join(dir, 'request.json');
    const output = path.join(dir, 'result.json');
    fs.writeFileSync(input, JSON.stringify({ documents, options }));
    const run = spawnSync(process.execPath, [TSX_CLI, CHILD, input, output], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'inherit', 'pipe'],
      timeout: 20 * 60 * 1000,
    });
    const result = fs.existsSync(output) ? JSON.parse(fs.readFileSync(output, 'utf8')) : undefined;
    if (result?.error) throw new Error(result.error);
    if (run.status !== 0 || !result) {
      const why = run.error ? run.error.message : `exit ${run.status ?? run.signal}`;
      throw new Error(`the engine check did not finish (${why}): ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
    }
    return result as ManifestCheck;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
