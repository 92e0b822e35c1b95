/**
 * Regenerates imports/ from the vendored CRDs: one TypeScript module per API group.
 * `cdk8s import` writes one module per group, so every group's CRDs are first concatenated
 * into one YAML stream (importing file by file would overwrite the module each time).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, checksumMismatches, crdDir, loadCrdFiles } from '../engines/crds';

/** Groups whose kinds shadow TypeScript globals (`Object`, `Record`). */
const CLASS_PREFIXES: Record<string, string> = {
  's3.aws.upbound.io': 'S3',
  'route53.aws.upbound.io': 'Route53',
};

async function main(): Promise<void> {
  const source = crdDir();
  const mismatches = checksumMismatches(source);
  if (mismatches.length)
    throw new Error(`refusing to import: the vendored CRDs do not match their SHA256SUMS:\n  ${mismatches.join('\n  ')}`);
  const byGroup = new Map<string, string[]>();
  for (const { file, crd } of loadCrdFiles(source)) {
    const group = crd.spec.group;
    const files = byGroup.get(group) ?? [];
    if (!files.includes(file)) files.push(file);
    byGroup.set(group, files);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'payments-dr-import-'));
  const out = path.join(work, 'out');
  const cli = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk8s');
  try {
    const jobs = [...byGroup]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([group, files]) => () => {
        const stream = path.join(work, `${group}.yaml`);
        fs.writeFileSync(stream, files.map((f) => fs.readFileSync(f, 'utf8')).join('\n---\n'));
        const prefix = CLASS_PREFIXES[group];
        const args = ['import', '--no-check-upgrade', '--language', 'typescript', '--output', out];
        if (prefix) args.push('--class-prefix', prefix);
        // cwd: the scratch folder, because `cdk8s import` records every import in ./cdk8s.yaml.
        return promisify(execFile)(cli, [...args, stream], { cwd: work });
      });
    await runWithConcurrency(jobs, Math.max(1, os.cpus().length));
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

/** Runs the jobs, at most `limit` at a time (cdk8s import is CPU-bound; one per core). */
async function runWithConcurrency(jobs: ReadonlyArray<() => Promise<unknown>>, limit: number): Promise<void> {
  const queue = [...jobs];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
