import { createHash, createHmac, randomUUID } from 'node:crypto';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Region } from '../../functions/shared/config';

/** FIS experiment states (API `ExperimentStatus`); the last four are terminal. */
export const TERMINAL_STATES = ['completed', 'stopped', 'failed', 'cancelled'] as const;
export type ExperimentState = 'pending' | 'initiating' | 'running' | 'stopping' | (typeof TERMINAL_STATES)[number];

export interface ExperimentTemplateSummary {
  id: string;
  description?: string;
  tags: Record<string, string>;
}

export interface ExperimentView {
  id: string;
  state: ExperimentState;
  /** Why it is in that state (e.g. which stop condition fired). */
  reason?: string;
  startTime?: Date;
  endTime?: Date;
}

/** The AWS FIS calls `dr drill` makes (tests pass a mock). */
export interface FisApi {
  listExperimentTemplates(): Promise<ExperimentTemplateSummary[]>;
  startExperiment(templateId: string, tags: Record<string, string>): Promise<ExperimentView>;
  getExperiment(id: string): Promise<ExperimentView>;
}

interface ExperimentJson {
  id: string;
  state?: { status?: ExperimentState; reason?: string };
  startTime?: number;
  endTime?: number;
}

const seconds = (value: number | undefined) => (value === undefined ? undefined : new Date(value * 1000));
const view = (experiment: ExperimentJson): ExperimentView => ({
  id: experiment.id,
  state: experiment.state?.status ?? 'pending',
  reason: experiment.state?.reason,
  startTime: seconds(experiment.startTime),
  endTime: seconds(experiment.endTime),
});

/** SHA-256 for the signer, from node's crypto (the checksum constructor shape SignatureV4 expects). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

/**
 * FIS over its REST-JSON API (fis.<region>.amazonaws.com), signed with SigV4 and the default
 * credential chain. There is no @aws-sdk/client-fis at the version of the project's other SDK
 * clients (README, "DR drills": why), so the three calls are made here; each is bounded.
 * `endpoint` and `credentials` are for tests (a local HTTP server).
 */
export function fisRestClient(
  region: Region,
  options: { timeoutMs?: number; endpoint?: URL; credentials?: { accessKeyId: string; secretAccessKey: string } } = {},
): FisApi {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const signer = new SignatureV4({ service: 'fis', region, credentials: options.credentials ?? defaultProvider(), sha256: Sha256 });
  const endpoint = options.endpoint ?? new URL(`https://fis.${region}.amazonaws.com`);
  const hostname = endpoint.host;
  async function call<T>(method: 'GET' | 'POST', path: string, query: Record<string, string> = {}, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const signed = await signer.sign({
      method,
      protocol: endpoint.protocol,
      hostname,
      path,
      query,
      headers: { host: hostname, ...(payload ? { 'content-type': 'application/json' } : {}) },
      body: payload,
    });
    const search = new URLSearchParams(query).toString();
    const response = await fetch(`${endpoint.protocol}//${hostname}${path}${search ? `?${search}` : ''}`, {
      method,
      headers: signed.headers,
      body: payload,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) {
      const error = new Error(text || response.statusText) as Error & { name: string };
      error.name = response.headers.get('x-amzn-errortype')?.split(':')[0] ?? `HTTP${response.status}`;
      throw error;
    }
    return JSON.parse(text) as T;
  }
  return {
    async listExperimentTemplates() {
      const templates: ExperimentTemplateSummary[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call<{ experimentTemplates?: ExperimentTemplateSummary[]; nextToken?: string }>('GET', '/experimentTemplates', {
          maxResults: '100',
          ...(nextToken ? { nextToken } : {}),
        });
        templates.push(...(page.experimentTemplates ?? []).map((t) => ({ id: t.id, description: t.description, tags: t.tags ?? {} })));
        nextToken = page.nextToken;
      } while (nextToken);
      return templates;
    },
    async startExperiment(templateId, tags) {
      const output = await call<{ experiment: ExperimentJson }>(
        'POST',
        '/experiments',
        {},
        { clientToken: randomUUID(), experimentTemplateId: templateId, tags },
      );
      return view(output.experiment);
    },
    async getExperiment(id) {
      return view((await call<{ experiment: ExperimentJson }>('GET', `/experiments/${encodeURIComponent(id)}`)).experiment);
    },
  };
}
