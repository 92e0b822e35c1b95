/**
 * `npm run render -- <xr-or-claim.yaml> <composition.yaml> [--observed-resources <file>]`, run the way
 * a user runs it (tsx on scripts/render.ts) from a directory outside the repository. Docs: the
 * patch-and-transform README "Test P&T locally using the Crossplane CLI" (what render prints).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseYamlStream, toYamlStream } from '../../scripts/render/index';
import { CLAIM_TYPE, composition, vpc } from './fixtures';

const REPO = path.resolve(__dirname, '..', '..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const CLI = path.join(REPO, 'scripts', 'render.ts');

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
    toYamlStream([{ apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'VPC', metadata: { name: 'payments-vpc', annotations: { 'crossplane.io/composition-resource-name': 'vpc' } }, status: { atProvider: { id: 'vpc-1' } } }]),
  );
  fs.writeFileSync(path.join(dir, 'mars.yaml'), toYamlStream([{ ...CLAIM_TYPE, metadata: { name: 'm', namespace: 'n' }, spec: { region: 'mars' } }]));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function render(...args: string[]) {
  const run = spawnSync(TSX, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run render', () => {
  test('patch-and-transform README "Test P&T locally": prints the XR first, then the composed resources, as a YAML stream', () => {
    const { status, stdout, stderr } = render('a.yaml', 'b.yaml');
    expect(status).toBe(0);
    const [xr, ...resources] = parseYamlStream(stdout);
    expect(xr).toMatchObject({ kind: 'XNetwork', metadata: { name: 'payments', labels: { 'crossplane.io/claim-name': 'payments' } } });
    expect(resources).toHaveLength(1);
    expect(resources[0]).toMatchObject({
      kind: 'VPC',
      metadata: { name: 'payments-vpc', annotations: { 'crossplane.io/composition-resource-name': 'vpc' } },
      spec: { forProvider: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' } },
    });
    expect(stderr).toContain('warning: not rendering composed resource "subnet"');
  });

  test('patch-and-transform docs "Patching between resources": --observed-resources feeds status through the XR', () => {
    const { status, stdout } = render('a.yaml', 'b.yaml', '--observed-resources', 'observed.yaml');
    expect(status).toBe(0);
    const [xr, , subnet] = parseYamlStream(stdout);
    expect(xr.status).toEqual({ vpcId: 'vpc-1' });
    expect(subnet).toMatchObject({ metadata: { name: 'payments-subnet' }, spec: { forProvider: { vpcId: 'vpc-1' } } });
  });

  test('patch-and-transform docs "Map transforms": a missing key fails the render with exit code 1 and a message naming the patch', () => {
    const { status, stdout, stderr } = render('mars.yaml', 'b.yaml');
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('error: cannot render composed resource "vpc": "FromCompositeFieldPath" patch at index 0: transform at index 0 (map): key "mars" is not found in map');
  });

  test('usage errors exit with code 2', () => {
    expect(render('a.yaml').status).toBe(2);
  });
});
