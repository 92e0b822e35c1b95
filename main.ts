import * as path from 'node:path';
import { runSynth } from './synth/cli';
import { ENVIRONMENTS } from './charts/config/environments';

/** DIST_DIR redirects the output (tests use it so they never touch the committed dist/). */
const outDir = process.env.DIST_DIR ? path.resolve(process.env.DIST_DIR) : path.resolve(__dirname, 'dist');
runSynth(ENVIRONMENTS, outDir).then((code) => {
  process.exitCode = code;
});
