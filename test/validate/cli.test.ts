import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { vpc } from './fixtures';

const REPO = path.resolve(__dirname, '..', '..');

function runValidate(target: string) {
  const result = spawnSync('npx', ['tsx', 'scripts/validate.ts', target], { cwd: REPO, encoding: 'utf8' });
  return { status: result.status, lines: result.stdout.trim().split('\n'), stderr: result.stderr };
}

describe('npm run validate', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-cli-'));
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments-dr' } };
    fs.writeFileSync(path.join(dir, 'good.yaml'), `${stringify(namespace)}---\n${stringify(vpc())}---\n`);
    const bad = vpc();
    bad.metadata.name = 'vpc-usw2-dev';
    bad.spec.forProvider.cidrBlok = bad.spec.forProvider.cidrBlock;
    delete bad.spec.forProvider.cidrBlock;
    fs.mkdirSync(path.join(dir, 'nested'));
    fs.writeFileSync(path.join(dir, 'nested', 'bad.yml'), stringify(bad));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports each problem on one line, then the summary, and exits 1', () => {
    const { status, lines } = runValidate(dir);
    expect(lines).toEqual([
      `${path.join(dir, 'nested', 'bad.yml')} VPC/vpc-usw2-dev spec.forProvider.cidrBlok unknown field "cidrBlok" (did you mean "cidrBlock"?)`,
      '1 objects valid, 1 invalid, 1 built-in, 0 CEL rules skipped (oldSelf)',
    ]);
    expect(status).toBe(1);
  });

  it('accepts a single file and exits 0 when everything is valid', () => {
    const { status, lines } = runValidate(path.join(dir, 'good.yaml'));
    expect(lines).toEqual(['1 objects valid, 0 invalid, 1 built-in, 0 CEL rules skipped (oldSelf)']);
    expect(status).toBe(0);
  });

  it('reports YAML that does not parse as an invalid document', () => {
    const broken = path.join(dir, 'broken.txt.yaml');
    fs.writeFileSync(broken, 'apiVersion: v1\nkind: [ConfigMap\n');
    try {
      const { status, lines } = runValidate(broken);
      expect(lines[0].startsWith(`${broken} <yaml>/document 1 . YAML does not parse: `)).toBe(true);
      expect(lines[1]).toBe('0 objects valid, 1 invalid, 0 built-in, 0 CEL rules skipped (oldSelf)');
      expect(status).toBe(1);
    } finally {
      fs.rmSync(broken);
    }
  });

  it('exits 1 with a message when the target does not exist', () => {
    const { status, stderr } = runValidate(path.join(dir, 'missing'));
    expect(stderr).toContain(`${path.join(dir, 'missing')}: no such file or directory`);
    expect(status).toBe(1);
  });
});
