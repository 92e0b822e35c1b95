import { parseArgs as nodeParseArgs } from 'node:util';
import type { Region } from '../../functions/shared/config';
import { REGIONS } from '../../functions/shared/config';
import type { DrillScenarioName } from '../../compositions/payment-region/drills';
import { DRILL_SCENARIOS } from '../../compositions/payment-region/drills';

export type Command = 'status' | 'switchover' | 'failover' | 'init' | 'reconcile' | 'drill';
const COMMANDS: readonly Command[] = ['status', 'switchover', 'failover', 'init', 'reconcile', 'drill'];
const SCENARIOS = DRILL_SCENARIOS.map((s) => s.name);

export interface DrArgs {
  command: Command;
  env: string;
  /** The region to move the writer to (switchover, failover). */
  to?: Region;
  /** init: the region to record active (default us-east-1); reconcile: where to read the idempotency table (default: the active region). */
  region?: Region;
  /** reconcile: the window of idempotency records to check (records completed in it). */
  since?: Date;
  until?: Date;
  /** drill: the FIS scenario to run. */
  scenario?: DrillScenarioName;
  /** drill: where to write the report (<file>.json and <file>.md). */
  report?: string;
  allowDataLoss: boolean;
  dryRun: boolean;
  yes: boolean;
}

export const USAGE = `usage: npm run dr -- <command> --env <env> [options]

commands:
  status      --env <env>                                   roles, replication lag, /health of both regions, active region + epoch
  switchover  --env <env> --to <region>                     planned move of the writer, no data loss (refused when lag is
                                                            above the threshold or unknown, or engine versions differ)
  failover    --env <env> --to <region> [--allow-data-loss] unplanned: with --allow-data-loss the target is promoted even
                                                            though the current writer is unreachable; without it, the
                                                            no-data-loss variant (same checks as switchover)
  init        --env <env> [--region <region>]               records the first active-region record (default us-east-1) where
                                                            there is none, above every epoch the heartbeats have seen
  reconcile   --env <env> --since <ISO time> [--until <ISO time>] [--region <region>]
                                                            after a failover with data loss: finds idempotency records whose
                                                            payment_events row was lost (DATABASE_URL: the new writer) and
                                                            removes them, so the sender's redeliveries are applied again
  drill       --env <env> --scenario <name> [--report <file>]
                                                            runs the scenario's AWS FIS experiment in the PRIMARY region, waits
                                                            for it to end, and reports detection, traffic shift, promotion, fence
                                                            epochs and observed RPO against npm run dr-report
options:
  --dry-run   print the checks and the plan; change nothing
  --yes, -y   do not ask for confirmation
  --help      print this help
regions: ${REGIONS.join(', ')}
drill scenarios: ${DRILL_SCENARIOS.map((s) => s.name).join(', ')}`;

export class UsageError extends Error {}
/** `--help` anywhere: the caller prints USAGE and exits 0. */
export class HelpRequested extends Error {}

const OPTIONS = {
  env: { type: 'string' },
  to: { type: 'string' },
  region: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  scenario: { type: 'string' },
  report: { type: 'string' },
  'allow-data-loss': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean' },
} as const;

/** node's util.parseArgs (strict), its errors in this CLI's words. */
function parseFlags(argv: readonly string[]) {
  try {
    return nodeParseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const option = /'(-{1,2}[^' ]+)/.exec((error as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option "${option}"`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${option?.split(' ')[0]} needs a value`);
    throw new UsageError((error as Error).message);
  }
}

export function parseArgs(argv: readonly string[]): DrArgs {
  const { values, positionals } = parseFlags(argv);
  if (values.help) throw new HelpRequested();
  const [given, ...extra] = positionals;
  if (!COMMANDS.includes(given as Command)) {
    throw new UsageError(given ? `unknown command "${given}"` : 'a command is required');
  }
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const command = given as Command;
  const flags = { allowDataLoss: values['allow-data-loss'] ?? false, dryRun: values['dry-run'] ?? false, yes: values.yes ?? false };
  const { env, to, region, since, until, scenario, report } = values;
  if (!env) throw new UsageError('--env is required');
  if (command !== 'drill' && (scenario || report)) throw new UsageError('--scenario and --report are for drill');
  if (command === 'drill') {
    if (to || region || since || until || flags.allowDataLoss)
      throw new UsageError('drill takes only --env, --scenario, --report, --dry-run and --yes');
    if (!scenario) throw new UsageError(`drill needs --scenario <${SCENARIOS.join('|')}>`);
    if (!SCENARIOS.includes(scenario as DrillScenarioName))
      throw new UsageError(`--scenario must be one of ${SCENARIOS.join(', ')} (got "${scenario}")`);
    if (report !== undefined && !report.trim()) throw new UsageError('--report needs a file path');
    return { command, env, scenario: scenario as DrillScenarioName, report, ...flags };
  }
  const regionArg = (given: string | undefined, option: string): Region | undefined => {
    if (given === undefined) return undefined;
    if (!REGIONS.includes(given as Region)) throw new UsageError(`${option} must be one of ${REGIONS.join(', ')} (got "${given}")`);
    return given as Region;
  };
  const time = (given: string | undefined, option: string): Date | undefined => {
    if (given === undefined) return undefined;
    const parsed = new Date(given);
    if (Number.isNaN(parsed.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(given))
      throw new UsageError(`${option} must be an ISO 8601 time such as 2025-06-01T12:00:00Z (got "${given}")`);
    return parsed;
  };
  if (command !== 'init' && command !== 'reconcile' && region) throw new UsageError('--region is for init and reconcile');
  if (command !== 'reconcile' && (since || until)) throw new UsageError('--since and --until are for reconcile');
  if (command === 'status') {
    if (to || flags.allowDataLoss) throw new UsageError('status takes only --env');
    return { command, env, ...flags };
  }
  if (command === 'init' || command === 'reconcile') {
    if (to || flags.allowDataLoss) throw new UsageError(`${command} takes no --to or --allow-data-loss`);
    if (command === 'init') return { command, env, region: regionArg(region, '--region') ?? 'us-east-1', ...flags };
    if (!since) throw new UsageError('reconcile needs --since <ISO time> (e.g. a few minutes before the failover)');
    const window = { since: time(since, '--since') as Date, until: time(until, '--until') };
    if (window.until && window.until <= window.since) throw new UsageError('--until must be after --since');
    return { command, env, region: regionArg(region, '--region'), ...window, ...flags };
  }
  if (!to) throw new UsageError(`${command} needs --to <${REGIONS.join('|')}>`);
  if (!REGIONS.includes(to as Region)) throw new UsageError(`--to must be one of ${REGIONS.join(', ')} (got "${to}")`);
  if (command === 'switchover' && flags.allowDataLoss)
    throw new UsageError('a switchover never loses data: use failover --allow-data-loss');
  return { command, env, to: to as Region, ...flags };
}
