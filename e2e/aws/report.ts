/** What the AWS e2e prints: per-MR convergence, the reconcile rounds with offenders, what deletion left. */
import { seconds } from '../log';
import { driftDiffs, type Round } from './drift';
import type { InventoryItem } from './inventory';
import type { Managed } from './managed';
import { gapOf } from './moto-gaps';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);

function byKind(managed: readonly Managed[]): Map<string, Managed[]> {
  const kinds = new Map<string, Managed[]>();
  for (const m of managed) kinds.set(`${m.type.group}/${m.type.kind}`, [...(kinds.get(`${m.type.group}/${m.type.kind}`) ?? []), m]);
  return new Map([...kinds].sort(([a], [b]) => a.localeCompare(b)));
}

export function printConvergence(c: { managed: readonly Managed[]; ms: number; converged: boolean }, claimsTable: string): void {
  out(`\n== convergence: ${c.converged ? 'every MR moto can serve is Ready and Synced' : 'NOT converged'} after ${seconds(c.ms)}`);
  out(`${'kind'.padEnd(52)} ${'MRs'.padStart(4)} ${'ready'.padStart(6)} ${'paused'.padStart(7)}`);
  for (const [kind, list] of byKind(c.managed)) {
    const ready = list.filter((m) => m.ready && m.synced).length;
    const paused = list.filter((m) => m.paused).length;
    out(`${kind.padEnd(52)} ${String(list.length).padStart(4)} ${String(ready).padStart(6)} ${String(paused).padStart(7)}`);
  }
  for (const [kind, list] of byKind(c.managed))
    if (list.some((m) => m.paused)) out(`PAUSED ${kind} (out of this run): ${gapOf(`${list[0].type.group}/v`, list[0].type.kind)}`);
  const failing = c.managed.filter((m) => !m.paused && !(m.ready && m.synced));
  for (const m of failing) out(`NOT READY ${m.id}: ${(m.problem ?? 'no condition yet').slice(0, 400)}`);
  out(`\n$ kubectl get paymentregions,paymentglobals -n payments-dr\n${claimsTable}`);
}

function counted(lines: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([line, n]) => `${n}× ${line}`);
}

export function printRounds(rounds: readonly Round[]): void {
  out('\n== reconcile rounds after convergence (moto request log, provider log)');
  const row = (cells: readonly string[]): void =>
    out([cells[0].padEnd(28), ...cells.slice(1).map((c, i) => c.padStart([5, 6, 9, 6, 11, 8][i]))].join(' '));
  row(['round', 'MRs', 'calls', 'mutating', 'diffs', 'moto diffs', 'time']);
  for (const r of rounds) {
    const drift = driftDiffs(r.diffs).length;
    row([
      r.label,
      String(r.reconciled),
      String(r.calls),
      String(r.offenders.length),
      String(drift),
      String(r.diffs.length - drift),
      seconds(r.ms),
    ]);
  }
  const offenders = rounds.flatMap((r) => r.offenders);
  const diffs = rounds.flatMap((r) => r.diffs);
  for (const line of counted(offenders.map((o) => `${o.mr} → ${o.service} ${o.region} ${o.action} ${o.body}`))) out(`MUTATING ${line}`);
  for (const line of counted(driftDiffs(diffs).map((d) => `${d.id}: ${d.attributes.join(', ') || '(no attribute)'}`))) out(`DIFF ${line}`);
  for (const line of counted(diffs.filter((d) => d.motoGap).map((d) => `${d.id}: ${d.attributes.join(', ')}`))) out(`MOTO DIFF ${line}`);
  for (const why of new Set(diffs.map((d) => d.motoGap).filter(Boolean))) out(`moto diff: ${why}`);
}

export function printDeletion(left: readonly Managed[], leftovers: readonly InventoryItem[], ms: number): void {
  out(`\n== deletion: ${left.length} MRs left, ${leftovers.length} AWS resources left in moto, after ${seconds(ms)}`);
  for (const m of left) out(`MR LEFT ${m.id}: ${(m.problem ?? '').slice(0, 300)}`);
  for (const i of leftovers) out(`AWS LEFT ${i.service} ${i.region} ${i.type} ${i.id}`);
}
