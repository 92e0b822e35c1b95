/**
 * `crossplane resource validate` (the real CLI) offline: the Crossplane image it always wants is a
 * pre-filled cache folder holding the vendored Crossplane CRDs (the CLI treats an existing
 * `<cache>/<image with ':' as '@'>/` as a hit and loads every YAML below it), so nothing is
 * downloaded. XRDs go in as extensions (the CLI converts them with crossplane-runtime's xcrd, as
 * core does), with the vendored provider, P&T input and Argo CD CRDs.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CrdCatalog, crdDir } from './crds';
import { EngineError } from './errors';
import { toolInputCrds, toolPath, toolVersion } from './tools';
import { toEngineStream, type Json } from './yaml';

export interface FieldError {
  readonly type: string;
  readonly field?: string;
  readonly message: string;
}

export interface ResourceVerdict {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  /** valid, invalid, missingSchema or defaultingFailed */
  readonly status: string;
  readonly errors: readonly FieldError[];
}

let runs = 0;

/** The image the CLI is told to use: the core version tools/ pins (what render runs too). */
export function crossplaneImage(): string {
  return `xpkg.crossplane.io/crossplane/crossplane:${toolVersion('crossplane-core')}`;
}

function toolsRoot(): string {
  return process.env.PAYMENTS_DR_TOOLS ?? path.join(os.homedir(), '.cache', 'payments-dr', 'tools');
}

/**
 * A cache folder whose image slot holds exactly the vendored Crossplane CRDs. It is keyed by their
 * content and filled atomically, so concurrent runs (jest workers) share it safely.
 */
export function prefilledCache(): string {
  const source = path.join(crdDir(), 'crossplane');
  const files = fs
    .readdirSync(source)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(fs.readFileSync(path.join(source, f)));
  const cache = path.join(toolsRoot(), 'validate-cache', hash.digest('hex').slice(0, 16));
  const slot = path.join(cache, crossplaneImage().replace(/:/g, '@'));
  if (fs.existsSync(slot)) return cache;
  const staging = `${slot}.${process.pid}.${Date.now()}.tmp`;
  fs.mkdirSync(staging, { recursive: true });
  for (const f of files) fs.copyFileSync(path.join(source, f), path.join(staging, f));
  try {
    fs.renameSync(staging, slot);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(slot)) throw error;
  }
  return cache;
}

let catalog: CrdCatalog | undefined;

/**
 * The vendored CRD files given as extensions besides the XRDs (Crossplane's come from the image
 * cache): the ones that define the objects' kinds and the P&T input kind, plus the
 * function-cel-filter input CRD from its built module (not vendored). Passing only these
 * instead of whole folders changes no verdict (the CLI uses the CRD of each object's kind) and
 * saves loading ~5 MB of provider CRDs.
 */
export function vendoredExtensions(objects: readonly Json[]): string[] {
  catalog ??= new CrdCatalog();
  const files = new Set<string>();
  const ptInput = path.join(crdDir(), 'function-patch-and-transform', 'pt.fn.crossplane.io_resources.yaml');
  if (fs.existsSync(ptInput)) files.add(ptInput);
  for (const file of toolInputCrds('function-cel-filter')) files.add(file);
  const add = (apiVersion: unknown, kind: unknown) => {
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return;
    const file = catalog!.fileOf(apiVersion.includes('/') ? apiVersion.split('/')[0] : '', kind);
    if (file && !file.startsWith(path.join(crdDir(), 'crossplane') + path.sep)) files.add(file);
  };
  for (const object of objects) {
    add(object.apiVersion, object.kind);
    for (const step of object.kind === 'Composition' && Array.isArray(object.spec?.pipeline) ? object.spec.pipeline : [])
      add(step?.input?.apiVersion, step?.input?.kind);
  }
  return [...files].sort();
}

/**
 * Validates `objects` (in order) against the CRDs of `xrds` and the vendored CRDs. Returns the
 * CLI's verdicts in its order: one per object, each Composition preceded by one per pipeline step
 * input (the CLI validates those as resources of their own). `expected` is that count.
 */
export async function resourceValidate(
  objects: readonly Json[],
  xrds: readonly Json[],
  workDir: string,
  expected = objects.length,
): Promise<ResourceVerdict[]> {
  if (objects.length === 0) return [];
  const cli = toolPath('crossplane-cli');
  fs.mkdirSync(workDir, { recursive: true });
  const resources = path.join(workDir, `resources-${process.pid}-${++runs}.yaml`);
  fs.writeFileSync(resources, toEngineStream(objects));
  const extensions = vendoredExtensions(objects);
  if (xrds.length) {
    const xrdFile = path.join(workDir, `xrds-${process.pid}-${runs}.yaml`);
    fs.writeFileSync(xrdFile, toEngineStream(xrds));
    extensions.unshift(xrdFile);
  }
  const args = [
    'resource',
    'validate',
    `--cache-dir=${prefilledCache()}`,
    `--crossplane-image=${crossplaneImage()}`,
    '--error-on-missing-schemas',
    '--output=json',
    extensions.join(','),
    resources,
  ];
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(cli, args, { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', timeout: 10 * 60 * 1000 }, (error, out, err) => {
      const exit = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      resolve({ code: exit, stdout: out, stderr: err || (error && exit === -1 ? error.message : '') });
    });
  });
  let parsed: { resources?: Array<Omit<ResourceVerdict, 'errors'> & { errors?: FieldError[] }> };
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new EngineError(
      'crossplane-cli',
      `resource validate exited ${code} without a result: ${stderr.trim().split('\n').slice(-2).join(' | ') || stdout.slice(0, 300)}`,
    );
  }
  const verdicts = (parsed.resources ?? []).map((r) => ({ ...r, errors: r.errors ?? [] }));
  if (verdicts.length !== expected) {
    throw new EngineError(
      'crossplane-cli',
      `resource validate reported ${verdicts.length} resources for ${expected} expected (exit ${code}): ${stderr.trim().split('\n')[0]}`,
    );
  }
  return verdicts;
}
