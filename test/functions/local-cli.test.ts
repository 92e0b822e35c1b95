import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

test('npm run local on a port in use stops before starting any engine and says how to pick another port', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    const result = spawnSync(process.execPath, [path.join(REPO, 'node_modules/tsx/dist/cli.mjs'), path.join(REPO, 'cli/local.ts')], {
      cwd: REPO,
      env: { ...process.env, PORT: String(port) },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `port ${port} on 127.0.0.1 is already in use: stop what holds it, or pick another port, e.g. PORT=${port + 1} npm run local`,
    );
    expect(result.stderr).not.toContain('PostgreSQL');
  } finally {
    holder.close();
  }
});
