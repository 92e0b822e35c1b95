/**
 * The e2e's steps in order, with cleanup on success, failure and interrupt. Each check lives in
 * its own file; this one sequences them and keeps the clock.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArgoStyleSync } from './argocd-sync';
import { checkBadInput } from './bad-input';
import { appliedAtBySync, checkClaims, claimsOf, waitClaimsReady, type Claim, type ClaimTiming } from './claims';
import { ControlPlane, type StepTimes } from './control-plane';
import { checkDeletion } from './deletion';
import { isInside } from './isolation';
import { E2eError, say, seconds } from './log';
import { readPlatform } from './platform';
import type { Ports } from './ports';
import { checkOperatorsRbac } from './rbac';
import { printReport, type WhatIfReport } from './report';
import { NeverReadyDetector } from './readiness';
import { ResourceIndex } from './resources';
import { StandInProvider } from './stand-in-provider';
import { applyWhatIf, fillOptionalSlots } from './what-if';
import type { ToolName, Tools } from './tools';

export interface ScenarioOptions {
  readonly repoRoot: string;
  readonly distDir: string;
  readonly workDir: string;
  readonly logDir: string;
  readonly tools: Tools;
  readonly versions: Readonly<Record<ToolName, string>>;
  readonly ports: Ports;
  readonly crossplaneSource: string;
  readonly keep: boolean;
  readonly hold: boolean;
  readonly debug: boolean;
  readonly restart: boolean;
  readonly timeoutMs: number;
  readonly onInterrupt: (stop: (why: string) => void) => void;
}

export async function runScenario(options: ScenarioOptions): Promise<number> {
  const started = Date.now();
  const platform = readPlatform(options.repoRoot, options.distDir);
  say(`manifests from ${options.distDir}`);
  say(`work folder ${options.workDir}; logs in ${options.logDir}`);
  say(
    `engines: ${Object.entries(options.versions)
      .map(([t, v]) => `${t} ${v}`)
      .join(', ')}`,
  );
  const plane = new ControlPlane({ ...options, functions: platform.functions });
  let provider: StandInProvider | undefined;
  let cleaning: Promise<void> | undefined;

  // Once only: a second signal (npm and tsx relay Ctrl-C as SIGINT and SIGTERM) waits for the first cleanup.
  const cleanup = (ok: boolean): Promise<void> => (cleaning ??= cleanupOnce(ok));
  const cleanupOnce = async (ok: boolean): Promise<void> => {
    await provider?.stop().catch(() => undefined);
    await plane.stop().catch(() => undefined);
    plane.kube.close();
    if (ok && !options.keep) {
      fs.rmSync(options.workDir, { recursive: true, force: true });
      say(`removed ${options.workDir}`);
    } else if (options.keep) {
      say(`kept ${options.workDir} (kubeconfig: ${plane.adminKubeconfig})`);
    } else {
      // Keep the component logs only; certificates, keys and etcd data go.
      for (const entry of fs.readdirSync(options.workDir))
        if (path.join(options.workDir, entry) !== options.logDir)
          fs.rmSync(path.join(options.workDir, entry), { recursive: true, force: true });
      say(`component logs kept in ${options.logDir}`);
    }
  };
  options.onInterrupt((why) => {
    say(`${why}: stopping every process and removing the work folder (the component logs stay)`);
    void cleanup(false).then(() => process.exit(130));
  });

  try {
    // 1. Control plane, cold: empty etcd, everything installed.
    const coldStart = Date.now();
    const coldSteps = await plane.start(true);
    const cold = Date.now() - coldStart;
    say(`control plane up (cold) in ${seconds(cold)}`);

    // 2. The stand-in provider for every managed-resource kind the platform uses.
    const index = await ResourceIndex.load(plane.kube);
    const types = platform.managedKinds.map(({ apiVersion, kind }) => {
      const type = index.find(apiVersion, kind);
      if (!type) throw new E2eError(`the platform uses ${kind} (${apiVersion}), which no vendored provider CRD serves`);
      return type;
    });
    provider = new StandInProvider(plane.kube, types);
    provider.start();
    say(
      `stand-in provider: watching ${types.length} managed-resource kinds (it ` +
        'marks MRs Synced/Ready and fills status.atProvider; no provider-aws runs)',
    );

    // 3. dist/ as Argo CD would sync it.
    const sync = new ArgoStyleSync(plane.kube, platform, plane.supervisor, options.timeoutMs);
    const platformUnits = (u: { folder: string }): boolean => u.folder === 'dist/platform';
    await sync.syncAll(platformUnits);
    const badInput = await checkBadInput(plane.kube, platform);
    const claims = claimsOf(platform);
    await sync.syncAll((u) => !platformUnits(u));
    const never = claims.filter((c) => sync.report.neverHealthy.has(`${c.kind} ${c.namespace}/${c.name}`));
    const readyClaims = claims.filter((c) => !never.includes(c));
    let timings: ClaimTiming[] = (
      await waitClaimsReady(plane.kube, readyClaims, appliedAtBySync(sync.report), options.timeoutMs, plane.supervisor)
    ).timings;

    // 4. Checks on the real API, on what dist/ declares.
    let composed = await checkClaims(plane.kube, claims, () => provider!.all());
    const rbac = await checkOperatorsRbac(plane.kube, platform);
    const distTable = await plane.kube.kubectlOk(['get', 'paymentregions,paymentglobals', '-n', 'payments-dr']);
    let whatIf: WhatIfReport | undefined;

    // 4b. What-if (not dist/): claims that can never be Ready get their optional slots filled,
    //     to show that nothing else keeps them from READY.
    if (never.length) {
      process.stdout.write(`\n$ kubectl get paymentregions,paymentglobals -n payments-dr   # as dist/ declares them\n${distTable}\n`);
      const patchedAt = new Map<Claim, number>();
      for (const claim of never) {
        const patch = fillOptionalSlots(platform, claim);
        if (!patch) continue;
        patchedAt.set(claim, await applyWhatIf(plane.kube, claim, patch));
        say(`WHAT-IF (not dist/): ${claim.kind} ${claim.name} patched with every optional slot filled: ${JSON.stringify(patch)}`);
      }
      const detector = new NeverReadyDetector(plane.kube, () => ResourceIndex.load(plane.kube));
      const result = await waitClaimsReady(
        plane.kube,
        [...patchedAt.keys()],
        (c) => patchedAt.get(c),
        options.timeoutMs,
        plane.supervisor,
        detector,
      );
      result.timings.forEach((t) => say(`WHAT-IF: ${t.claim.kind} ${t.claim.name} READY ${seconds(t.applyToReadyMs)} after the patch`));
      timings = [...timings, ...result.timings];
      composed = await checkClaims(plane.kube, claims, () => provider!.all());
      whatIf = { claims: [...patchedAt.keys()], timings: result.timings, stillNever: result.never };
    }
    const table = await plane.kube.kubectlOk(['get', 'paymentregions,paymentglobals', '-n', 'payments-dr']);

    // 5. Warm start: every process stopped and started again over the same etcd data.
    let warm: StepTimes | undefined;
    let warmMs: number | undefined;
    if (options.restart) {
      const stopStart = Date.now();
      await plane.stop();
      say(`control plane stopped in ${seconds(Date.now() - stopStart)}; starting it again over the same etcd data`);
      const warmStart = Date.now();
      warm = await plane.start(false);
      warmMs = Date.now() - warmStart;
      say(`control plane up again (warm) in ${seconds(warmMs)}`);
      const again = Date.now();
      const stillReady = whatIf ? claims.filter((c) => !whatIf!.stillNever.has(c)) : readyClaims;
      await waitClaimsReady(plane.kube, stillReady, () => undefined, options.timeoutMs, plane.supervisor);
      say(`claims still Synced and Ready after the restart (${seconds(Date.now() - again)})`);
    }

    // 6. Deleting a claim: composed resources go, Usages order it.
    const deletion = await checkDeletion(plane.kube, provider, claims, options.timeoutMs, plane.supervisor);

    const defects = [
      ...sync.report.neverHealthy.values(),
      ...[...(whatIf?.stillNever.values() ?? [])].map((d) => `even with the what-if: ${d}`),
    ];
    // A defect is a failure: the component logs stay.
    await cleanup(defects.length === 0);
    printReport({
      table,
      distTable,
      whatIf,
      never,
      coldSteps,
      cold,
      warm,
      warmMs,
      timings,
      composed,
      rbac,
      badInput,
      deletion,
      sync: sync.report,
      provider,
      totalMs: Date.now() - started,
    });
    if (defects.length) {
      console.error(`[e2e] FAILED: the real Crossplane found ${defects.length} defect(s) in dist/ (everything else passed):`);
      defects.forEach((d) => console.error(`[e2e]   ${d}`));
      return 1;
    }
    return 0;
  } catch (error) {
    const message = error instanceof E2eError ? error.message : ((error as Error).stack ?? String(error));
    console.error(`[e2e] FAILED: ${message}`);
    if (options.hold) {
      // Without a remounted /proc, /proc/self is this process's pid on the host.
      const enter = isInside() ? `nsenter --net=/proc/${fs.readlinkSync('/proc/self')}/ns/net ` : '';
      say(
        'holding the control plane for inspection (Ctrl-C ends it): ' +
          `${enter}${options.tools.kubectl} --kubeconfig ${plane.adminKubeconfig} get managed`,
      );
      await new Promise(() => undefined);
    }
    await cleanup(false);
    return 1;
  }
}
