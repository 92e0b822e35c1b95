/** `npm run validate [-- <file or dir> ...]` run the way a user runs it: one line per object, the real engines. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO, TSX, npmScriptEntry } from '../../support/npm-scripts';
import { stringify } from 'yaml';
import { vpc } from '../../support/validate-fixtures';

function runValidate(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [TSX, npmScriptEntry('validate'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { status: result.status, lines: result.stdout.trim().split('\n'), stderr: result.stderr };
}

describe('npm run validate', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-cli-'));
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments-dr' } };
    fs.writeFileSync(path.join(dir, 'good.yaml'), `${stringify(namespace)}---\n${stringify(vpc())}`);
    const bad = vpc();
    bad.metadata.name = 'vpc-usw2-dev';
    bad.spec.forProvider.cidrBlok = bad.spec.forProvider.cidrBlock;
    delete bad.spec.forProvider.cidrBlock;
    fs.mkdirSync(path.join(dir, 'nested'));
    fs.writeFileSync(path.join(dir, 'nested', 'bad.yml'), stringify(bad));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("one line per object (the failing one with each engine's finding), then the summary; exit 1", () => {
    const { status, lines } = runValidate([dir]);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`ok   ${path.join(dir, 'good.yaml')} Namespace/payments-dr`);
    expect(lines[1]).toBe(`ok   ${path.join(dir, 'good.yaml')} VPC/vpc-use1-dev`);
    expect(lines[2]).toMatch(
      new RegExp(
        `^FAIL ${path.join(dir, 'nested', 'bad.yml')} VPC/vpc-usw2-dev: spec\\.forProvider\\.cidrBlok .*unknown ` +
          `field.*\\[crossplane resource validate\\]; .*field not declared in schema \\[apiextensions-apiserver\\]$`,
      ),
    );
    expect(lines[3]).toMatch(
      /^2 of 3 objects valid \(3 documents; 0 composed resources and XRs of 0 claims\), 1 with problems, in [\d.]+ s$/,
    );
    expect(status).toBe(1);
  });

  test('a single file, everything valid: exit 0; --quiet prints the summary only', () => {
    const { status, lines } = runValidate(['--quiet', path.join(dir, 'good.yaml')]);
    expect(lines).toEqual([expect.stringMatching(/^2 of 2 objects valid /)]);
    expect(status).toBe(0);
  });

  test('YAML that does not parse, and YAML that YAML 1.1 readers (kubectl, Argo CD) read differently', () => {
    const broken = path.join(dir, 'broken.txt.yaml');
    fs.writeFileSync(broken, 'apiVersion: v1\nkind: [ConfigMap\n');
    const norway = path.join(dir, 'norway.yaml');
    fs.writeFileSync(norway, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: payments-dr}\ndata: {mode: OFF}\n');
    try {
      const unparsed = runValidate([broken]);
      expect(unparsed.lines[0]).toMatch(new RegExp(`^FAIL ${broken} <yaml>/document 1: YAML does not parse: `));
      expect(unparsed.status).toBe(1);
      const read11 = runValidate([norway]);
      expect(read11.lines[0]).toMatch(
        new RegExp(
          String.raw`^FAIL .* ConfigMap/flags: data\.mode reads differently in YAML 1\.1 .*"OFF" here, false in YAML 1\.1; ` +
            String.raw`quote the value \[project rules\]; .*cannot unmarshal bool .* \[crossplane resource validate\]$`,
        ),
      );
      expect(read11.status).toBe(1);
    } finally {
      fs.rmSync(broken);
      fs.rmSync(norway);
    }
  });

  test('a target that does not exist: exit 1 with a message; a bad flag: exit 64', () => {
    const { status, stderr } = runValidate([path.join(dir, 'missing')]);
    expect(stderr).toContain(`${path.join(dir, 'missing')}: no such file or directory`);
    expect(status).toBe(1);
    expect(runValidate(['--frobnicate']).status).toBe(64);
  });

  test('an engine that is not built: one line naming it and the next step, exit 69', () => {
    const { status, stderr } = runValidate([path.join(dir, 'good.yaml')], { PAYMENTS_DR_TOOLS: path.join(dir, 'no-tools') });
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^validate: [a-z-]+: v\S+ is not built \(.*\); run scripts\/build-tools\.sh [a-z-]+$/),
    ]);
    expect(status).toBe(69);
  });
});
