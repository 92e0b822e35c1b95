import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Artifact } from '../../functions/build';
import {
  bundle,
  bundleFunctions,
  FAILOVER_CONTROLLER,
  FUNCTION_NAMES,
  LAMBDA_HANDLER,
  LAMBDA_RUNTIME,
  MAX_ZIP_BYTES,
  MIGRATE,
} from '../../functions/build';
import { EXAMPLE_ENVIRONMENT } from '../../functions/local/example-environment';
import { readMigrationSet } from '../../functions/migrate/migration-set';
import { CONTROLLER_ENVIRONMENT } from '../support/functions/controller-environment';
import { REPO } from '../support/npm-scripts';

/** The example configuration plus the webhook's DR state table (the fencing check reads it). */
const FUNCTION_ENVIRONMENT: Record<string, string> = { DR_STATE_TABLE: 'dr-state-use1-dev', ...EXAMPLE_ENVIRONMENT };
/** What the PaymentRegion Composition gives the migrate function. */
const MIGRATE_ENVIRONMENT: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  REGION_SUFFIX: 'use1',
  ENVIRONMENT_SUFFIX: 'dev',
  GLOBAL_CLUSTER_ID: 'aurora-global-use1-dev',
  DB_NAME: 'payments',
  DB_MASTER_SECRET_ID: 'db-credentials-use1-dev',
  DB_MASTER_USERNAME: 'paymentsadmin',
  DB_APP_SECRET_ID: 'db-app-credentials-use1-dev',
  DB_APP_USERNAME: 'payments_app',
};
const ENVIRONMENT_OF: Record<string, Record<string, string>> = {
  [FAILOVER_CONTROLLER]: CONTROLLER_ENVIRONMENT,
  [MIGRATE]: MIGRATE_ENVIRONMENT,
};

describe('function bundles', () => {
  let first: Artifact[];
  let second: Artifact[];

  beforeAll(async () => {
    first = await bundleFunctions();
    second = await bundleFunctions();
  });

  test('the four artifacts are built for the nodejs22.x runtime with index.handler', () => {
    expect(first.map((artifact) => artifact.name).sort()).toEqual(['failover-controller', 'health', 'migrate', 'webhook']);
    expect(LAMBDA_RUNTIME).toBe('nodejs22.x');
    expect(LAMBDA_HANDLER).toBe('index.handler');
  });

  test('two builds are byte-identical', () => {
    for (const [index, artifact] of first.entries()) {
      expect(artifact.zip.equals(second[index].zip)).toBe(true);
      expect(artifact.sha256).toBe(second[index].sha256);
    }
  });

  test('each bundle depends only on its own entry point: building one alone gives the same zip', async () => {
    for (const name of FUNCTION_NAMES) {
      const [alone] = await bundle([name]);
      expect({ name, sha256: alone.sha256 }).toEqual({ name, sha256: first.find((artifact) => artifact.name === name)!.sha256 });
    }
  });

  test('each zip is at most 256 KiB, and its hashes and key describe it', () => {
    for (const artifact of first) {
      const digest = createHash('sha256').update(artifact.zip).digest();
      expect(artifact.sizeBytes).toBe(artifact.zip.length);
      expect(artifact.sizeBytes).toBeLessThanOrEqual(MAX_ZIP_BYTES);
      expect(artifact.sha256).toBe(digest.toString('hex'));
      expect(artifact.sourceCodeHash).toBe(digest.toString('base64'));
      expect(artifact.key).toBe(`functions/${artifact.name}/${artifact.sha256}.zip`);
    }
  });

  test('each zip holds only index.js, with no absolute build paths or source map comments', () => {
    for (const artifact of first) {
      const files = unzipSync(artifact.zip);
      expect(Object.keys(files)).toEqual(['index.js']);
      const code = Buffer.from(files['index.js']).toString('utf8');
      expect(code).not.toContain(process.cwd());
      expect(code).not.toContain('sourceMappingURL');
    }
  });

  test('the migrate bundle carries every migration of functions/migrations/: names, checksums, every line of SQL', () => {
    const code = Buffer.from(unzipSync(first.find((artifact) => artifact.name === MIGRATE)!.zip)['index.js']).toString('utf8');
    const set = readMigrationSet();
    expect(set.map((migration) => migration.name)).toEqual(readdirSync(path.join(REPO, 'functions/migrations')).sort());
    // esbuild writes a multi-line string as a template literal: each line of SQL appears as it is in its file
    const missing = set.flatMap(({ name, sql, checksum }) =>
      [JSON.stringify(name), checksum, ...sql.split('\n').filter((line) => line.trim())].filter((piece) => !code.includes(piece)),
    );
    expect(missing).toEqual([]);
  });

  describe('loading a bundle the way Lambda does (cold start in a fresh node process)', () => {
    let directory: string;
    const load = (name: string, env: Record<string, string>) =>
      execFileSync(
        process.execPath,
        ['-e', `console.log(typeof require(${JSON.stringify(path.join(directory, name, 'index.js'))}).handler)`],
        {
          env: { PATH: process.env.PATH ?? '', ...env },
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );

    beforeAll(() => {
      directory = mkdtempSync(path.join(tmpdir(), 'payments-dr-bundle-'));
      for (const artifact of first) {
        const file = path.join(directory, artifact.name, 'index.js');
        execFileSync('mkdir', ['-p', path.dirname(file)]);
        writeFileSync(file, unzipSync(artifact.zip)['index.js']);
      }
    });

    afterAll(() => rmSync(directory, { recursive: true, force: true }));

    const coldStarts: [string, string, Record<string, string>][] = [
      ['webhook', 'DB_NAME', FUNCTION_ENVIRONMENT],
      ['health', 'DB_NAME', FUNCTION_ENVIRONMENT],
      ['webhook', 'DR_STATE_TABLE', FUNCTION_ENVIRONMENT],
      [FAILOVER_CONTROLLER, 'LOCAL_CLUSTER_ID', { ...CONTROLLER_ENVIRONMENT }],
      [MIGRATE, 'DB_MASTER_SECRET_ID', MIGRATE_ENVIRONMENT],
      [MIGRATE, 'DB_APP_SECRET_ID', MIGRATE_ENVIRONMENT],
    ];

    // the bundles run from a temporary directory: the migrate function reads no migrations directory
    test.each([...FUNCTION_NAMES])('%s exports handler when configured', (name) => {
      const env = ENVIRONMENT_OF[name] ?? FUNCTION_ENVIRONMENT;
      expect(load(name, env).trim()).toBe('function');
    });

    test.each(coldStarts)('%s fails its cold start naming a missing %s', (name, variable, env) => {
      const { [variable]: _omitted, ...incomplete } = env;
      expect(() => load(name, incomplete)).toThrow(new RegExp(`${variable} is required`));
    });
  });
});
