/**
 * `npm test` step: the committed dist/ must equal a fresh synth (Argo CD deploys what is committed,
 * so a stale dist/ would deploy something other than the source says). Renders to memory only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENVIRONMENTS } from '../charts/config/environments';
import { renderFiles } from '../synth/synth';

function listFiles(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
    );
}

async function main(): Promise<void> {
  const distDir = path.resolve(__dirname, '..', 'dist');
  const expected = (await renderFiles(ENVIRONMENTS)).files;
  const actual = new Set(listFiles(distDir));
  const problems: string[] = [];
  for (const [file, content] of expected) {
    if (!actual.has(file)) problems.push(`missing: dist/${file}`);
    else if (fs.readFileSync(path.join(distDir, file), 'utf8') !== content) problems.push(`differs: dist/${file}`);
  }
  for (const file of actual) if (!expected.has(file)) problems.push(`not produced by synth: dist/${file}`);
  if (problems.length) {
    console.error(`dist/ is not up to date with the source — run \`npm run synth\` and commit dist/:\n  ${problems.join('\n  ')}`);
    process.exitCode = 1;
  } else {
    console.log(`dist/ is up to date (${expected.size} files)`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
