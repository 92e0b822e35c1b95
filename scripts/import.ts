/**
 * Regenerates imports/ from the vendored CRDs: one TypeScript module per API group.
 * `cdk8s import` writes one module per group, so every group's CRDs are first concatenated
 * into one YAML stream (importing file by file would overwrite the module each time).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT, crdDir, loadCrdFiles } from './lib/crds';

/** Groups whose kinds shadow TypeScript globals (`Object`, `Record`). */
const CLASS_PREFIXES: Record<string, string> = {
  's3.aws.upbound.io': 'S3',
  'route53.aws.upbound.io': 'Route53',
};

function main(): void {
  const source = crdDir();
  const byGroup = new Map<string, string[]>();
  for (const { file } of loadCrdFiles(source)) {
    const group = path.basename(file).split('_')[0];
    const files = byGroup.get(group) ?? [];
    if (!files.includes(file)) files.push(file);
    byGroup.set(group, files);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payments-dr-import-'));
  const out = path.join(work, 'out');
  const cli = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk8s');
  try {
    for (const [group, files] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
      const stream = path.join(work, `${group}.yaml`);
      fs.writeFileSync(stream, files.map((f) => fs.readFileSync(f, 'utf8')).join('\n---\n'));
      const prefix = CLASS_PREFIXES[group];
      const args = ['import', '--no-check-upgrade', '--language', 'typescript', '--output', out];
      if (prefix) args.push('--class-prefix', prefix);
      execFileSync(cli, [...args, stream], { stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const target = path.join(REPO_ROOT, 'imports');
    for (const entry of fs.readdirSync(target)) {
      if (entry.endsWith('.ts')) fs.rmSync(path.join(target, entry));
    }
    for (const entry of fs.readdirSync(out).sort()) fs.copyFileSync(path.join(out, entry), path.join(target, entry));
    console.log(`imports/: ${byGroup.size} API groups from ${source}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
