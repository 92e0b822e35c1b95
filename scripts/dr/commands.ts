import { FailoverGlobalClusterCommand, SwitchoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import type { HealthProbe } from '../../functions/failover-controller/decision';
import type { LagReading } from '../../functions/failover-controller/evidence';
import { replicationLag } from '../../functions/failover-controller/evidence';
import type { ClusterMember, GlobalClusterView } from '../../functions/failover-controller/rds';
import { describeCluster, describeGlobalCluster, writerOf } from '../../functions/failover-controller/rds';
import type { Region } from '../../functions/shared/config';
import type { ActiveRegion } from '../../functions/shared/fencing';
import { readActiveRegion, recordActiveRegion } from '../../functions/shared/fencing';
import type { DrAws } from './aws';
import { awsCall, DrError } from './errors';
import type { DrNames } from './names';

export interface Io {
  print(line?: string): void;
  /** Asks on stdin; resolves '' when there is no answer (end of input). */
  ask(question: string): Promise<string>;
}

export interface DrContext {
  aws: DrAws;
  io: Io;
  names: DrNames;
  now(): Date;
  /** Who runs the command: stored as `decidedBy` with the new active region. */
  operator: string;
  /** GETs a region's /health (bounded). */
  probe(url: string): Promise<HealthProbe>;
}

export const EXIT = { ok: 0, failed: 1, refused: 2, usage: 64 } as const;

/** Where status reads shared state first: the region that is not the primary (it must work while us-east-1 is down). */
const READ_ORDER: readonly Region[] = ['us-west-2', 'us-east-1'];

// ---------------------------------------------------------------------------------------------- status

/** Roles, engine versions and lag of both clusters, /health of both regions, and the active region + epoch. Changes nothing. */
export async function status(ctx: DrContext): Promise<number> {
  const { names, io } = ctx;
  const now = ctx.now();
  const [database, health, active] = await Promise.all([
    firstAnswer((region) => awsCall(rdsRead('rds:DescribeGlobalClusters', names.globalClusterId, region), () => describeGlobalCluster(ctx.aws.rds(region), names.globalClusterId))),
    Promise.all(READ_ORDER.slice().reverse().map(async (region) => ({ region, url: names.healthUrls[region], probe: await ctx.probe(names.healthUrls[region]) }))),
    firstAnswer((region) => awsCall(tableCall('dynamodb:GetItem', names, region), () => readActiveRegion(ctx.aws.dynamodb(region), names.drStateTable))),
  ]);
  const warnings: string[] = [];

  io.print(`Environment ${names.environmentSuffix}`);
  if ('error' in database) {
    io.print(`Database (${names.globalClusterId}): unreadable`);
    database.errors.forEach((error) => io.print(`  ${error}`));
  } else {
    const { value: global, region } = database;
    io.print(`Database (${global.id}, read in ${region}): ${global.status ?? 'unknown status'}`);
    const rows = await Promise.all(global.members.map((member) => memberRow(ctx, member, now)));
    rows.forEach((row) => io.print(`  ${row}`));
    if (global.failover) warnings.push(`a ${global.failover.dataLossAllowed ? 'failover (data loss allowed)' : 'switchover'} is running: ${global.failover.status} from ${global.failover.fromArn} to ${global.failover.toArn}`);
    const writer = writerOf(global);
    if (!writer) warnings.push('no member is the writer: writes fail everywhere until a failover completes');
    else if (!('error' in active) && active.value.activeRegion !== writer.region) {
      warnings.push(
        `the active-region record says ${active.value.activeRegion} but the Aurora writer is in ${writer.region}: webhooks in ${writer.region} refuse writes. ` +
          `Record it with: npx tsx scripts/dr.ts switchover --env ${names.environmentSuffix} --to ${writer.region} (with the writer already there it only records)`,
      );
    }
  }

  io.print('Health (each region\'s own hostname)');
  for (const { region, url, probe } of health) io.print(`  ${region}  ${probe.ok ? 'healthy' : 'UNHEALTHY'}  ${probeText(probe)}  ${url}`);

  if ('error' in active) {
    io.print(`Active region (${names.drStateTable}): unreadable`);
    active.errors.forEach((error) => io.print(`  ${error}`));
  } else {
    io.print(`Active region (${names.drStateTable}, ${active.region} replica)`);
    io.print(`  ${activeText(active.value)}`);
  }

  if (warnings.length) {
    io.print('Warnings');
    warnings.forEach((warning) => io.print(`  ! ${warning}`));
  }
  return 'error' in database || 'error' in active ? EXIT.failed : EXIT.ok;
}

async function memberRow(ctx: DrContext, member: ClusterMember, now: Date): Promise<string> {
  const role = member.isWriter ? 'WRITER' : 'reader';
  const [cluster, lag] = await Promise.all([
    awsCall(rdsRead('rds:DescribeDBClusters', member.arn, member.region), () => describeCluster(ctx.aws.rds(member.region as Region), member.arn)).catch((error: Error) => error),
    member.isWriter ? undefined : replicationLag(ctx.aws.cloudwatch(member.region as Region), member.clusterId, now),
  ]);
  const details = cluster instanceof Error ? `unreachable: ${cluster.message}` : `engine ${cluster.engineVersion ?? '?'}  ${cluster.status ?? '?'}`;
  const sync = member.synchronizationStatus ? `  ${member.synchronizationStatus}` : '';
  return `${member.region}  ${member.clusterId}  ${role}  ${details}${sync}${lag ? `  replication lag ${lagText(lag)}` : ''}`;
}

// ------------------------------------------------------------------------------ switchover and failover

export type MoveKind = 'switchover' | 'failover' | 'failover-allow-data-loss';

export interface MoveOptions {
  kind: MoveKind;
  to: Region;
  dryRun: boolean;
  yes: boolean;
}

interface Check {
  ok: boolean;
  text: string;
}

/**
 * Moves the Aurora writer to `to` and records `to` as the active region with epoch + 1, after
 * printing the checks and the plan. A switchover (and a failover without --allow-data-loss, the
 * API's no-data-loss variant) is refused unless replication is current and the engine versions
 * match; a failover allowing data loss reads only the target region, so it works while the
 * writer's region is down. Every read and the record go to the target region's endpoints.
 */
export async function moveWriter(ctx: DrContext, options: MoveOptions): Promise<number> {
  const { names, io } = ctx;
  const { to, kind } = options;
  const lossless = kind !== 'failover-allow-data-loss';
  io.print(headline(names, options));

  let global: GlobalClusterView;
  let active: ActiveRegion;
  try {
    [global, active] = await Promise.all([
      awsCall(rdsRead('rds:DescribeGlobalClusters', names.globalClusterId, to), () => describeGlobalCluster(ctx.aws.rds(to), names.globalClusterId)),
      awsCall(tableCall('dynamodb:GetItem', names, to), () => readActiveRegion(ctx.aws.dynamodb(to), names.drStateTable)),
    ]);
  } catch (error) {
    return fail(io, error);
  }
  const target = global.members.find((member) => member.region === to);
  if (!target) {
    io.print(`refused: the global cluster ${global.id} has no member in ${to} (members: ${global.members.map((m) => m.clusterId).join(', ') || 'none'})`);
    return EXIT.refused;
  }
  const epoch = active.epoch + 1;
  const record = `record the active region ${to} at epoch ${epoch} in ${names.drStateTable} (${to} replica), only if its epoch is still below ${epoch}; currently ${activeText(active)}`;

  // the writer is already there: at most the record is missing (e.g. a run that promoted but could not record)
  if (target.isWriter) {
    if (active.activeRegion === to) {
      io.print(`nothing to do: ${target.clusterId} is already the writer and ${to} the recorded active region (epoch ${active.epoch})`);
      return EXIT.ok;
    }
    io.print(`${target.clusterId} is already the writer, but the active-region record says ${active.activeRegion}.`);
    return confirmAndRun(ctx, options, [`1. ${record}`], async () => recordMove(ctx, options, epoch, `${kind} to ${to}: the writer was already there`));
  }

  const checks = await preflight(ctx, global, target, lossless);
  io.print('Checks');
  checks.forEach((check) => io.print(`  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.text}`));
  const { command, action } = moveCommand(names, target, kind);
  const plan = [
    `1. ${action} in ${to}: ${Object.entries(command.input).map(([key, value]) => `${key}=${value}`).join(' ')}`,
    `2. ${record}`,
  ];
  const failed = checks.filter((check) => !check.ok);
  if (failed.length) {
    io.print('Plan (not run)');
    plan.forEach((step) => io.print(`  ${step}`));
    io.print(`refused: ${failed.map((check) => check.text).join('; ')}`);
    if (lossless) io.print(`If the writer's region is down, a planned move cannot work: use failover --to ${to} --allow-data-loss (runbook 2a).`);
    return EXIT.refused;
  }
  return confirmAndRun(ctx, options, plan, async () => {
    try {
      await awsCall({ action, resource: names.globalClusterId, region: to }, () => ctx.aws.rds(to).send(command));
    } catch (error) {
      io.print('nothing was recorded: the database was not moved');
      return fail(io, error);
    }
    io.print(`requested: ${target.clusterId} becomes the writer (takes about a minute; writes answer 5xx meanwhile and senders retry)`);
    return recordMove(ctx, options, epoch, `${kind} to ${to}${lossless ? '' : ' allowing data loss'}`);
  });
}

function headline(names: DrNames, { kind, to }: MoveOptions): string {
  if (kind === 'switchover') return `Switchover of ${names.globalClusterId} to ${to}: planned, waits for replication to catch up, no data loss (RPO 0)`;
  if (kind === 'failover') return `Failover of ${names.globalClusterId} to ${to} without data loss (the API's switchover variant): the current writer must be reachable`;
  return `Failover of ${names.globalClusterId} to ${to} ALLOWING DATA LOSS: the current writer is not needed; writes it did not replicate are lost`;
}

/** The safety checks; a lossless move needs current replication and matching engine versions. */
async function preflight(ctx: DrContext, global: GlobalClusterView, target: ClusterMember, lossless: boolean): Promise<Check[]> {
  const { names } = ctx;
  const checks: Check[] = [];
  const writer = writerOf(global);
  const busy = global.status !== 'available' || global.failover;
  checks.push({
    ok: !busy,
    text: busy
      ? `the global cluster is busy (${global.status}${global.failover ? `, ${global.failover.status} to ${global.failover.toArn}` : ''}): wait until it is available`
      : `global cluster available; writer ${writer ? `${writer.clusterId} (${writer.region})` : 'none'}`,
  });
  const lag = await replicationLag(ctx.aws.cloudwatch(target.region as Region), target.clusterId, ctx.now());
  if (!lossless) {
    checks.push({ ok: true, text: `replication lag of ${target.clusterId}: ${lagText(lag)} (about the window of writes that can be lost; AuroraGlobalDBRPOLag tells more)` });
    return checks;
  }
  const threshold = names.replicationLagThresholdMs;
  checks.push(
    lag.lagMs === undefined
      ? { ok: false, text: `replication lag of ${target.clusterId} is unknown (${lagText(lag)}): a move without data loss cannot be shown safe` }
      : { ok: lag.lagMs <= threshold, text: `replication lag of ${target.clusterId} ${lag.lagMs} ms (threshold ${threshold} ms)` },
  );
  if (target.synchronizationStatus && target.synchronizationStatus !== 'connected') {
    checks.push({ ok: false, text: `${target.clusterId} is ${target.synchronizationStatus}, not connected to the writer` });
  }
  const versions = await Promise.all(
    global.members.map(async (member) => {
      try {
        const cluster = await awsCall(rdsRead('rds:DescribeDBClusters', member.arn, member.region), () => describeCluster(ctx.aws.rds(member.region as Region), member.arn));
        return { member, version: cluster.engineVersion, status: cluster.status };
      } catch (error) {
        return { member, error: (error as Error).message };
      }
    }),
  );
  for (const unread of versions.filter((v) => 'error' in v)) checks.push({ ok: false, text: `cannot read ${unread.member.clusterId}: ${unread.error}` });
  const read = versions.filter((v): v is { member: ClusterMember; version: string | undefined; status: string | undefined } => !('error' in v));
  const distinct = new Set(read.map((v) => v.version));
  const listed = read.map((v) => `${v.member.clusterId} ${v.version ?? '?'}`).join(', ');
  checks.push({ ok: distinct.size === 1 && !distinct.has(undefined), text: distinct.size === 1 ? `engine versions match: ${listed}` : `engine versions differ: ${listed} (upgrade the members to one version first)` });
  for (const { member, status } of read.filter((v) => v.status !== 'available')) checks.push({ ok: false, text: `${member.clusterId} is ${status ?? 'in an unknown state'}, not available` });
  return checks;
}

/** The RDS call that moves the writer, and its IAM action. */
function moveCommand(names: DrNames, target: ClusterMember, kind: MoveKind) {
  const input = { GlobalClusterIdentifier: names.globalClusterId, TargetDbClusterIdentifier: target.arn };
  if (kind === 'switchover') return { command: new SwitchoverGlobalClusterCommand(input), action: 'rds:SwitchoverGlobalCluster' };
  const variant = kind === 'failover' ? { Switchover: true } : { AllowDataLoss: true };
  return { command: new FailoverGlobalClusterCommand({ ...input, ...variant }), action: 'rds:FailoverGlobalCluster' };
}

/** Prints the plan; stops after it on --dry-run, asks unless --yes, then runs. */
async function confirmAndRun(ctx: DrContext, options: MoveOptions, plan: string[], run: () => Promise<number>): Promise<number> {
  const { io } = ctx;
  io.print('Plan');
  plan.forEach((step) => io.print(`  ${step}`));
  if (options.dryRun) {
    io.print('dry run: nothing was changed');
    return EXIT.ok;
  }
  if (!options.yes) {
    const answer = await io.ask(`Proceed in ${ctx.names.environmentSuffix}? Type "yes" to continue: `);
    if (answer.trim().toLowerCase() !== 'yes') {
      io.print('aborted: nothing was changed');
      return EXIT.failed;
    }
  }
  return run();
}

async function recordMove(ctx: DrContext, options: MoveOptions, epoch: number, reason: string): Promise<number> {
  const { io, names } = ctx;
  let outcome: 'recorded' | 'superseded';
  try {
    outcome = await awsCall(tableCall('dynamodb:PutItem', names, options.to), () =>
      recordActiveRegion(ctx.aws.dynamodb(options.to), names.drStateTable, { activeRegion: options.to, epoch, reason, decidedBy: ctx.operator, updatedAt: ctx.now() }),
    );
  } catch (error) {
    io.print(`the active region was NOT recorded: webhooks in ${options.to} refuse writes until it is. Re-run this command once DynamoDB answers (with the writer already moved it only records).`);
    return fail(io, error);
  }
  if (outcome === 'superseded') {
    io.print(`not recorded: the active-region record already holds epoch ${epoch} or later (someone else decided meanwhile); run status`);
    return EXIT.failed;
  }
  io.print(`recorded: ${options.to} is the active region at epoch ${epoch}; webhooks follow within seconds. Follow the move with: npx tsx scripts/dr.ts status --env ${names.environmentSuffix}`);
  return EXIT.ok;
}

// ------------------------------------------------------------------------------------------- helpers

function rdsRead(action: string, resource: string, region: string) {
  return { action, resource, region };
}

function tableCall(action: string, names: DrNames, region: string) {
  return { action, resource: `table ${names.drStateTable}`, region };
}

/** The first region (in READ_ORDER) that answers, or every region's error. */
async function firstAnswer<T>(read: (region: Region) => Promise<T>): Promise<{ value: T; region: Region } | { error: true; errors: string[] }> {
  const errors: string[] = [];
  for (const region of READ_ORDER) {
    try {
      return { value: await read(region), region };
    } catch (error) {
      errors.push(`${region}: ${(error as Error).message}`);
    }
  }
  return { error: true, errors };
}

function fail(io: Io, error: unknown): number {
  io.print(`error: ${error instanceof DrError ? error.message : (error as Error).message}`);
  return EXIT.failed;
}

function activeText(active: ActiveRegion): string {
  if (active.epoch === 0 && !active.updatedAt) return `${active.activeRegion} at epoch 0 (no failover recorded)`;
  return `${active.activeRegion} at epoch ${active.epoch}, since ${active.updatedAt ?? '?'} by ${active.decidedBy ?? '?'}${active.reason ? `: ${active.reason}` : ''}`;
}

function lagText(lag: LagReading): string {
  if (lag.lagMs !== undefined) return `${lag.lagMs} ms at ${lag.at}`;
  return lag.error ? `unknown, CloudWatch failed: ${lag.error}` : 'unknown, no datapoint in the last 3 minutes';
}

function probeText(probe: HealthProbe): string {
  if (probe.ok) return `HTTP ${probe.status} in ${Math.round(probe.latencyMs)} ms`;
  if (probe.failure === 'status') return `HTTP ${probe.status}${probe.detail ? ` (${probe.detail})` : ''}`;
  return `${probe.failure}${probe.detail ? ` (${probe.detail})` : ''}`;
}
