import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { probeHealth } from '../../functions/failover-controller/evidence';
import { parseArgs, USAGE, UsageError } from './args';
import type { DrAws } from './aws';
import type { DrContext, Io } from './commands';
import { EXIT, moveWriter, status } from './commands';
import type { DrNames } from './names';
import { drNames, UnknownEnvironmentError } from './names';

export interface CliDependencies {
  aws: DrAws;
  io: Io;
  now?: () => Date;
  operator?: string;
  probe?: DrContext['probe'];
  /** Names for an environment (default: charts/config/environments.ts). */
  names?: (environmentSuffix: string) => DrNames;
}

/** Runs one `dr` command; resolves the process exit code (0 done, 1 failed or aborted, 2 refused by a safety check, 64 usage). */
export async function runCli(argv: readonly string[], deps: CliDependencies): Promise<number> {
  const { io } = deps;
  let args;
  let names: DrNames;
  try {
    args = parseArgs(argv);
    names = (deps.names ?? drNames)(args.env);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof UnknownEnvironmentError)) throw error;
    io.print(`error: ${error.message}`);
    if (error instanceof UsageError) io.print(USAGE);
    return EXIT.usage;
  }
  const ctx: DrContext = {
    aws: deps.aws,
    io,
    names,
    now: deps.now ?? (() => new Date()),
    operator: deps.operator ?? operatorName(),
    probe: deps.probe ?? ((url) => probeHealth(url, { attempts: 1, timeoutMs: 5000 })),
  };
  if (args.command === 'status') return status(ctx);
  const kind = args.command === 'switchover' ? 'switchover' : args.allowDataLoss ? 'failover-allow-data-loss' : 'failover';
  return moveWriter(ctx, { kind, to: args.to as NonNullable<typeof args.to>, dryRun: args.dryRun, yes: args.yes });
}

/** `dr-cli <user>@<host>`, recorded as who decided a move. */
export function operatorName(): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  return `dr-cli ${user}@${hostname()}`;
}

/** Terminal I/O: lines to stdout, questions on stdin (no answer at end of input). */
export function terminalIo(): Io & { close(): void } {
  let readline: ReturnType<typeof createInterface> | undefined;
  return {
    print: (line = '') => process.stdout.write(`${line}\n`),
    async ask(question) {
      readline ??= createInterface({ input: process.stdin, output: process.stdout });
      const closed = new Promise<string>((resolve) => readline?.once('close', () => resolve('')));
      return Promise.race([readline.question(question), closed]);
    },
    close: () => readline?.close(),
  };
}
