import * as path from 'path';
import { replaceDirectory } from './charts/atomic-dir';
import { ENVIRONMENTS } from './charts/config/environments';
import { synthesize } from './charts/synth';

const outDir = path.resolve(__dirname, 'dist');
try {
  const { files, objectCount } = synthesize({ environments: ENVIRONMENTS, outDir });
  // `npx cdk8s synth` empties its own output folder first and expects the app to fill it; it gets a
  // copy, while dist/ (which Argo CD watches) is only ever replaced atomically.
  if (process.env.CDK8S_OUTDIR) replaceDirectory(process.env.CDK8S_OUTDIR, files);
  console.log(`dist/: ${objectCount} objects in ${files.size} files for environments ${ENVIRONMENTS.map((e) => e.environmentSuffix).join(', ')}`);
} catch (error) {
  console.error(`synth failed, dist/ left unchanged:\n${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
