import { readFile } from 'node:fs/promises';
import type { GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';

export interface ReadOptions {
  abortSignal?: AbortSignal;
}

/** Where secret strings come from: Secrets Manager in AWS, a JSON file locally. */
export interface SecretReader {
  read(secretId: string, options?: ReadOptions): Promise<string>;
}

/** The single Secrets Manager call these functions make; a real SecretsManagerClient satisfies it. */
export interface SecretsManagerApi {
  send(command: GetSecretValueCommand, options?: ReadOptions): Promise<GetSecretValueCommandOutput>;
}

export function secretsManagerReader(client: SecretsManagerApi): SecretReader {
  return {
    async read(secretId, options) {
      const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }), options);
      if (output.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
      return output.SecretString;
    },
  };
}

/**
 * Local use only (SECRETS_FILE; config refuses it inside Lambda): a JSON object mapping each
 * secret id to its value; non-string values are stored as their JSON text, like SecretString.
 */
export function fileSecretReader(path: string): SecretReader {
  return {
    async read(secretId) {
      const secrets = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      const value = secrets[secretId];
      if (value === undefined) throw new Error(`secret ${secretId} is not in ${path}`);
      return typeof value === 'string' ? value : JSON.stringify(value);
    },
  };
}

/**
 * Caches each secret for `ttlMs` (rotation is picked up within that time) and shares one
 * in-flight read between concurrent callers. A failed read is not cached.
 */
export function cachedSecretReader(reader: SecretReader, ttlMs: number): SecretReader {
  const cache = new Map<string, { expiresAt: number; value: Promise<string> }>();
  return {
    read(secretId) {
      const cached = cache.get(secretId);
      if (cached && cached.expiresAt > Date.now()) return cached.value;
      const value = reader.read(secretId);
      cache.set(secretId, { expiresAt: Date.now() + ttlMs, value });
      value.catch(() => {
        if (cache.get(secretId)?.value === value) cache.delete(secretId);
      });
      return value;
    },
  };
}

/**
 * One secret, read through `reader` and parsed by `parse`, cached as the PARSED value for `ttlMs`
 * (one in-flight read shared by concurrent callers). A read or a parse that fails is not cached:
 * a malformed secret is never remembered as good, and once it is fixed the next call sees it —
 * there is no window in which a broken value keeps failing from the cache, nor one in which a
 * value that stopped parsing keeps being served.
 */
export function cachedParsedSecret<T>(
  reader: SecretReader,
  secretId: string,
  parse: (secretString: string) => T,
  ttlMs: number,
  now: () => number = Date.now,
): (options?: ReadOptions) => Promise<T> {
  let cached: { expiresAt: number; value: Promise<T> } | undefined;
  return (options) => {
    if (cached && cached.expiresAt > now()) return cached.value;
    const entry = { expiresAt: now() + ttlMs, value: reader.read(secretId, options).then(parse) };
    cached = entry;
    entry.value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return entry.value;
  };
}
