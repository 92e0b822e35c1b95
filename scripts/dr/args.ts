import type { Region } from '../../functions/shared/config';
import { REGIONS } from '../../functions/shared/config';

export type Command = 'status' | 'switchover' | 'failover';

export interface DrArgs {
  command: Command;
  env: string;
  /** The region to move the writer to (switchover, failover). */
  to?: Region;
  allowDataLoss: boolean;
  dryRun: boolean;
  yes: boolean;
}

export const USAGE = `usage: npx tsx scripts/dr.ts <command> --env <env> [options]

commands:
  status      --env <env>                                   roles, replication lag, /health of both regions, active region + epoch
  switchover  --env <env> --to <region>                     planned move of the writer, no data loss (refused when lag is
                                                            above the threshold or unknown, or engine versions differ)
  failover    --env <env> --to <region> [--allow-data-loss] unplanned: with --allow-data-loss the target is promoted even
                                                            though the current writer is unreachable; without it, the
                                                            no-data-loss variant (same checks as switchover)
options:
  --dry-run   print the checks and the plan; change nothing
  --yes       do not ask for confirmation
regions: ${REGIONS.join(', ')}`;

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): DrArgs {
  const [command, ...rest] = argv;
  if (command !== 'status' && command !== 'switchover' && command !== 'failover') {
    throw new UsageError(command ? `unknown command "${command}"` : 'a command is required');
  }
  const flags = { allowDataLoss: false, dryRun: false, yes: false };
  let env: string | undefined;
  let to: string | undefined;
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index];
    const [name, inline] = arg.split('=', 2);
    const value = () => {
      const given = inline ?? rest[++index];
      if (!given || given.startsWith('--')) throw new UsageError(`${name} needs a value`);
      return given;
    };
    if (name === '--env') env = value();
    else if (name === '--to') to = value();
    else if (arg === '--allow-data-loss') flags.allowDataLoss = true;
    else if (arg === '--dry-run') flags.dryRun = true;
    else if (arg === '--yes' || arg === '-y') flags.yes = true;
    else throw new UsageError(`unknown option "${arg}"`);
  }
  if (!env) throw new UsageError('--env is required');
  if (command === 'status') {
    if (to || flags.allowDataLoss) throw new UsageError('status takes only --env');
    return { command, env, ...flags };
  }
  if (!to) throw new UsageError(`${command} needs --to <${REGIONS.join('|')}>`);
  if (!REGIONS.includes(to as Region)) throw new UsageError(`--to must be one of ${REGIONS.join(', ')} (got "${to}")`);
  if (command === 'switchover' && flags.allowDataLoss) throw new UsageError('a switchover never loses data: use failover --allow-data-loss');
  return { command, env, to: to as Region, ...flags };
}
