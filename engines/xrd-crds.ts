/**
 * The CRDs Crossplane generates from an XRD, made by the real code: `crossplane xrd convert`
 * (CLI v2.5.0, crossplane-runtime v2.3.3 pkg/xcrd — the same module version core v2.3.4's XRD
 * controller links). A legacy XRD with claimNames gives two CRDs (XR and claim).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toolPath } from './tools';
import { parseYamlStream, toEngineStream, type Json } from './yaml';

export class XrdConvertFailed extends Error {}

export async function crdsOfXrd(xrd: Json, workDir: string): Promise<Json[]> {
  const cli = toolPath('crossplane-cli');
  fs.mkdirSync(workDir, { recursive: true });
  const file = path.join(workDir, `xrd-${String(xrd.metadata?.name ?? 'unnamed').replace(/[^a-z0-9.-]/gi, '_')}-${process.pid}.yaml`);
  fs.writeFileSync(file, toEngineStream([xrd]));
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(cli, ['xrd', 'convert', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
      const exit = error ? (typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1) : 0;
      resolve({ code: exit, stdout: out, stderr: err || (error?.message ?? '') });
    });
  });
  if (code !== 0) throw new XrdConvertFailed(stderr.trim().split('\n').pop() ?? `crossplane xrd convert exited ${code}`);
  return parseYamlStream(stdout).filter((doc) => doc.kind === 'CustomResourceDefinition');
}
