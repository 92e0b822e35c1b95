import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Plugin } from 'esbuild';
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { readMigrationSet } from './migrate/migration-set';

/**
 * Lambda artifacts, built in memory at synth time: one deterministic zip per function,
 * byte-identical for both regions. The content hash names the S3 key and sets sourceCodeHash,
 * so a code change is a manifest change.
 */
export const LAMBDA_RUNTIME = 'nodejs22.x';
/** Every artifact holds a single `index.js` exporting `handler`. */
export const LAMBDA_HANDLER = 'index.handler';
/** Invoked every minute by its EventBridge schedule (PaymentRegion composes it in both regions). */
export const FAILOVER_CONTROLLER = 'failover-controller' as const;
/** Applies functions/migrations/ to the writer; invoked by PaymentGlobal's Invocation (composed in both regions). */
export const MIGRATE = 'migrate' as const;
/** The functions every region deploys (`bundleFunctions`). */
export const FUNCTION_NAMES = ['webhook', 'health', FAILOVER_CONTROLLER, MIGRATE] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];
/** Zips travel inside Kubernetes objects (S3 Object contentBase64), which must stay small. */
export const MAX_ZIP_BYTES = 256 * 1024;

export interface Artifact {
  name: FunctionName;
  zip: Buffer;
  /** Hex SHA-256 of the zip. */
  sha256: string;
  /** Base64 SHA-256 of the zip, the form Lambda's source_code_hash expects. */
  sourceCodeHash: string;
  /** S3 object key, e.g. `functions/webhook/<sha256>.zip`. */
  key: string;
  sizeBytes: number;
}

/**
 * Zip entries carry a DOS timestamp, which fflate writes from LOCAL time fields: a local-time
 * date gives the same bytes in every time zone (a UTC date would not, and is out of range west of UTC).
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
/** Regular file, rw-r--r-- (Lambda needs files world-readable). */
const UNIX_FILE_MODE = 0o100644;
const ZIP_OS_UNIX = 3;

export function bundleFunctions(): Promise<Artifact[]> {
  return bundle(FUNCTION_NAMES);
}

/** Builds the named functions in one esbuild run; each bundle depends only on its own entry point. */
export async function bundle(names: readonly FunctionName[]): Promise<Artifact[]> {
  const result = await build({
    absWorkingDir: path.resolve(__dirname, '..'),
    entryPoints: Object.fromEntries(names.map((name) => [name, path.join(__dirname, name, 'index.ts')])),
    outdir: 'bundle',
    write: false,
    bundle: true,
    platform: 'node',
    target: LAMBDA_RUNTIME.replace(/^nodejs(\d+)\.x$/, 'node$1'),
    format: 'cjs',
    // ESM builds of the AWS SDK v3 tree-shake better than their CJS builds
    mainFields: ['module', 'main'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    // optional native binding that pg only loads when asked to
    external: ['pg-native'],
    plugins: [embedMigrations()],
    logLevel: 'silent',
  });
  if (result.warnings.length) throw new Error(`esbuild warnings: ${result.warnings.map((w) => w.text).join('; ')}`);

  return names.map((name) => {
    const output = result.outputFiles.find((file) => path.basename(file.path) === `${name}.js`);
    if (!output) throw new Error(`esbuild produced no bundle for ${name}`);
    return toArtifact(name, output.contents);
  });
}

/**
 * The migrate bundle carries its SQL: functions/migrate/embedded-migrations.ts (which reads
 * functions/migrations/ when run from source) is replaced by the set itself, read by the same
 * function as the chart that hashes it, so the zip and the Invocation's hash describe one set.
 */
function embedMigrations(): Plugin {
  const embedded = path.join(__dirname, 'migrate', 'embedded-migrations.ts');
  return {
    name: 'embed-migrations',
    setup(builder) {
      builder.onLoad({ filter: /[\\/]embedded-migrations\.ts$/ }, (args) =>
        args.path === embedded
          ? { contents: `export const EMBEDDED_MIGRATIONS = ${JSON.stringify(readMigrationSet())};`, loader: 'js' }
          : undefined,
      );
    },
  };
}

function toArtifact(name: FunctionName, code: Uint8Array): Artifact {
  const zip = Buffer.from(zipSync({ 'index.js': [code, { level: 9, mtime: FIXED_MTIME, os: ZIP_OS_UNIX, attrs: UNIX_FILE_MODE << 16 }] }));
  if (zip.length > MAX_ZIP_BYTES) {
    throw new Error(`${name} zip is ${zip.length} bytes, over the ${MAX_ZIP_BYTES}-byte limit for artifacts carried in manifests`);
  }
  const digest = createHash('sha256').update(zip).digest();
  const sha256 = digest.toString('hex');
  return { name, zip, sha256, sourceCodeHash: digest.toString('base64'), key: `functions/${name}/${sha256}.zip`, sizeBytes: zip.length };
}
