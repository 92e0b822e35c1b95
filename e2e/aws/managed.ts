/**
 * The managed resources (MRs) of the AWS e2e as the API server has them, and what the provider's
 * debug log says about them: each completed reconcile leaves one line naming the controller and the
 * MR — "External resource is up to date", or, when it found a difference, that it requested an
 * update (or could not make it).
 */
import * as fs from 'node:fs';
import type { Json, Kube } from '../kube';
import { condition, isTrue } from '../kube';
import { type ResourceType, resourcePath } from '../resources';
import { PAUSED } from './moto-gaps';

export interface Managed {
  /** `group/Kind name`, e.g. `ec2.aws.upbound.io/VPC vpc-use1-dev`. */
  readonly id: string;
  readonly type: ResourceType;
  readonly name: string;
  readonly paused: boolean;
  readonly ready: boolean;
  readonly synced: boolean;
  /** Synced's message when it is not True: the provider's error (e.g. moto's answer). */
  readonly problem?: string;
  /** spec.forProvider.region: the region its AWS calls are signed for. */
  readonly region?: string;
  /** External name, status.atProvider.id and .arn: what its AWS calls name it by. */
  readonly identifiers: readonly string[];
  readonly live: Json;
}

export const managedId = (type: ResourceType, name: string): string => `${type.group}/${type.kind} ${name}`;

export async function listManaged(kube: Kube, types: readonly ResourceType[]): Promise<Managed[]> {
  const all: Managed[] = [];
  for (const type of types) {
    for (const live of await kube.list(resourcePath(type))) {
      const name = live.metadata.name as string;
      const atProvider = (live.status?.atProvider ?? {}) as Json;
      const identifiers = [live.metadata.annotations?.['crossplane.io/external-name'], atProvider.id, atProvider.arn].filter(
        (v): v is string => typeof v === 'string' && v.length >= 6,
      );
      const synced = isTrue(live, 'Synced');
      all.push({
        id: managedId(type, name),
        type,
        name,
        paused: live.metadata.annotations?.[PAUSED] === 'true',
        region: live.spec?.forProvider?.region,
        ready: isTrue(live, 'Ready'),
        synced,
        problem: synced ? undefined : (condition(live, 'Synced')?.message ?? condition(live, 'Ready')?.message),
        identifiers: [...new Set(identifiers)],
        live,
      });
    }
  }
  return all.sort((a, b) => a.id.localeCompare(b.id));
}

const RECONCILED = new RegExp(
  [
    'External resource is up to date',
    'Successfully requested (update|creation) of external resource',
    'Skipping update due to managementPolicies',
    'Cannot (update|create|observe) external resource',
  ].join('|'),
);

/** A difference the provider's Terraform plan found between an MR's spec and what AWS reported. */
export interface ProviderDiff {
  readonly id: string;
  /** Terraform attribute paths, e.g. `logging_config.0.log_format`, `tags.Name`. */
  readonly attributes: readonly string[];
}

/**
 * What the provider's debug log records from byte `from` on: how many completed reconciles per MR
 * id, and each "Diff detected" with the Terraform attributes it names. A reconcile is logged with
 * the controller as `managed/<group>/<version>, kind=<Kind>` and the request as {"name": ...}
 * (cluster-scoped MRs); a diff with the MR's `gvk` and `name`.
 */
export function readProviderLog(
  log: string,
  kinds: ReadonlyMap<string, ResourceType>,
  from = 0,
): { counts: Map<string, number>; diffs: ProviderDiff[]; end: number } {
  const counts = new Map<string, number>();
  const diffs: ProviderDiff[] = [];
  const tail = readFrom(log, from);
  const complete = tail.subarray(0, tail.lastIndexOf(0x0a) + 1);
  const end = from + complete.length;
  if (complete.length === 0) return { counts, diffs, end };
  const idOf = (group: string, kind: string, name: string): string | undefined => {
    const type = kinds.get(`${group}|${kind.toLowerCase()}`);
    return type && managedId(type, name);
  };
  for (const line of complete.toString('utf8').split('\n')) {
    if (line.includes('\tDiff detected\t')) {
      const gvk = /"gvk":\s*"([^/"]+)\/[^,"]+, Kind=([^"]+)"/.exec(line);
      const name = /"name":\s*"([^"]+)"/.exec(line);
      const id = gvk && name && idOf(gvk[1], gvk[2], name[1]);
      const attributes = [...line.matchAll(/\\"([^"\\]+)\\":\*terraform\.ResourceAttrDiff/g)].map((m) => m[1]);
      if (id) diffs.push({ id, attributes });
      continue;
    }
    if (!RECONCILED.test(line)) continue;
    const controller = /"controller":\s*"managed\/([^/"]+)\/[^,"]+, kind=([^"]+)"/.exec(line);
    const name = /"request":\s*\{[^}]*"name":\s*"([^"]+)"/.exec(line) ?? /"request":\s*"\/?([^"]+)"/.exec(line);
    const id = controller && name && idOf(controller[1], controller[2], name[1]);
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return { counts, diffs, end };
}

/** The bytes of `file` from offset `from` to its current end: a round's wait polls only what is new. */
function readFrom(file: string, from: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const length = Math.max(0, fs.fstatSync(fd).size - from);
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = fs.readSync(fd, buffer, read, length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
}
