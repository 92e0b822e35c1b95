import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checksumMismatches, crdDir, loadCrdFiles } from '../../engines/crds';

describe('vendored CRDs', () => {
  test('match their SHA256SUMS', () => {
    expect(checksumMismatches()).toEqual([]);
  });

  test('a modified file is reported with both hashes', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'payments-dr-crds-'));
    fs.cpSync(path.join(crdDir(), 'function-patch-and-transform'), path.join(copy, 'function-patch-and-transform'), { recursive: true });
    const file = path.join(copy, 'function-patch-and-transform', 'pt.fn.crossplane.io_resources.yaml');
    fs.chmodSync(file, 0o644);
    fs.appendFileSync(file, '\n# edited\n');
    expect(checksumMismatches(copy)).toEqual([
      expect.stringMatching(/pt\.fn\.crossplane\.io_resources\.yaml: sha256 [0-9a-f]{64} does not match SHA256SUMS [0-9a-f]{64}/),
    ]);
  });

  test('imports/ holds one module per API group exporting a class for every kind of the group', () => {
    const prefixes: Record<string, string> = { 's3.aws.upbound.io': 'S3', 'route53.aws.upbound.io': 'Route53' };
    for (const { crd } of loadCrdFiles()) {
      const module = fs.readFileSync(path.join(__dirname, '..', '..', 'imports', `${crd.spec.group}.ts`), 'utf8');
      expect(module).toMatch(new RegExp(`export class ${prefixes[crd.spec.group] ?? ''}${crd.spec.names.kind} extends ApiObject`, 'i'));
    }
  });

  test('every composed AWS kind has a storage version the imports are generated from', () => {
    const aws = loadCrdFiles().filter(({ crd }) => crd.spec.group.endsWith('aws.upbound.io'));
    // the 88 CRDs of provider-aws v2.6.0's vendored kinds (../shared/crds/provider-aws)
    expect(aws).toHaveLength(88);
    for (const { crd } of aws) expect(crd.spec.versions.filter((v) => v.storage)).toHaveLength(1);
  });
});
