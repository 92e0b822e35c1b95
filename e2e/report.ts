/** The e2e's closing report: the operators' table, what was checked, and the numbers. */
import type { BadInputCase } from './bad-input';
import type { SyncReport } from './argocd-sync';
import type { Claim, ClaimTiming, ComposedSummary } from './claims';
import type { StepTimes } from './control-plane';
import type { DeletionReport } from './deletion';
import { seconds } from './log';
import type { RbacCheck } from './rbac';
import type { StandInProvider } from './stand-in-provider';

export interface WhatIfReport {
  readonly claims: readonly Claim[];
  readonly timings: readonly ClaimTiming[];
  /** Claims that still never become Ready with the optional slots filled. */
  readonly stillNever: Map<Claim, string>;
}

export interface Report {
  readonly table: string;
  /** The table before the what-if (claims exactly as dist/ declares them). */
  readonly distTable: string;
  readonly whatIf?: WhatIfReport;
  /** dist/ claims that never become Ready (see the defects). */
  readonly never: readonly Claim[];
  readonly coldSteps: StepTimes;
  readonly cold: number;
  readonly warm?: StepTimes;
  readonly warmMs?: number;
  readonly timings: readonly ClaimTiming[];
  readonly composed: readonly ComposedSummary[];
  readonly rbac: RbacCheck;
  readonly badInput: readonly BadInputCase[];
  readonly deletion: DeletionReport;
  readonly sync: SyncReport;
  readonly provider: StandInProvider;
  readonly totalMs: number;
}

export function printReport(r: Report): void {
  const out: string[] = [];
  if (r.whatIf) {
    out.push('', '$ kubectl get paymentregions,paymentglobals -n payments-dr   # claims as dist/ declares them', r.distTable.trimEnd());
    out.push(
      '',
      '$ kubectl get paymentregions,paymentglobals -n payments-dr   # WHAT-IF: ' +
        `${r.whatIf.claims.map((c) => c.name).join(', ')} with every optional slot filled`,
    );
  } else out.push('', '$ kubectl get paymentregions,paymentglobals -n payments-dr');
  out.push(r.table.trimEnd(), '');
  out.push('checked on the real API:');
  for (const c of r.composed)
    out.push(
      `  ${c.claim.kind} ${c.claim.name} ↔ ${c.composite}: ${c.resources} composed (${c.managed} ` +
        'managed resources) — names, labels, regions, storage versions, controller refs, selectors OK',
    );
  out.push(`  operators (group ${r.rbac.group}): can ${r.rbac.allowed.length} reads, cannot ${r.rbac.denied.length} writes`);
  for (const b of r.badInput) out.push(`  invalid claim refused (${b.change}): ${b.message.replace(/\s*\n\s*/g, ' ')}`);
  out.push(
    `  deleted ${r.deletion.claim.kind} ${r.deletion.claim.name}: ${r.deletion.composed} composed resources gone ` +
      `in ${seconds(r.deletion.durationMs)}; ${r.deletion.usages.length} Usages enforced (webhook on 127.0.0.1):`,
  );
  for (const u of [...r.deletion.usages].sort((a, b) => a.byGone - b.byGone))
    out.push(
      `    ${u.by} gone +${seconds(u.byGone)} → then ${u.of} deleting ` +
        `+${seconds(u.ofDeleting)}${u.ofRefusedFirst ? ' (its earlier delete was refused by the webhook)' : ''}`,
    );
  if (r.deletion.released.length)
    out.push(`    used resources of other claims kept and released (no Usage left, delete admitted): ${r.deletion.released.join(', ')}`);
  if (r.sync.skipped.size)
    out.push(
      '  not applied (packages need a registry; the functions run locally, the stand-in provider plays ' +
        `provider-aws): ${[...r.sync.skipped].map(([k, n]) => `${n} ${k.replace(/ \(.*\)$/, '')}`).join(', ')}`,
    );
  if (r.sync.retries.size)
    out.push(`  applies retried (as Argo CD's retry would): ${[...r.sync.retries].map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  out.push(
    `  stand-in provider: ${r.provider.reconciles} reconciles, ` +
      `${r.provider.errors} errors${r.provider.errors ? ` (last: ${r.provider.lastError})` : ''}`,
  );
  if (r.sync.neverHealthy.size) {
    out.push('', 'defects the real Crossplane found in dist/:');
    for (const d of r.sync.neverHealthy.values()) out.push(`  ${d}`);
    for (const b of r.sync.blocked) out.push(`  ${b}`);
    for (const d of r.whatIf?.stillNever.values() ?? []) out.push(`  even with every optional slot filled (what-if): ${d}`);
  }
  out.push('', 'numbers:');
  out.push(
    `  control plane, cold start (empty etcd): ${seconds(r.cold)} — ${r.coldSteps.map(([s, ms]) => `${s} ${seconds(ms)}`).join(', ')}`,
  );
  if (r.warm && r.warmMs !== undefined)
    out.push(
      `  control plane, warm start (same etcd):  ${seconds(r.warmMs)} — ${r.warm.map(([s, ms]) => `${s} ${seconds(ms)}`).join(', ')}`,
    );
  for (const c of r.never) out.push(`  ${c.kind} ${c.name}: apply → READY never, as dist/ declares it (defect above)`);
  const whatIf = new Set(r.whatIf?.claims ?? []);
  for (const t of r.timings) {
    const how = whatIf.has(t.claim) ? 'what-if patch' : 'apply';
    out.push(`  ${t.claim.kind} ${t.claim.name}: ${how} → READY ${seconds(t.applyToReadyMs)}`);
  }
  out.push(`  total e2e: ${seconds(r.totalMs)}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
