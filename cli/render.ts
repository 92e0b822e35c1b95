/**
 * `npm run render -- <xr-or-claim.yaml> <composition.yaml> [--observed-resources <file>]`
 *
 * `crossplane composition render` with the real engines: the Crossplane CLI, core's render
 * engine (--crossplane-binary) and function-patch-and-transform, function-cel-filter and function-auto-ready as local
 * processes on loopback. A claim is turned into the XR Crossplane's claim syncer would create
 * (engines/claim.ts); an XRD in the Composition file (dist/platform/*-api.yaml hold both)
 * is passed as --xrd, so its defaults apply. Prints the XR (with the status the pipeline returned)
 * and then each composed resource as a YAML stream; function warnings go to stderr.
 *
 * With --observed-resources the render runs as consecutive reconciles would: once to learn the XR
 * status the observed resources produce (ToCompositeFieldPath), and again with that status, so
 * patches that read the XR status (FromComposite patches read the observed XR) are rendered too.
 *
 * Exit codes: the engine's (1 when a pipeline step or the CLI fails, with its own error text),
 * 64 usage, 69 an engine that cannot run (not built, cannot start).
 */
import * as fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { fromCaller, parseCommandLine } from './command-line';
import { toComposite } from '../engines/claim';
import { EngineError, oneLine } from '../engines/errors';
import { stopAll } from '../engines/processes';
import { RenderFailed } from '../engines/render';
import { EngineSession } from '../engines/session';
import { parseYamlStream, toYamlStream, type Json } from '../engines/yaml';

const EXIT_UNAVAILABLE = 69;

const SPEC = {
  name: 'render',
  arguments: '<xr-or-claim.yaml> <composition.yaml>',
  summary:
    'Renders what a Composition composes for an XR or a claim with the real engines (crossplane ' +
    'composition render, function-patch-and-transform, function-cel-filter and ' +
    'function-auto-ready on loopback). The Composition file may hold the XRD too (its defaults apply).',
  options: { 'observed-resources': { type: 'string' as const, short: 'o' } },
  descriptions: { 'observed-resources': 'composed resources as they exist (YAML stream), e.g. from cli/sample-observed.ts' },
  maxPositionals: 2,
};

class InputError extends Error {}

function readObjects(file: string): Json[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: no such file`);
  }
  try {
    return parseYamlStream(text);
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}`);
  }
}

/** A stand-in XRD when the Composition file has none: enough to turn a claim into its XR (no defaults). */
function minimalXrd(composition: Json, claim: Json): Json {
  const [group, version] = String(composition.spec?.compositeTypeRef?.apiVersion ?? '').split('/');
  return {
    metadata: { name: '(no XRD given)' },
    spec: {
      group,
      names: { kind: composition.spec?.compositeTypeRef?.kind },
      claimNames: { kind: claim.kind },
      versions: [{ name: version, referenceable: true }],
    },
  };
}

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine(SPEC);
  if (positionals.length !== 2) {
    console.error(
      `render: expected an XR or claim file and a Composition file\n\nusage: ` +
        `npm run render -- ${SPEC.arguments} [--observed-resources <file>]`,
    );
    return 64;
  }
  const session = new EngineSession(1);
  try {
    const [inputFile, compositionFile] = positionals.map(fromCaller);
    const inputs = readObjects(inputFile);
    if (inputs.length !== 1) throw new InputError(`${positionals[0]}: expected exactly one XR or claim, found ${inputs.length} documents`);
    const apiDocs = readObjects(compositionFile);
    const compositions = apiDocs.filter((d) => d.kind === 'Composition');
    if (compositions.length !== 1)
      throw new InputError(`${positionals[1]}: expected exactly one Composition, found ${compositions.length}`);
    const composition = compositions[0];
    const ref = composition.spec?.compositeTypeRef ?? {};
    const xrd = apiDocs.find(
      (d) =>
        d.kind === 'CompositeResourceDefinition' &&
        `${d.spec?.group}/${d.spec?.names?.kind}` === `${String(ref.apiVersion).split('/')[0]}/${ref.kind}`,
    );
    const input = inputs[0];
    const isXr = input.apiVersion === ref.apiVersion && input.kind === ref.kind;
    const xr = isXr ? input : toComposite(input, xrd ?? minimalXrd(composition, input));
    const observed = values['observed-resources'] ? readObjects(fromCaller(values['observed-resources'])) : [];
    let result = await session.render({ xr, composition, xrd, observed });
    if (observed.length && result.xr.status && !isDeepStrictEqual(result.xr.status, xr.status)) {
      result = await session.render({ xr: { ...xr, status: result.xr.status }, composition, xrd, observed });
    }
    for (const r of result.results.filter((r) => r.severity !== 'Normal'))
      process.stderr.write(`${String(r.severity ?? 'result').toLowerCase()}: ${String(r.message ?? '').replace(/\s+/g, ' ')}\n`);
    process.stdout.write(toYamlStream([result.xr, ...result.resources]));
    return 0;
  } catch (error) {
    if (error instanceof RenderFailed) {
      process.stderr.write(error.stderr.endsWith('\n') ? error.stderr : `${error.stderr}\n`);
      return error.exitCode > 0 ? error.exitCode : 1;
    }
    process.stderr.write(`render: ${oneLine(error)}\n`);
    return error instanceof EngineError ? EXIT_UNAVAILABLE : 1;
  } finally {
    await session.stop();
    await stopAll();
  }
}

main().then((code) => {
  process.exitCode = code;
});
