import * as path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** BSD sysexits EX_USAGE: the command line was wrong. */
export const EXIT_USAGE = 64;

export interface CommandSpec<O extends NonNullable<ParseArgsConfig['options']>> {
  /** The npm script, e.g. `conformance`: usage reads `npm run conformance -- ...`. */
  readonly name: string;
  /** `[<dist dir>]` and the like, after the options. */
  readonly arguments: string;
  readonly summary: string;
  /** Options beyond --help; each needs a `description` line for the usage text. */
  readonly options: O;
  readonly descriptions: Readonly<Record<keyof O & string, string>>;
  /** Most positional arguments accepted (default 0). */
  readonly maxPositionals?: number;
}

export class UsageError extends Error {}

export function usage(spec: CommandSpec<NonNullable<ParseArgsConfig['options']>>): string {
  const lines = Object.entries(spec.options).map(([name, option]) => {
    const flag = `--${name}${option.type === 'string' ? ' <value>' : ''}`;
    return `  ${flag.padEnd(24)} ${spec.descriptions[name]}`;
  });
  return [
    `usage: npm run ${spec.name} -- ${['[options]', spec.arguments].filter(Boolean).join(' ')}`,
    '',
    spec.summary,
    '',
    'options:',
    ...lines,
    `  ${'--help'.padEnd(24)} print this help`,
  ].join('\n');
}

/**
 * Parses argv with node's util.parseArgs (strict: unknown options and extra arguments are usage
 * errors). --help prints the usage and exits 0; a usage error prints the problem and the usage and
 * exits 64. Returns the values and positionals otherwise.
 */
export function parseCommandLine<O extends NonNullable<ParseArgsConfig['options']>>(
  spec: CommandSpec<O>,
  argv: readonly string[] = process.argv.slice(2),
) {
  const withHelp = { ...spec.options, help: { type: 'boolean' as const } };
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof withHelp; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: withHelp, allowPositionals: true, strict: true });
    if (parsed.positionals.length > (spec.maxPositionals ?? 0))
      throw new UsageError(`unexpected argument "${parsed.positionals[spec.maxPositionals ?? 0]}"`);
  } catch (error) {
    console.error(`${spec.name}: ${(error as Error).message.split('\n')[0]}\n\n${usage(spec)}`);
    process.exit(EXIT_USAGE);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage(spec));
    process.exit(0);
  }
  return {
    values: parsed.values as ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>['values'],
    positionals: parsed.positionals,
  };
}

/** A path the user typed, resolved from the directory they ran npm in (npm sets INIT_CWD), not the package root. */
export function fromCaller(userPath: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), userPath);
}
