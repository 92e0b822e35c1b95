/**
 * `crossplane composition render` (the real CLI, with core's `internal render` as its engine via
 * --crossplane-binary) over functions running as local processes.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineError } from './errors';
import type { RunningFunctions } from './functions';
import { toolPath } from './tools';
import { parseYamlStream, toEngineStream, type Json } from './yaml';

/** Results (render.crossplane.io Result documents) and the XR are told apart from composed resources by this. */
const RESULT_API_VERSION = 'render.crossplane.io/v1beta1';

export interface RenderRequest {
  readonly xr: Json;
  readonly composition: Json;
  /** Applies the XRD's defaults to the XR first (`--xrd`); optional. */
  readonly xrd?: Json;
  /** Composed resources as they exist (`--observed-resources`), matched by composition-resource-name. */
  readonly observed?: readonly Json[];
  /** Print the XR's full spec and metadata (`-x`), as `crossplane resource validate` needs. Default true. */
  readonly includeFullXr?: boolean;
}

export interface RenderResult {
  /** The XR as render prints it (with -x: its metadata and spec, plus the status the pipeline returned). */
  readonly xr: Json;
  readonly resources: Json[];
  /** Function results (`-r`): e.g. the Warning naming a resource a Required patch held back. */
  readonly results: Json[];
  /** What the CLI wrote to stderr (log lines), for diagnostics. */
  readonly stderr: string;
}

/** The CLI refused or a pipeline step failed: exit code and the engine's own error text. */
export class RenderFailed extends Error {
  constructor(
    readonly exitCode: number,
    readonly stderr: string,
  ) {
    super(stderr.trim() || `crossplane composition render exited ${exitCode}`);
    this.name = 'RenderFailed';
  }
}

let counter = 0;

/** Runs one render; `workDir` gets the input files (kept for inspection until the session ends). */
export async function render(request: RenderRequest, functions: RunningFunctions, workDir: string): Promise<RenderResult> {
  const cli = toolPath('crossplane-cli');
  const core = toolPath('crossplane-core');
  const dir = path.join(workDir, `render-${process.pid}-${++counter}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string, objects: readonly unknown[]) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, toEngineStream(objects));
    return target;
  };
  const args = [
    'composition',
    'render',
    file('xr.yaml', [request.xr]),
    file('composition.yaml', [request.composition]),
    path.join(dir, 'functions.yaml'),
    `--crossplane-binary=${core}`,
    '--include-function-results',
    '--timeout=5m',
  ];
  fs.writeFileSync(path.join(dir, 'functions.yaml'), functions.manifests);
  if (request.includeFullXr !== false) args.push('--include-full-xr');
  if (request.xrd) args.push(`--xrd=${file('xrd.yaml', [request.xrd])}`);
  if (request.observed?.length) args.push(`--observed-resources=${file('observed.yaml', request.observed)}`);
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(cli, args, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', timeout: 6 * 60 * 1000 }, (error, out, err) => {
      const exit = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      if (error && exit === -1 && !err) err = `crossplane composition render did not run: ${error.message}`;
      resolve({ code: exit, stdout: out, stderr: err });
    });
  });
  if (code !== 0) {
    if (code === -1 && !fs.existsSync(cli))
      throw new EngineError('crossplane-cli', `${cli} is missing; run scripts/build-tools.sh crossplane-cli`);
    throw new RenderFailed(code, stderr);
  }
  const documents = parseYamlStream(stdout);
  const [xr, ...rest] = documents;
  if (!xr || xr.kind !== request.xr.kind)
    throw new RenderFailed(0, `render printed no ${request.xr.kind} first (got ${xr?.kind ?? 'nothing'})`);
  return {
    xr,
    resources: rest.filter((doc) => doc.apiVersion !== RESULT_API_VERSION),
    results: rest.filter((doc) => doc.apiVersion === RESULT_API_VERSION),
    stderr,
  };
}
