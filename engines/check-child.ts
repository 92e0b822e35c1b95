/**
 * The child process behind the synchronous checkManifests(): reads {documents, options} as JSON
 * from the file named by argv[2], checks them with the real engines, writes the result as JSON to
 * argv[3]. An engine that cannot run is `{ "error": "<one line>" }` and exit code 2.
 */
import * as fs from 'node:fs';
import { checkWithEngines } from './check';
import { EngineError, oneLine } from './errors';

async function main(): Promise<number> {
  const [input, output] = process.argv.slice(2);
  const request = JSON.parse(fs.readFileSync(input, 'utf8'));
  try {
    const result = await checkWithEngines(request.documents, request.options ?? {});
    fs.writeFileSync(output, JSON.stringify(result));
    return 0;
  } catch (error) {
    fs.writeFileSync(
      output,
      JSON.stringify({
        error: error instanceof EngineError ? error.message : oneLine(error),
        stack: error instanceof EngineError ? undefined : (error as Error)?.stack,
      }),
    );
    return 2;
  }
}

main().then((code) => process.exit(code));
