/**
 * `npm run dr -- <status|switchover|failover|init|reconcile|drill> --env <env> [--to <region>] [--allow-data-loss]
 * [--region <region>] [--since <ISO>] [--until <ISO>] [--scenario <name>] [--report <file>] [--dry-run] [--yes]`:
 * DR by hand — roles, lag, health, heartbeats and the fence; planned switchover; failover (the fence
 * first, then the database); the first fence record; reconciling idempotency records with the rows a
 * data-loss failover lost; a rehearsed FIS drill with a measured report. Each command prints its checks
 * and plan first; see functions/README.md, "The dr CLI".
 */
import { drillSdkClients, sdkClients } from './dr/aws';
import { runCli, terminalIo } from './dr/cli';

const aws = sdkClients();
const drillAws = drillSdkClients();
const io = terminalIo();
runCli(process.argv.slice(2), { aws, io, drillAws })
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
    drillAws.destroy();
  });
