/**
 * The local control plane: etcd → kube-apiserver → kube-controller-manager (garbage collector)
 * → Crossplane core init → the two functions → Crossplane core start → FunctionRevisions →
 * provider CRDs. start() records how long each step took; stop() ends every process;
 * start(false) after stop() starts them again over the same etcd data (the warm start).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crdDir } from '../engines/crds';
import { startApiServer } from './apiserver';
import { startControllerManager } from './controller-manager';
import { initCrossplane, startCrossplane, writeCrossplaneCerts, type CrossplaneDirs, type CrossplanePorts } from './crossplane';
import { startEtcd } from './etcd';
import { registerFunctions, startFunctions, type FunctionSpec } from './functions';
import { Kube, isTrue } from './kube';
import { E2eError, say, seconds } from './log';
import { makePki, writeKubeconfig, type KeyPair, type Pki } from './pki';
import type { Ports } from './ports';
import { Supervisor, waitFor } from './processes';
import type { FunctionTool, Tools } from './tools';

export interface PlatformFunction {
  readonly name: string;
  readonly image: string;
}

export interface ControlPlaneOptions {
  readonly workDir: string;
  readonly logDir: string;
  readonly tools: Tools;
  readonly ports: Ports;
  readonly crossplaneSource: string;
  readonly functions: readonly PlatformFunction[];
  readonly debug: boolean;
  /** The provider CRD files to install (default: every vendored provider-aws CRD). */
  readonly providerCrds?: { readonly files: readonly string[]; readonly source: string };
}

export type StepTimes = Array<[step: string, ms: number]>;

export class ControlPlane {
  readonly supervisor: Supervisor;
  readonly pki: Pki;
  readonly kube: Kube;
  readonly server: string;
  private readonly kubeconfigs: { admin: string; crossplane: string; controllerManager: string };
  private crossplaneDirs?: CrossplaneDirs;
  private rootCa?: KeyPair;

  constructor(private readonly options: ControlPlaneOptions) {
    this.supervisor = new Supervisor(options.logDir);
    this.pki = makePki(path.join(options.workDir, 'pki'));
    this.server = `https://127.0.0.1:${options.ports['kube-apiserver']}`;
    const kc = (name: string, user: KeyPair): string =>
      writeKubeconfig(path.join(options.workDir, `${name}.kubeconfig`), this.server, this.pki.ca.crt, user, name);
    this.kubeconfigs = {
      admin: kc('admin', this.pki.admin),
      crossplane: kc('crossplane', this.pki.crossplane),
      controllerManager: kc('kube-controller-manager', this.pki.controllerManager),
    };
    this.kube = new Kube(this.server, this.pki.ca.crt, this.pki.admin, options.tools.kubectl, this.kubeconfigs.admin);
  }

  get adminKubeconfig(): string {
    return this.kubeconfigs.admin;
  }

  private get crossplanePorts(): CrossplanePorts {
    const p = this.options.ports;
    return { webhook: p['crossplane-webhook'], metrics: p['crossplane-metrics'], health: p['crossplane-health'] };
  }

  private get functionSpecs(): FunctionSpec[] {
    return this.options.functions.map((fn) => {
      const name = fn.name as FunctionTool;
      const binary = this.options.tools[name];
      if (!binary) throw new E2eError(`dist/platform declares the Function ${fn.name}, which the e2e has no local build of`);
      return { ...fn, binary, port: this.options.ports[name] };
    });
  }

  /** Brings everything up; `fresh` also installs what lives in etcd (CRDs, revisions). */
  async start(fresh: boolean): Promise<StepTimes> {
    const { tools, ports, workDir } = this.options;
    const times: StepTimes = [];
    const step = async (name: string, run: () => Promise<void>): Promise<void> => {
      const start = Date.now();
      await run();
      times.push([name, Date.now() - start]);
      say(`${name}: ${seconds(Date.now() - start)}`);
    };
    let etcd = '';
    await step('etcd', async () => {
      etcd = await startEtcd(this.supervisor, tools.etcd, workDir, ports.etcd, ports['etcd-peer']);
    });
    await step('kube-apiserver', () =>
      startApiServer(this.supervisor, tools['kube-apiserver'], this.pki, etcd, ports['kube-apiserver'], this.kube),
    );
    await step('kube-controller-manager (garbage collector)', () =>
      startControllerManager(
        this.supervisor,
        tools['kube-controller-manager'],
        this.kubeconfigs.controllerManager,
        ports['kube-controller-manager'],
        path.join(workDir, 'kube-controller-manager'),
      ),
    );
    await step('crossplane core init', async () => {
      await initCrossplane(
        this.supervisor,
        tools['crossplane-core'],
        this.kube,
        this.pki,
        this.kubeconfigs.crossplane,
        this.options.crossplaneSource,
        this.crossplanePorts,
      );
      const { dirs, rootCa } = await writeCrossplaneCerts(this.kube, this.pki, path.join(workDir, 'crossplane'));
      this.crossplaneDirs = dirs;
      this.rootCa = rootCa;
    });
    await step('functions (mTLS gRPC servers)', () =>
      startFunctions(this.supervisor, this.functionSpecs, this.rootCa!, path.join(workDir, 'functions'), this.options.debug),
    );
    await step('crossplane core start', () =>
      startCrossplane(
        this.supervisor,
        tools['crossplane-core'],
        this.kubeconfigs.crossplane,
        this.crossplaneDirs!,
        this.crossplanePorts,
        this.options.debug,
      ),
    );
    if (fresh) {
      await step('FunctionRevisions (paused, status patched)', () => registerFunctions(this.kube, this.functionSpecs));
      await step(`provider CRDs (${this.providerCrds.source})`, () => this.installProviderCrds());
    }
    return times;
  }

  private get providerCrds(): { files: readonly string[]; source: string } {
    if (this.options.providerCrds) return this.options.providerCrds;
    const dir = path.join(crdDir(), 'provider-aws');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    if (!files.length) throw new E2eError(`no CRD files in ${dir}`);
    return { files: files.map((f) => path.join(dir, f)), source: 'vendored provider-aws' };
  }

  /**
   * Server-side applies the provider CRDs (as the provider packages would install them) and waits
   * until all are Established.
   */
  private async installProviderCrds(): Promise<void> {
    const { files } = this.providerCrds;
    await this.kube.kubectlOk(['apply', '--server-side', '--field-manager=payments-dr-e2e', ...files.flatMap((f) => ['-f', f])]);
    await waitFor(
      `${files.length} provider CRDs Established`,
      120_000,
      async () => {
        const crds = (await this.kube.list('/apis/apiextensions.k8s.io/v1/customresourcedefinitions')).filter((crd) =>
          /(^|\.)aws\.upbound\.io$/.test(crd.spec.group),
        );
        return crds.length >= files.length && crds.every((crd) => isTrue(crd, 'Established'));
      },
      this.supervisor,
      500,
    );
  }

  async stop(): Promise<void> {
    await this.supervisor.stopAll();
  }
}
