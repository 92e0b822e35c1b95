/**
 * `npx tsx cli/sample-observed.ts <rendered.yaml>`: prints sample observed state (status.atProvider
 * shaped like AWS's) for the composed resources of a render, to feed `npm run render -- ...
 * --observed-resources` so the status-fed patches (ARNs, ids, DNS targets) render too.
 */
import * as fs from 'node:fs';
import { observedSamples } from '../engines/observed-samples';
import { parseYamlStream, toYamlStream } from '../engines/yaml';

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: npx tsx cli/sample-observed.ts <rendered.yaml>  (output of npm run render)');
  process.exitCode = 2;
} else {
  const rendered = parseYamlStream(fs.readFileSync(file, 'utf8'));
  process.stdout.write(toYamlStream(observedSamples(rendered.slice(1))));
}
