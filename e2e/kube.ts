/**
 * Talking to the local API server: a small REST client (node https, the admin client
 * certificate) for the loops that poll and patch, and kubectl for what a person would type.
 * Both are asynchronous so the stand-in provider keeps running while a step waits.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import type { KeyPair } from './pki';

import type { Json } from '../engines/yaml';

export type { Json };

export interface Response {
  readonly status: number;
  /** Parsed JSON, or the plain text of a non-JSON answer (e.g. /readyz). */
  // biome-ignore lint/suspicious/noExplicitAny: an API server answer of any kind, read by the caller that knows its shape
  readonly body: any;
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class Kube {
  private readonly agent: https.Agent;
  private readonly watchAgent: https.Agent;

  constructor(
    readonly server: string,
    ca: string,
    user: KeyPair,
    private readonly kubectlBinary: string,
    readonly kubeconfig: string,
  ) {
    const tls = { ca: fs.readFileSync(ca), cert: fs.readFileSync(user.crt), key: fs.readFileSync(user.key) };
    this.agent = new https.Agent({ ...tls, keepAlive: true, maxSockets: 8 });
    this.watchAgent = new https.Agent({ ...tls, keepAlive: false });
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${this.server}${path}`,
        {
          method,
          agent: this.agent,
          headers: {
            Accept: 'application/json',
            ...(payload ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              /* plain text (e.g. /readyz) */
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 30s`)));
      req.on('error', reject);
      if (payload) req.write(payload);
      req.end();
    });
  }

  /** The object at `path`, or undefined when it does not exist. */
  async get(path: string): Promise<Json | undefined> {
    const res = await this.request('GET', path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${message(res)}`);
    return res.body as Json;
  }

  async list(path: string): Promise<Json[]> {
    const res = await this.request('GET', path);
    if (res.status === 404) return [];
    if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status} ${message(res)}`);
    return ((res.body as Json).items ?? []) as Json[];
  }

  /** A merge patch (status subresource when `path` ends in /status); 404 is not an error. */
  async mergePatch(path: string, patch: unknown): Promise<Response> {
    const res = await this.request('PATCH', path, patch, 'application/merge-patch+json');
    if (res.status !== 200 && res.status !== 404) throw new Error(`PATCH ${path}: HTTP ${res.status} ${message(res)}`);
    return res;
  }

  /** kubectl against the local API server; never throws for a non-zero exit. */
  kubectl(args: readonly string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.kubectlBinary, ['--kubeconfig', this.kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', reject);
      child.on('close', (code) =>
        resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
      );
      child.stdin.end(input ?? '');
    });
  }

  /** kubectl that must succeed: throws with kubectl's own message otherwise. */
  async kubectlOk(args: readonly string[], input?: string): Promise<string> {
    const result = await this.kubectl(args, input);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${(result.stderr || result.stdout).trim()}`);
    return result.stdout;
  }

  /**
   * One watch request: calls `onEvent` for each event until the server ends the stream (it does
   * after a timeout) or `signal` aborts; resolves then. Long-lived, so on its own agent.
   */
  watch(path: string, resourceVersion: string, onEvent: (type: string, obj: Json) => void, signal: AbortSignal): Promise<void> {
    const sep = path.includes('?') ? '&' : '?';
    return new Promise((resolve, reject) => {
      const req = https.request(
        `${this.server}${path}${sep}watch=1&allowWatchBookmarks=true&timeoutSeconds=300&resourceVersion=${resourceVersion}`,
        { method: 'GET', agent: this.watchAgent, headers: { Accept: 'application/json' }, signal },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
            return;
          }
          let buffered = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffered += chunk;
            for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
              const line = buffered.slice(0, newline).trim();
              buffered = buffered.slice(newline + 1);
              if (!line) continue;
              let event: { type: string; object: Json };
              try {
                event = JSON.parse(line);
              } catch {
                continue;
              }
              onEvent(event.type, event.object);
            }
          });
          res.on('end', () => resolve());
          res.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
        },
      );
      req.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}

/** The message of a Kubernetes Status body, or the body itself. */
export function message(res: Response): string {
  const body = res.body as Json | string | undefined;
  if (body && typeof body === 'object' && typeof body.message === 'string') return body.message;
  return String(body ?? '').slice(0, 300);
}

/** Condition `type` of an object's status, if any. */
export function condition(obj: Json | undefined, type: string): Json | undefined {
  return ((obj?.status?.conditions ?? []) as Json[]).find((c) => c.type === type);
}

export const isTrue = (obj: Json | undefined, type: string): boolean => condition(obj, type)?.status === 'True';
