import * as path from 'node:path';
import { replaceDirectory } from './atomic-dir';
import type { EnvironmentConfig } from '../charts/config/types';
import { placeholderWarnings } from '../charts/config/validate';
import { synthesize } from './synth';

/**
 * What `npm run synth` does, as a function: synthesize into outDir, report, and return the exit
 * code. `npx cdk8s synth` empties its own output folder first and expects the app to fill it
 * (CDK8S_OUTDIR); it gets a copy, while dist/ (which Argo CD watches) is only replaced atomically.
 */
export async function runSynth(
  environments: readonly EnvironmentConfig[],
  outDir: string,
  cdk8sOutDir = process.env.CDK8S_OUTDIR,
): Promise<number> {
  try {
    const { files, objectCount } = await synthesize({ environments, outDir });
    for (const warning of placeholderWarnings(environments)) console.warn(`warning: ${warning}`);
    if (cdk8sOutDir) replaceDirectory(cdk8sOutDir, files);
    const suffixes = environments.map((e) => e.environmentSuffix).join(', ');
    console.log(
      `${path.relative(process.cwd(), outDir) || '.'}/: ${objectCount} objects in ${files.size} files for environments ${suffixes}`,
    );
    return 0;
  } catch (error) {
    console.error(`synth failed, ${outDir} left unchanged:\n${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
