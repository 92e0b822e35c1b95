/**
 * `npm run render -- <xr-or-claim.yaml> <composition.yaml> [--observed-resources <file>]`, run the way
 * a user runs it (tsx on cli/render.ts) from a directory outside the repository: the real
 * `crossplane composition render` with both functions on loopback.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TSX, npmScriptEntry } from '../../support/npm-scripts';
import { parseYamlStream, toYamlStream } from '../../../engines/yaml';
import { CLAIM_TYPE, composition, vpc } from '../../support/render-fixtures';

const CLI = npmScriptEntry('render');

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'render-cli-'));
  const claim = { ...CLAIM_TYPE, metadata: { name: 'payments', namespace: 'payments-dr' }, spec: { region: 'us', cidr: '10.0.0.0/16' } };
  const regionMap = { type: 'map', map: { us: 'us-east-1' } };
  fs.writeFileSync(path.join(dir, 'a.yaml'), toYamlStream([claim]));
  fs.writeFileSync(
    path.join(dir, 'b.yaml'),
    toYamlStream([
      composition([
        vpc([
          { fromFieldPath: 'spec.region', toFieldPath: 'spec.forProvider.region', transforms: [regionMap] },
          { fromFieldPath: 'spec.cidr', toFieldPath: 'spec.forProvider.cidrBlock' },
          { type: 'ToCompositeFieldPath', fromFieldPath: 'status.atProvider.id', toFieldPath: 'status.vpcId' },
        ]),
        vpc([{ fromFieldPath: 'status.vpcId', toFieldPath: 'spec.forProvider.vpcId', policy: { fromFieldPath: 'Required' } }], 'subnet'),
      ]),
    ]),
  );
  fs.writeFileSync(
    path.join(dir, 'observed.yaml'),
    toYamlStream([
      {
        apiVersion: 'ec2.aws.upbound.io/v1beta1',
        kind: 'VPC',
        metadata: { name: 'payments-vpc', annotations: { 'crossplane.io/composition-resource-name': 'vpc' } },
        status: { atProvider: { id: 'vpc-1' } },
      },
    ]),
  );
  fs.writeFileSync(
    path.join(dir, 'mars.yaml'),
    toYamlStream([{ ...CLAIM_TYPE, metadata: { name: 'm', namespace: 'n' }, spec: { region: 'mars' } }]),
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function render(args: string[], env: NodeJS.ProcessEnv = {}) {
  // npm sets INIT_CWD to where the user typed the command; paths are resolved from there.
  const run = spawnSync(process.execPath, [TSX, CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, INIT_CWD: dir, ...env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run render', () => {
  test('prints the XR first, then the composed resources, as a YAML stream; function warnings go to stderr', () => {
    const { status, stdout, stderr } = render(['a.yaml', 'b.yaml']);
    expect(stderr).toContain('warning: Pipeline step "patch-and-transform": not adding new composed resource "subnet"');
    expect(status).toBe(0);
    const [xr, ...resources] = parseYamlStream(stdout);
    expect(xr).toMatchObject({
      kind: 'XNetwork',
      metadata: { name: expect.stringMatching(/^payments-.{5}$/), labels: { 'crossplane.io/claim-name': 'payments' } },
    });
    expect(resources).toHaveLength(1);
    expect(resources[0]).toMatchObject({
      kind: 'VPC',
      metadata: { annotations: { 'crossplane.io/composition-resource-name': 'vpc' } },
      spec: { forProvider: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' } },
    });
  });

  test('--observed-resources: the observed status reaches the XR and, one reconcile later, the dependent resource', () => {
    const { status, stdout } = render(['a.yaml', 'b.yaml', '--observed-resources', 'observed.yaml']);
    expect(status).toBe(0);
    const [xr, ...resources] = parseYamlStream(stdout);
    expect(xr.status).toMatchObject({ vpcId: 'vpc-1' });
    expect(resources.find((r) => r.metadata.annotations['crossplane.io/composition-resource-name'] === 'subnet')).toMatchObject({
      spec: { forProvider: { vpcId: 'vpc-1' } },
    });
  });

  test("a failing pipeline step exits 1 with the engine's own error text and prints nothing", () => {
    const { status, stdout, stderr } = render(['mars.yaml', 'b.yaml']);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/crossplane: error: .*patch-and-transform/);
  });

  test('usage errors exit 64 with the usage; --help exits 0', () => {
    const usage = render(['a.yaml']);
    expect(usage.status).toBe(64);
    expect(usage.stderr).toContain('usage: npm run render --');
    expect(render(['--frobnicate']).status).toBe(64);
    const help = render(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--observed-resources');
  });

  test('an engine that is not built is one line naming the tool and the next step, exit 69', () => {
    const { status, stderr } = render(['a.yaml', 'b.yaml'], { PAYMENTS_DR_TOOLS: path.join(dir, 'no-tools') });
    expect(status).toBe(69);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^render: crossplane-cli: v\S+ is not built \(.*\); run scripts\/build-tools.sh crossplane-cli$/m);
  });
});
