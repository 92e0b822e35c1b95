/**
 * The real engines the e2e runs, as built by scripts/build-tools.sh (the go.mod files under
 * tools/ pin them). A missing binary is one clear line naming the build command.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../engines/crds';
import { E2eError } from './log';

/** The composition functions dist/platform installs, each run by the e2e as a local gRPC server on its own port. */
export const FUNCTION_TOOLS = ['function-patch-and-transform', 'function-cel-filter', 'function-auto-ready'] as const;
export type FunctionTool = (typeof FUNCTION_TOOLS)[number];
export const TOOL_NAMES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl', 'crossplane-core', ...FUNCTION_TOOLS] as const;
export type ToolName = (typeof TOOL_NAMES)[number];
export type Tools = Readonly<Record<ToolName, string>>;

const BUILD_TOOLS = path.join(REPO_ROOT, 'scripts', 'build-tools.sh');

/** `scripts/build-tools.sh --list` as tool → {version, path}. */
function listTools(): Map<string, { version: string; binary: string }> {
  let out: string;
  try {
    out = execFileSync(BUILD_TOOLS, ['--list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message)
      .trim()
      .split('\n')[0];
    throw new E2eError(`scripts/build-tools.sh --list failed: ${stderr}`);
  }
  return new Map(
    out
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([tool, version, binary]) => [tool, { version, binary }]),
  );
}

/** Every tool's binary path; throws one line naming every missing tool and the command that builds it. */
export function findTools(): { tools: Tools; versions: Readonly<Record<ToolName, string>> } {
  const listed = listTools();
  const missing: string[] = [];
  const tools = {} as Record<ToolName, string>;
  const versions = {} as Record<ToolName, string>;
  for (const name of TOOL_NAMES) {
    const entry = listed.get(name);
    if (!entry) throw new E2eError(`scripts/build-tools.sh does not know the tool ${name}; restore scripts/build-tools.sh from git`);
    if (!isExecutable(entry.binary)) missing.push(name);
    tools[name] = entry.binary;
    versions[name] = entry.version;
  }
  if (missing.length) {
    throw new E2eError(
      `missing tool${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (not ` +
        `built under ${path.dirname(path.dirname(tools[missing[0] as ToolName]))}): ` +
        `run scripts/build-tools.sh ${missing.join(' ')} (needs Go >= 1.26 and the Go module proxy; 10-20 min cold for kube-apiserver)`,
    );
  }
  return { tools, versions };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The source folder of Crossplane core's module in the Go module cache (where tools/crossplane-core
 * was built from): `core init` installs its CRDs and webhook configurations from there, the files
 * the Crossplane image ships as /crds and /webhookconfigurations. Offline: GOPROXY=off.
 */
export function crossplaneSourceDir(): string {
  try {
    const dir = execFileSync('go', ['list', '-mod=readonly', '-m', '-f', '{{.Dir}}', 'github.com/crossplane/crossplane/v2'], {
      cwd: path.join(REPO_ROOT, 'tools', 'crossplane-core'),
      encoding: 'utf8',
      env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-mod=readonly' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
    if (!fs.existsSync(path.join(dir, 'cluster', 'crds'))) throw new Error(`${dir}/cluster/crds is missing`);
    return dir;
  } catch (error) {
    const detail = String((error as { stderr?: unknown }).stderr || (error as Error).message)
      .trim()
      .split('\n')[0];
    throw new E2eError(
      `cannot find Crossplane core's source in the Go module cache (${detail}): run ` +
        `scripts/build-tools.sh crossplane-core (or \`go mod download\` in tools/crossplane-core)`,
    );
  }
}
