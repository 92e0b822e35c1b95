import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { probeHealth } from '../../functions/failover-controller/evidence';
import { type DrArgs, HelpRequested, parseArgs, USAGE, UsageError } from './args';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DrAws, DrillAws } from './aws';
import { drillSdkClients } from './aws';
import type { EnvironmentReport } from '../../conformance/dr-report';
import { drReport } from '../../conformance/dr-report';
import { loadModel } from '../../conformance/model';
import { REPO_ROOT } from '../../engines/crds';
import { fromCaller } from '../command-line';
import { drill } from './drill';
import { DrError } from './errors';
import { Client } from 'pg';
import type { DrContext, DrDatabase, Io } from './commands';
import { EXIT, moveWriter, status } from './commands';
import { init, reconcile } from './maintenance';
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
  /** The writer database for reconcile (default: a pg client on DATABASE_URL). */
  database?: () => Promise<DrDatabase>;
  /** FIS and CloudWatch for drill (default: real clients). */
  drillAws?: DrillAws;
  /** The environment's computed figures for drill (default: npm run dr-report over dist/). */
  expectedFigures?: (environmentSuffix: string) => EnvironmentReport;
  sleep?: (ms: number) => Promise<void>;
  writeFile?: (path: string, content: string) => void;
}

/** dr-report's figures for one environment, computed from the committed dist/ (renders with the real engines). */
function expectedFromDist(environmentSuffix: string): EnvironmentReport {
  const report = drReport(loadModel(path.join(REPO_ROOT, 'dist'))).find((r) => r.environment === environmentSuffix);
  if (!report) throw new DrError(`dist/ has no environment ${environmentSuffix}: run npm run synth`);
  return report;
}

/** DATABASE_URL (a libpq URL; use sslmode=verify-full with the RDS CA bundle against Aurora). */
async function databaseFromEnvironment(): Promise<DrDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000, query_timeout: 60_000 });
  await client.connect();
  return client as unknown as DrDatabase;
}

/** Runs one `dr` command; resolves the process exit code (0 done, 1 failed or aborted, 2 refused by a safety check, 64 usage). */
export async function runCli(argv: readonly string[], deps: CliDependencies): Promise<number> {
  const { io } = deps;
  let args: DrArgs;
  let names: DrNames;
  try {
    args = parseArgs(argv);
    names = (deps.names ?? drNames)(args.env);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.print(USAGE);
      return EXIT.ok;
    }
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
    database: deps.database ?? databaseFromEnvironment,
  };
  if (args.command === 'status') return status(ctx);
  if (args.command === 'drill') {
    const drillAws = deps.drillAws ?? drillSdkClients();
    return drill(
      {
        fis: drillAws.fis,
        cloudwatch: drillAws.cloudwatch,
        io,
        names,
        now: ctx.now,
        sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
        operator: ctx.operator,
        expected: () => (deps.expectedFigures ?? expectedFromDist)(names.environmentSuffix),
        writeFile: deps.writeFile ?? ((file, content) => fs.writeFileSync(fromCaller(file), content)),
      },
      { scenario: args.scenario as NonNullable<typeof args.scenario>, dryRun: args.dryRun, yes: args.yes, report: args.report },
    );
  }
  if (args.command === 'init') return init(ctx, { region: args.region ?? 'us-east-1', dryRun: args.dryRun, yes: args.yes });
  if (args.command === 'reconcile')
    return reconcile(ctx, { since: args.since as Date, until: args.until, region: args.region, dryRun: args.dryRun, yes: args.yes });
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
