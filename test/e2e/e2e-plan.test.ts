/**
 * The e2e's plan, checked without starting anything: what it reads from dist/ (units in Argo CD's
 * order, the functions and managed kinds it must provide), that its what-if fills every optional
 * slot the Compositions gate with `policy.fromFieldPath: Required`, and that a taken port is one
 * clear error. The e2e itself (`npm run e2e`) needs the built engines and takes minutes.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { crdDir, REPO_ROOT } from '../../engines/crds';
import { claimsOf } from '../../e2e/claims';
import { E2eError } from '../../e2e/log';
import { groupOf, readPlatform, type Platform } from '../../e2e/platform';
import { allocatePorts } from '../../e2e/ports';
import { unmatchedSelectors } from '../../e2e/references';
import { fillOptionalSlots } from '../../e2e/what-if';

type Json = Record<string, any>;

/** RFC 7386 merge patch. */
function merge(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(patch)) out[k] = v && typeof v === 'object' && !Array.isArray(v) ? merge(target[k] ?? {}, v) : v;
  return out;
}

function valueAt(obj: unknown, fieldPath: string): unknown {
  let cur: any = obj;
  for (const raw of fieldPath.match(/[^.[\]]+|\[[^\]]*\]/g) ?? []) cur = cur?.[raw.startsWith('[') ? raw.slice(1, -1) : raw];
  return cur;
}

describe('npm run e2e: its plan from dist/', () => {
  let platform: Platform;
  beforeAll(() => {
    platform = readPlatform(REPO_ROOT, path.join(REPO_ROOT, 'dist'));
  });

  test("units come in the root Application's wave order: the platform, then the regions, then the global units", () => {
    const waves = platform.units.map((u) => u.wave);
    expect(waves).toEqual([...waves].sort((a, b) => a - b));
    expect(platform.units[0].folder).toBe('dist/platform');
    const claimKinds = platform.units
      .slice(1)
      .map((u) => u.manifests.filter((o) => groupOf(o.apiVersion) === 'payments-dr.io').map((o) => o.kind));
    const firstGlobal = claimKinds.findIndex((kinds) => kinds.includes('PaymentGlobal'));
    expect(claimKinds.slice(0, firstGlobal).every((kinds) => kinds.every((k) => k === 'PaymentRegion'))).toBe(true);
  });

  test('the functions the Compositions call are the Functions the platform installs, and every managed kind has a vendored CRD', () => {
    const refs = new Set(
      platform.units
        .flatMap((u) => u.manifests)
        .filter((o) => o.kind === 'Composition')
        .flatMap((c) => c.spec.pipeline.map((s: Json) => s.functionRef.name)),
    );
    expect([...refs].sort()).toEqual(platform.functions.map((f) => f.name).sort());
    const vendored = new Set(fs.readdirSync(path.join(crdDir(), 'provider-aws')).map((f) => f.split('_')[0]));
    for (const { apiVersion } of platform.managedKinds) expect(vendored).toContain(apiVersion.split('/')[0]);
  });

  test('the what-if fills every list slot a Composition gates with a Required patch from spec', () => {
    // List slots only: a gated scalar (e.g. a secret's evenVersion, exclusive with oddVersion by
    // the XRD's CEL rule) cannot be filled; the e2e reports such a claim as never Ready.
    const compositions = platform.units.flatMap((u) => u.manifests).filter((o) => o.kind === 'Composition');
    for (const claim of claimsOf(platform)) {
      const composition = compositions.find((c) => c.spec.compositeTypeRef.kind === `X${claim.kind}`)!;
      const required = composition.spec.pipeline
        .flatMap((s: Json) => s.input?.resources ?? [])
        .flatMap((r: Json) => r.patches ?? [])
        .filter((p: Json) => p.policy?.fromFieldPath === 'Required')
        .flatMap((p: Json) => (p.fromFieldPath ? [p.fromFieldPath] : p.combine.variables.map((v: Json) => v.fromFieldPath)))
        .filter((fieldPath: string) => fieldPath.startsWith('spec.') && /\[\d+\]/.test(fieldPath));
      const filled = merge(claim.manifest, fillOptionalSlots(platform, claim) ?? {});
      expect(required.filter((fieldPath: string) => valueAt(filled, fieldPath) === undefined)).toEqual([]);
    }
  });

  test('a port that is taken is one clear error naming its component', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as net.AddressInfo).port;
    try {
      // kube-apiserver is the third port from the base (the two before it are normally free).
      await expect(allocatePorts(port - 2)).rejects.toThrow(E2eError);
      await expect(allocatePorts(port - 2)).rejects.toThrow(
        /^port \d+ \((etcd|etcd-peer|kube-apiserver)\) is already in use: stop whatever listens there/,
      );
    } finally {
      busy.close();
    }
  });

  test('a selector is unmatched when no other managed resource has its labels (and, for matchControllerRef, the same controller)', () => {
    const mr = (uid: string, labels: Json, owner: string, forProvider: Json = {}): Json => ({
      kind: 'X',
      metadata: { name: uid, uid, labels, ownerReferences: [{ controller: true, uid: owner }] },
      spec: { forProvider },
    });
    const vpc = mr('vpc', { zone: 'a' }, 'xr1');
    const subnet = mr('subnet', {}, 'xr1', {
      vpcIdSelector: { matchControllerRef: true },
      routes: [{ gatewayIdSelector: { matchLabels: { zone: 'b' } } }],
    });
    const other = mr('other', {}, 'xr2', { vpcIdSelector: { matchControllerRef: true, matchLabels: { zone: 'a' } } });
    expect(
      unmatchedSelectors([subnet, other], [vpc, subnet, other])
        .map((p) => `${p.resource} ${p.field}`)
        .sort(),
    ).toEqual(['X/other spec.forProvider.vpcIdSelector', 'X/subnet spec.forProvider.routes[0].gatewayIdSelector']);
  });
});
