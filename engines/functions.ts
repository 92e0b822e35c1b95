/**
 * The Composition functions as local processes: function-patch-and-transform,
 * function-cel-filter and function-auto-ready (the versions tools/ pins, which dist/platform/functions.yaml installs),
 * each with `--insecure --address=127.0.0.1:<free port>`, and the Function manifests that point
 * `crossplane composition render` at them (Development runtime annotations).
 */
import { stringify } from 'yaml';
import { startEngine, type EngineProcess } from './processes';
import { toolPath, toolVersion, type ToolName } from './tools';

/** Function name in Compositions → the tool that implements it and its package. */
export const FUNCTIONS: ReadonlyArray<{ name: string; tool: ToolName; package: string }> = [
  {
    name: 'function-patch-and-transform',
    tool: 'function-patch-and-transform',
    package: 'xpkg.crossplane.io/crossplane-contrib/function-patch-and-transform',
  },
  { name: 'function-cel-filter', tool: 'function-cel-filter', package: 'xpkg.crossplane.io/crossplane-contrib/function-cel-filter' },
  { name: 'function-auto-ready', tool: 'function-auto-ready', package: 'xpkg.crossplane.io/crossplane-contrib/function-auto-ready' },
];

export interface RunningFunctions {
  /** The YAML stream of Function manifests to pass to `crossplane composition render`. */
  readonly manifests: string;
  readonly processes: readonly EngineProcess[];
  stop(): Promise<void>;
}

export async function startFunctions(workDir: string): Promise<RunningFunctions> {
  const binaries = FUNCTIONS.map((fn) => ({ ...fn, binary: toolPath(fn.tool), version: toolVersion(fn.tool) }));
  const started = await Promise.allSettled(
    binaries.map((fn) =>
      startEngine({
        name: fn.name,
        binary: fn.binary,
        args: (port) => ['--insecure', `--address=127.0.0.1:${port}`],
        workDir,
        timeoutSeconds: 30,
      }),
    ),
  );
  const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)));
    throw failed.reason;
  }
  const processes = started.map((result) => (result as PromiseFulfilledResult<EngineProcess>).value);
  const manifests = binaries
    .map((fn, index) =>
      stringify({
        apiVersion: 'pkg.crossplane.io/v1',
        kind: 'Function',
        metadata: {
          name: fn.name,
          annotations: {
            'render.crossplane.io/runtime': 'Development',
            'render.crossplane.io/runtime-development-target': `127.0.0.1:${processes[index].port}`,
          },
        },
        spec: { package: `${fn.package}:${fn.version}` },
      }),
    )
    .join('---\n');
  return { manifests, processes, stop: async () => void (await Promise.all(processes.map((p) => p.stop()))) };
}
