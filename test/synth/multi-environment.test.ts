/**
 * Adding an environment as the README says (test/support/environments.ts: staging beside dev)
 * keeps every whole-output check green: folders, Argo CD units, claims that render and validate,
 * every conformance check, and the failover timeline.
 */
import { stringify } from 'yaml';
import { ARGOCD_UNIT, DIST_PATH } from '../../argocd/charts';
import { drReport } from '../../conformance/dr-report';
import { runChecks } from '../../conformance/index';
import { modelFromDocuments } from '../../conformance/model';
import { type RenderedEnvironments, renderEnvironments } from '../support/rendered';
import { WITH_STAGING } from '../support/environments';

let both: RenderedEnvironments;
beforeAll(async () => {
  both = await renderEnvironments(WITH_STAGING);
});

const SUFFIXES = WITH_STAGING.map((e) => e.environmentSuffix);

test('each environment gets its three units, and Argo CD one Application per unit', () => {
  const folders = new Set(both.objects.map((o) => o.file.split('/').slice(1, -1).join('/')));
  const applications = both.objects.filter((o) => o.file === `dist/${ARGOCD_UNIT}/applications.yaml`).map((o) => o.doc.spec.source.path);
  for (const env of SUFFIXES) {
    for (const unit of ['global', 'use1', 'usw2']) {
      expect(folders).toContain(`${env}/${unit}`);
      expect(applications).toContain(`${DIST_PATH}/${env}/${unit}`);
    }
  }
});

test('every claim of both environments renders, and the claims and what they compose validate', () => {
  expect(both.problems).toEqual([]);
  expect(both.rendered.map((r) => r.file).sort()).toEqual(
    SUFFIXES.flatMap((env) =>
      ['global/paymentglobal', 'use1/paymentregion', 'usw2/paymentregion'].map((f) => `dist/${env}/${f}.yaml`),
    ).sort(),
  );
  const staging = both.rendered.filter((r) => r.file.startsWith('dist/staging/')).flatMap((r) => r.resources);
  const dev = both.rendered.filter((r) => r.file.startsWith('dist/dev/')).flatMap((r) => r.resources);
  // staging has dev's shape, so it composes exactly what dev does: 50 global + 98 use1 + 92 usw2.
  expect([staging.length, dev.length]).toEqual([50 + 98 + 92, 50 + 98 + 92]);
  expect(staging.map((r) => `${r.kind} ${r.metadata.name.replace(/staging/g, 'ENV')}`).sort()).toEqual(
    dev.map((r) => `${r.kind} ${r.metadata.name.replace(/dev/g, 'ENV')}`).sort(),
  );
  for (const resource of staging)
    expect(resource.metadata.name).toMatch(/-(use1|usw2)-staging$|^examplepay-artifacts-(use1|usw2)-staging$/);
});

test('every conformance check passes for both environments, and each gets its failover timeline', () => {
  const model = modelFromDocuments(
    both.objects,
    both.objects.map((o) => ({ file: o.file, text: stringify(o.doc) })),
  );
  expect(model.environments.map((e) => e.environment).sort()).toEqual([...SUFFIXES].sort());
  const failing = runChecks(model).filter((r) => r.findings.length);
  expect(failing.map((r) => `${r.check.id}: ${r.findings.map((f) => f.message).join('; ')}`)).toEqual([]);
  expect(drReport(model).map((r) => [r.environment, r.clientSwitchSeconds])).toEqual(SUFFIXES.map((env) => [env, 150]));
});
