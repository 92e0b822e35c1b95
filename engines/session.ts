/**
 * One set of running engines for a command or a test file: the two functions and the scratch API
 * server start on first use and stop together (stop(), or the exit handlers in processes.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiServer } from './apiserver';
import { CrdInstaller } from './crd-installer';
import { startFunctions, type RunningFunctions } from './functions';
import { render, type RenderRequest, type RenderResult } from './render';
import { toolPath } from './tools';

export class EngineSession {
  readonly workDir: string;
  private functions?: Promise<RunningFunctions>;
  private apiserver?: Promise<ApiServer>;
  private renders = 0;
  private readonly waiting: Array<() => void> = [];

  /** `concurrency`: renders at once (each runs the CLI and core; 2 cores are shared). */
  constructor(private readonly concurrency = Math.max(1, Math.min(2, os.cpus().length))) {
    this.workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'payments-dr-engines-'));
  }

  runningFunctions(): Promise<RunningFunctions> {
    this.functions ??= startFunctions(path.join(this.workDir, 'functions'));
    return this.functions;
  }

  apiServer(): Promise<ApiServer> {
    this.apiserver ??= ApiServer.start(path.join(this.workDir, 'apiserver'));
    return this.apiserver;
  }

  private installer?: CrdInstaller;

  /** CRDs of the scratch API server, installed once per session (starts the server). */
  crds(): CrdInstaller {
    this.installer ??= new CrdInstaller(this.apiServer(), path.join(this.workDir, 'xrds'));
    return this.installer;
  }

  async render(request: RenderRequest): Promise<RenderResult> {
    // Name a missing CLI or core before starting anything.
    toolPath('crossplane-cli');
    toolPath('crossplane-core');
    const functions = await this.runningFunctions();
    while (this.renders >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.renders += 1;
    try {
      return await render(request, functions, path.join(this.workDir, 'renders'));
    } finally {
      this.renders -= 1;
      this.waiting.shift()?.();
    }
  }

  async stop(): Promise<void> {
    const settled = await Promise.allSettled([this.functions, this.apiserver].filter(Boolean) as Promise<{ stop(): Promise<void> }>[]);
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    if (!process.env.KEEP_ENGINE_WORK) fs.rmSync(this.workDir, { recursive: true, force: true });
  }
}
