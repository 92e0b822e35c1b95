import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runSynth } from '../../synth/cli';
import { ENVIRONMENTS } from '../../charts/config/environments';
import { ConfigError } from '../../charts/config/validate';
import { renderFiles, synthesize } from '../../synth/synth';
import { devWith } from '../support/env-fixture';

const REPO = path.resolve(__dirname, '..', '..');

/** Every file under dir with its bytes, for "left exactly as it was" comparisons. */
function snapshotTree(dir: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else tree[rel] = fs.readFileSync(path.join(dir, rel), 'utf8');
    }
  };
  walk('');
  return tree;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'payments-dr-synth-'));
}

describe('synth output', () => {
  let files: ReadonlyMap<string, string>;
  let objects: { file: string; object: any }[];
  beforeAll(async () => {
    files = (await renderFiles(ENVIRONMENTS)).files;
    objects = [...files].flatMap(([file, text]) => parseAllDocuments(text).map((doc) => ({ file, object: doc.toJS() })));
  });

  test('writes exactly these files, one folder per deployable unit: platform, each environment (global, regional units), argocd', () => {
    // as a set: the order charts are built in is not a contract (Argo CD sync waves order what is applied)
    expect([...files.keys()].sort()).toEqual(
      [
        'platform/namespace.yaml',
        'platform/paymentregion-api.yaml',
        'platform/paymentglobal-api.yaml',
        'platform/provider-runtime.yaml',
        'platform/providers.yaml',
        'platform/functions.yaml',
        'platform/providerconfig.yaml',
        'platform/operators-rbac.yaml',
        ...ENVIRONMENTS.flatMap(({ environmentSuffix: env }) => [
          `${env}/global/paymentglobal.yaml`,
          `${env}/use1/paymentregion.yaml`,
          `${env}/use1/function-artifacts.yaml`,
          `${env}/usw2/paymentregion.yaml`,
          `${env}/usw2/function-artifacts.yaml`,
        ]),
        'argocd/appproject.yaml',
        'argocd/applications.yaml',
        'argocd/bootstrap.yaml',
        'argocd/argocd-cm-health.yaml',
      ].sort(),
    );
    for (const file of files.keys()) expect(file).toMatch(/^(platform|argocd|[a-z0-9]+\/(global|use1|usw2))\/[a-z0-9-]+\.yaml$/);
  });

  test('the claim namespace is named payments-dr, without a hash suffix', () => {
    const namespace = objects.find((o) => o.object.kind === 'Namespace');
    expect(namespace?.object.metadata.name).toBe('payments-dr');
  });

  test("every object carries the project label set (except the argocd-cm patch, which keeps Argo CD's own labels)", () => {
    for (const { object } of objects.filter(({ file }) => file !== 'argocd/argocd-cm-health.yaml')) {
      expect(object.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': 'payments-dr',
        'app.kubernetes.io/managed-by': 'cdk8s',
        'payments-dr.io/component': expect.any(String),
      });
    }
  });

  test('two runs produce byte-identical output', async () => {
    expect((await renderFiles(ENVIRONMENTS)).files).toEqual(files);
  });
});

describe('atomic replace of the output directory', () => {
  test('a valid synth replaces the directory completely (stale files disappear)', async () => {
    const out = tempDir();
    fs.writeFileSync(path.join(out, 'stale.yaml'), 'old');
    await synthesize({ environments: ENVIRONMENTS, outDir: out });
    expect(Object.keys(snapshotTree(out)).sort()).toEqual([...(await renderFiles(ENVIRONMENTS)).files.keys()].sort());
  });

  test('a bad value leaves the directory exactly as it was and names environment, field, value and rule', async () => {
    const out = tempDir();
    fs.mkdirSync(path.join(out, 'platform'));
    fs.writeFileSync(path.join(out, 'platform', 'platform.yaml'), 'previous content');
    const before = snapshotTree(out);
    await expect(synthesize({ environments: [devWith({ 'regions.use1.vpcCidr': '10.10.0.0/33' })], outDir: out })).rejects.toThrow(
      /environment "dev": regions\.use1\.vpcCidr = "10\.10\.0\.0\/33": prefix length must be 0-32/,
    );
    await expect(synthesize({ environments: [devWith({ 'healthCheck.failureThreshold': 11 })], outDir: out })).rejects.toThrow(ConfigError);
    expect(snapshotTree(out)).toEqual(before);
    expect(fs.readdirSync(path.dirname(out)).filter((name) => name.startsWith(`${path.basename(out)}.`))).toEqual([]);
  });

  test('runSynth returns exit code 1 and reports on stderr when config is invalid', async () => {
    const out = tempDir();
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((message: string) => errors.push(message));
    try {
      expect(await runSynth([devWith({ alertEmails: ['nope'] })], out, undefined)).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors.join('\n')).toContain('environment "dev": alertEmails[0] = "nope": must be an e-mail address');
    expect(fs.readdirSync(out)).toEqual([]);
  });

  test('the synth process exits non-zero on a bad environment (spawned through tsx)', () => {
    const dir = tempDir();
    const script = path.join(dir, 'bad-synth.ts');
    fs.writeFileSync(
      script,
      `import { runSynth } from ${JSON.stringify(path.join(REPO, 'synth/cli'))};\n` +
        `import { devWith } from ${JSON.stringify(path.join(REPO, 'test/support/env-fixture'))};\n` +
        `runSynth([devWith({ 'healthCheck.failureThreshold': 0 })], ${JSON.stringify(path.join(dir, 'dist'))}, ` +
        `undefined).then((code) => { process.exitCode = code; });\n`,
    );
    const result = spawnSync(path.join(REPO, 'node_modules/.bin/tsx'), [script], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('healthCheck.failureThreshold = 0: must be an integer 1-10');
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });
});

describe('cdk8s CLI', () => {
  test('`npx cdk8s synth` runs the same app: DIST_DIR gets a fresh render, the CLI folder a copy', async () => {
    const dist = path.join(tempDir(), 'dist');
    execFileSync(path.join(REPO, 'node_modules/.bin/cdk8s'), ['synth', '--no-check-upgrade'], {
      cwd: REPO,
      stdio: 'pipe',
      env: { ...process.env, DIST_DIR: dist },
    });
    const expected = Object.fromEntries((await renderFiles(ENVIRONMENTS)).files);
    expect(snapshotTree(dist)).toEqual(expected);
    expect(snapshotTree(path.join(REPO, '.build', 'cdk8s.out'))).toEqual(expected);
  });
});
