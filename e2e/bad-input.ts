/**
 * Bad input: claims with an invalid spec, applied the way Argo CD applies (server-side), must be
 * refused by the real API server (schema and CEL rules generated from the XRD) with a message
 * that says what is wrong. Two variants of the first region claim: a value outside an enum, and
 * a region/suffix pair that breaks the XRD's CEL rule.
 */
import type { Json, Kube } from './kube';
import { isTrue } from './kube';
import { waitFor } from './processes';
import { E2eError, say } from './log';
import type { Platform } from './platform';

export interface BadInputCase {
  readonly change: string;
  readonly refused: boolean;
  readonly message: string;
}

export async function checkBadInput(kube: Kube, platform: Platform): Promise<BadInputCase[]> {
  const claim = platform.units.flatMap((u) => u.manifests).find((o) => o.kind === 'PaymentRegion');
  if (!claim) throw new E2eError('dist/ holds no PaymentRegion claim to derive the bad-input cases from');
  const variants: Array<[string, (spec: Json) => void, RegExp]> = [
    [
      'spec.failoverRole: TERTIARY (enum PRIMARY|SECONDARY)',
      (s) => (s.failoverRole = 'TERTIARY'),
      /failoverRole: Unsupported value: "TERTIARY"/,
    ],
    [
      `spec.regionSuffix: ${claim.spec.regionSuffix === 'use1' ? 'usw2' : 'use1'} with spec.region: ${claim.spec.region} (CEL rule)`,
      (s) => (s.regionSuffix = s.regionSuffix === 'use1' ? 'usw2' : 'use1'),
      /regionSuffix must be use1 for us-east-1/,
    ],
  ];
  // The claim's API exists once Crossplane has Offered it (the XRD's claim CRD is served).
  const xrd = platform.units
    .flatMap((u) => u.manifests)
    .find((o) => o.kind === 'CompositeResourceDefinition' && o.spec.claimNames?.kind === claim.kind);
  await waitFor(`XRD ${xrd?.metadata.name} to be Offered`, 120_000, async () =>
    isTrue(await kube.get(`/apis/apiextensions.crossplane.io/v1/compositeresourcedefinitions/${xrd?.metadata.name}`), 'Offered'),
  );
  const cases: BadInputCase[] = [];
  for (const [change, mutate, expected] of variants) {
    const bad = structuredClone(claim);
    bad.metadata.name = 'paymentregion-invalid-e2e';
    delete bad.metadata.annotations;
    mutate(bad.spec);
    const result = await kube.kubectl(['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'], JSON.stringify(bad));
    const message = (result.stderr || result.stdout).trim();
    if (result.code === 0) {
      await kube.kubectl(['delete', bad.kind, bad.metadata.name, '-n', bad.metadata.namespace, '--wait=false']);
      throw new E2eError(`the API server ACCEPTED an invalid claim (${change})`);
    }
    if (!expected.test(message))
      throw new E2eError(`the invalid claim (${change}) was refused, but not for the expected reason: ${message}`);
    say(`bad input refused (${change}): ${message}`);
    cases.push({ change, refused: true, message });
  }
  return cases;
}
