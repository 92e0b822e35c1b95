import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { REPO, TSX, npmScriptEntry } from '../support/npm-scripts';

test('npm run local on a port in use stops before starting any engine and says how to pick another port', async () => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as AddressInfo;
  try {
    const result = spawnSync(process.execPath, [TSX, npmScriptEntry('local')], {
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
