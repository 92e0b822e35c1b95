/**
 * `npx tsx scripts/dr.ts <status|switchover|failover> --env <env> [--to <region>] [--allow-data-loss] [--dry-run] [--yes]`:
 * the database side of DR by hand — roles, lag, health and the active region; planned switchover;
 * failover. Each command prints its checks and plan first; see functions/README.md, "The dr CLI".
 */
import { sdkClients } from './dr/aws';
import { runCli, terminalIo } from './dr/cli';

const aws = sdkClients();
const io = terminalIo();
runCli(process.argv.slice(2), { aws, io })
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`dr failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    io.close();
    aws.destroy();
  });
