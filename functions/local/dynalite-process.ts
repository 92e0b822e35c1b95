/**
 * Child process that owns one dynalite server (run with `node --import tsx`): the DynamoDB API on
 * 127.0.0.1:<port>, its tables in a LevelDB directory. Killing this process is a DynamoDB outage;
 * starting another one on the same port and directory brings back every write it acknowledged.
 * Exits when its parent goes away.
 */
import dynalite from 'dynalite';

export interface DynaliteReady {
  ready: true;
}

const [port, dataDir] = process.argv.slice(2);
const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
server.once('error', (error) => {
  console.error(`dynalite: ${error.message}`);
  process.exit(1);
});
server.listen(Number(port), '127.0.0.1', () => process.send?.({ ready: true } satisfies DynaliteReady));
process.on('disconnect', () => process.exit(0));
