/** What the AWS e2e prints: per-MR convergence, the reconcile rounds with offenders, what deletion left. */
import { seconds } from '../log';
import { type Round, unexpected } from './drift';
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

export function printRounds(rounds: readonly Round[]): void {
  out('\n== reconcile rounds after convergence (moto request log)');
  const row = (cells: readonly string[]): void =>
    out([cells[0].padEnd(28), ...cells.slice(1).map((c, i) => c.padStart([5, 6, 11, 11, 8, 8][i]))].join(' '));
  row(['round', 'MRs', 'calls', 'unexpected', 'moto loops', 'updates', 'time']);
  const updates = new Map<string, number>();
  for (const r of rounds) {
    const drift = unexpected(r.offenders).length;
    const requested = [...r.updates.values()].reduce((a, b) => a + b, 0);
    row([
      r.label,
      String(r.reconciled),
      String(r.calls),
      String(drift),
      String(r.offenders.length - drift),
      String(requested),
      seconds(r.ms),
    ]);
    for (const [mr, n] of r.updates) updates.set(mr, (updates.get(mr) ?? 0) + n);
  }
  for (const [mr, n] of [...updates].sort()) out(`UPDATE REQUESTED ${n}× ${mr} (the provider's log)`);
  const lines = new Map<string, number>();
  const why = new Set<string>();
  for (const o of rounds.flatMap((r) => r.offenders)) {
    const line = o.motoLoop
      ? `MOTO LOOP ${o.mr} → ${o.service} ${o.region} ${o.action}`
      : `MUTATING ${o.mr} → ${o.service} ${o.region} ${o.action} ${o.body}`;
    lines.set(line, (lines.get(line) ?? 0) + 1);
    if (o.motoLoop) why.add(o.motoLoop);
  }
  for (const [line, n] of [...lines].sort()) out(line.replace(/^(MOTO LOOP|MUTATING) /, `$1 ${n}× `));
  for (const reason of why) out(`moto loop: ${reason}`);
}

export function printDeletion(left: readonly Managed[], leftovers: readonly InventoryItem[], ms: number): void {
  out(`\n== deletion: ${left.length} MRs left, ${leftovers.length} AWS resources left in moto, after ${seconds(ms)}`);
  for (const m of left) out(`MR LEFT ${m.id}: ${(m.problem ?? '').slice(0, 300)}`);
  for (const i of leftovers) out(`AWS LEFT ${i.service} ${i.region} ${i.type} ${i.id}`);
}
