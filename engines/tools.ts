/**
 * Where the real engines are: scripts/build-tools.sh builds them into a version-keyed cache and
 * `--list` prints `tool version path` for each (tools/<tool>/go.mod is the one place versions live).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EngineError } from './errors';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const BUILD_TOOLS = path.join(REPO_ROOT, 'scripts', 'build-tools.sh');

export type ToolName =
  | 'crossplane-cli'
  | 'crossplane-core'
  | 'function-patch-and-transform'
  | 'function-cel-filter'
  | 'function-auto-ready'
  | 'apiextensions-apiserver'
  | 'etcd';

export interface Tool {
  readonly name: ToolName;
  readonly version: string;
  readonly path: string;
}

let listed: Map<string, Tool> | undefined;

function listTools(): Map<string, Tool> {
  if (listed) return listed;
  let out: string;
  try {
    out = execFileSync(BUILD_TOOLS, ['--list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')[0];
    throw new EngineError(
      'build-tools',
      `scripts/build-tools.sh --list failed (${stderr || (error as Error).message}); fix tools/*/go.mod`,
    );
  }
  listed = new Map(
    out
      .trim()
      .split('\n')
      .map((line) => line.split(' '))
      .map(([name, version, binary]) => [name, { name: name as ToolName, version, path: binary }]),
  );
  return listed;
}

/** The pinned version of a tool (from its go.mod), whether or not it is built. */
export function toolVersion(name: ToolName): string {
  const tool = listTools().get(name);
  if (!tool) throw new EngineError(name, `scripts/build-tools.sh --list does not know this tool`);
  return tool.version;
}

/** The pipeline-input CRD files a function's module ships, which scripts/build-tools.sh copies beside its binary. */
export function toolInputCrds(name: ToolName): string[] {
  const dir = path.join(path.dirname(toolPath(name)), 'input');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((file) => /\.ya?ml$/.test(file)) : [];
  if (files.length === 0)
    throw new EngineError(
      name,
      `${dir} holds no input CRD; rebuild: rm -r ${path.dirname(toolPath(name))} && scripts/build-tools.sh ${name}`,
    );
  return files.sort().map((file) => path.join(dir, file));
}

/** The built binary of a tool; a missing one is an EngineError that says how to build it. */
export function toolPath(name: ToolName): string {
  const tool = listTools().get(name);
  if (!tool) throw new EngineError(name, `scripts/build-tools.sh --list does not know this tool`);
  try {
    fs.accessSync(tool.path, fs.constants.X_OK);
  } catch {
    throw new EngineError(name, `${tool.version} is not built (${tool.path} missing); run scripts/build-tools.sh ${name}`);
  }
  return tool.path;
}
