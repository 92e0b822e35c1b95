/**
 * `npm run render -- <xr-or-claim.yaml> <composition.yaml> [--observed-resources <file>]`
 *
 * Prints what the Composition would compose for the XR or claim, like `crossplane composition render`:
 * a YAML stream with the XR (and the status the pipeline returned) first, then each composed resource.
 * Warnings go to stderr. Exit code 1 on a render error, 2 on a usage error.
 */
import * as fs from 'fs';
import { parseYamlStream, renderComposition, toYamlStream, type JsonObject } from './render/index';

const USAGE = 'usage: npm run render -- <xr-or-claim.yaml> <composition.yaml> [--observed-resources <file>]';

interface Arguments {
  xrFile: string;
  compositionFile: string;
  observedFile?: string;
}

function parseArguments(argv: string[]): Arguments {
  const positional: string[] = [];
  let observedFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--observed-resources' || arg === '-o') {
      observedFile = argv[++i];
      if (!observedFile) throw new Error(`${arg} needs a file`);
    } else if (arg.startsWith('--observed-resources=')) {
      observedFile = arg.slice('--observed-resources='.length);
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) throw new Error('expected an XR or claim file and a Composition file');
  return { xrFile: positional[0], compositionFile: positional[1], observedFile };
}

function readObjects(file: string): JsonObject[] {
  try {
    return parseYamlStream(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

function readOne(file: string, what: string, accept: (obj: JsonObject) => boolean = () => true): JsonObject {
  const matching = readObjects(file).filter(accept);
  if (matching.length !== 1) throw new Error(`${file}: expected exactly one ${what}, found ${matching.length}`);
  return matching[0];
}

function main(argv: string[]): number {
  let args: Arguments;
  try {
    args = parseArguments(argv);
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  try {
    const xrOrClaim = readOne(args.xrFile, 'composite resource or claim');
    const composition = readOne(args.compositionFile, 'Composition', (obj) => obj.kind === 'Composition');
    const observed = args.observedFile ? readObjects(args.observedFile) : [];
    const result = renderComposition(xrOrClaim, composition, { observed });
    for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
    process.stdout.write(toYamlStream([result.xr, ...result.resources]));
    return 0;
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
