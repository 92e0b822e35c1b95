/**
 * Ports of the local control plane. Every component listens on 127.0.0.1 except three that cannot
 * be told to: Crossplane core's webhook, metrics and health servers take a port only (they bind
 * all interfaces), and the functions' SDK starts a metrics server on :8080 with no flag to move
 * it. That is why the e2e runs in a private network namespace by default (see isolation.ts).
 */
import * as net from 'node:net';
import { E2eError } from './log';
import { FUNCTION_TOOLS } from './tools';

export const PORT_NAMES = [
  'etcd',
  'etcd-peer',
  'kube-apiserver',
  'kube-controller-manager',
  'crossplane-webhook',
  'crossplane-metrics',
  'crossplane-health',
  ...FUNCTION_TOOLS,
] as const;
export type PortName = (typeof PORT_NAMES)[number];
export type Ports = Readonly<Record<PortName, number>>;

/** Resolves when `port` can be bound on all interfaces (the strictest test: core binds ":port"). */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** A port the kernel hands out as free on 127.0.0.1. */
export function ephemeralPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Ports for every component: `base`, base+1, ... in PORT_NAMES order when a base is given, else
 * free ephemeral ports. A port that is taken is one line naming it and its component.
 */
export async function allocatePorts(base?: number): Promise<Ports> {
  const ports = {} as Record<PortName, number>;
  const taken = new Set<number>();
  for (const [i, name] of PORT_NAMES.entries()) {
    let port: number;
    if (base !== undefined) {
      port = base + i;
      if (port > 65535)
        throw new E2eError(
          `--base-port ${base} leaves no room for ${PORT_NAMES.length} ports (last would be ${base + PORT_NAMES.length - 1})`,
        );
      if (!(await canBind(port))) {
        throw new E2eError(
          `port ${port} (${name}) is already in use: stop whatever listens there ` +
            `(ss -ltnp 'sport = :${port}') or pick other ports with --base-port`,
        );
      }
    } else {
      do port = await ephemeralPort();
      while (taken.has(port) || !(await canBind(port)));
    }
    taken.add(port);
    ports[name] = port;
  }
  return ports;
}
