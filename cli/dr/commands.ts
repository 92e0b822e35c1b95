import { FailoverGlobalClusterCommand, SwitchoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import type { HealthProbe } from '../../functions/failover-controller/decision';
import type { LagReading } from '../../functions/failover-controller/evidence';
import { replicationLag } from '../../functions/failover-controller/evidence';
import type { ClusterMember, GlobalClusterView } from '../../functions/failover-controller/rds';
import { describeCluster, describeGlobalCluster, writerOf } from '../../functions/failover-controller/rds';
import type { Region } from '../../functions/shared/config';
import { HEARTBEAT_STALE_MS, readHeartbeat } from '../../functions/failover-controller/heartbeat';
import { REGIONS } from '../../functions/shared/config';
import type { ActiveRegion } from '../../functions/shared/fencing';
import { readActiveRegionRecord, recordActiveRegion } from '../../functions/shared/fencing';
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
  /** The writer database (reconcile): DATABASE_URL by default. */
  database(): Promise<DrDatabase>;
}

/** The PostgreSQL calls reconcile makes; a connected pg Client satisfies it. */
export interface DrDatabase {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
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
    firstAnswer((region) =>
      awsCall(rdsRead('rds:DescribeGlobalClusters', names.globalClusterId, region), () =>
        describeGlobalCluster(ctx.aws.rds(region), names.globalClusterId),
      ),
    ),
    Promise.all(
      READ_ORDER.slice()
        .reverse()
        .map(async (region) => ({ region, url: names.healthUrls[region], probe: await ctx.probe(names.healthUrls[region]) })),
    ),
    firstAnswer((region) =>
      awsCall(tableCall('dynamodb:GetItem', names, region), () => readActiveRegionRecord(ctx.aws.dynamodb(region), names.drStateTable)),
    ),
  ]);
  const heartbeats =
    'error' in active
      ? []
      : await Promise.all(
          REGIONS.map((region) =>
            readHeartbeat(ctx.aws.dynamodb(active.region), names.drStateTable, region).then(
              (beat) => ({ region, beat }),
              () => ({ region, beat: undefined }),
            ),
          ),
        );
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
    if (global.failover)
      warnings.push(
        `a ${global.failover.dataLossAllowed ? 'failover (data loss allowed)' : 'switchover'} is ` +
          `running: ${global.failover.status} from ${global.failover.fromArn} to ${global.failover.toArn}`,
      );
    const writer = writerOf(global);
    if (!writer) warnings.push('no member is the writer: writes fail everywhere until a failover completes');
    else if (!('error' in active) && active.value && active.value.activeRegion !== writer.region) {
      warnings.push(
        `the active-region record says ${active.value.activeRegion} but the Aurora ` +
          `writer is in ${writer.region}: webhooks in ${writer.region} refuse writes. ` +
          `Record it with: npx tsx cli/dr.ts switchover --env ${names.environmentSuffix} ` +
          `--to ${writer.region} (with the writer already there it only records)`,
      );
    }
  }

  io.print("Health (each region's own hostname)");
  for (const { region, url, probe } of health) io.print(`  ${region}  ${probe.ok ? 'healthy' : 'UNHEALTHY'}  ${probeText(probe)}  ${url}`);

  if ('error' in active) {
    io.print(`Active region (${names.drStateTable}): unreadable`);
    active.errors.forEach((error) => io.print(`  ${error}`));
  } else if (!active.value) {
    io.print(`Active region (${names.drStateTable}, ${active.region} replica): NO RECORD`);
    warnings.push(
      `the active-region record is missing: every region refuses payments. Record it: npm run dr -- init --env ${names.environmentSuffix}`,
    );
  } else {
    io.print(`Active region (${names.drStateTable}, ${active.region} replica)`);
    io.print(`  ${activeText(active.value)}`);
    io.print('Heartbeats (failover controllers; a fresh one means that region reaches the DynamoDB quorum)');
    for (const { region, beat } of heartbeats) {
      const age = beat ? Math.round((now.getTime() - Date.parse(beat.beatAt)) / 1000) : undefined;
      const state = beat
        ? `${age! <= HEARTBEAT_STALE_MS / 1000 ? 'fresh' : 'STALE'} (${age} s ago, ${beat.ready ? 'ready' : 'not ready'})`
        : 'none (its controller has not run)';
      io.print(`  ${region}  ${state}`);
    }
  }

  if (warnings.length) {
    io.print('Warnings');
    warnings.forEach((warning) => io.print(`  ! ${warning}`));
  }
  return 'error' in database || 'error' in active || !active.value ? EXIT.failed : EXIT.ok;
}

async function memberRow(ctx: DrContext, member: ClusterMember, now: Date): Promise<string> {
  const role = member.isWriter ? 'WRITER' : 'reader';
  const [cluster, lag] = await Promise.all([
    awsCall(rdsRead('rds:DescribeDBClusters', member.arn, member.region), () =>
      describeCluster(ctx.aws.rds(member.region as Region), member.arn),
    ).catch((error: Error) => error),
    member.isWriter ? undefined : replicationLag(ctx.aws.cloudwatch(member.region as Region), member.clusterId, now),
  ]);
  const details =
    cluster instanceof Error ? `unreachable: ${cluster.message}` : `engine ${cluster.engineVersion ?? '?'}  ${cluster.status ?? '?'}`;
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
 * Moves the active region to `to`: records the fence FIRST (epoch + 1, compare-and-set on the
 * epoch read), then moves the Aurora writer, after printing the checks and the plan. Fence first:
 * from the record on, the old region acknowledges nothing (its webhooks re-read the fence after
 * every write), so a failover allowing data loss can only lose writes acknowledged before the cut
 * (the replication-lag window), never ones acknowledged during the move. A switchover (and a
 * failover without --allow-data-loss, the API's no-data-loss variant) is refused unless replication
 * is current and the engine versions match; a failover allowing data loss reads only the target
 * region (it works while the writer's region is down) and refuses a target that is resynchronizing.
 * Every read, the record and the move go to the target region's endpoints.
 */
export async function moveWriter(ctx: DrContext, options: MoveOptions): Promise<number> {
  const { names, io } = ctx;
  const { to, kind } = options;
  const lossless = kind !== 'failover-allow-data-loss';
  io.print(headline(names, options));

  let global: GlobalClusterView;
  let active: ActiveRegion | undefined;
  try {
    [global, active] = await Promise.all([
      awsCall(rdsRead('rds:DescribeGlobalClusters', names.globalClusterId, to), () =>
        describeGlobalCluster(ctx.aws.rds(to), names.globalClusterId),
      ),
      awsCall(tableCall('dynamodb:GetItem', names, to), () => readActiveRegionRecord(ctx.aws.dynamodb(to), names.drStateTable)),
    ]);
  } catch (error) {
    return fail(io, error);
  }
  if (!active) {
    io.print(
      `refused: the active-region record is missing from ${names.drStateTable}, so every region ` +
        `refuses payments. Record it first: npm run dr -- init --env ${names.environmentSuffix}`,
    );
    return EXIT.refused;
  }
  const target = global.members.find((member) => member.region === to);
  if (!target) {
    io.print(
      `refused: the global cluster ${global.id} has no member in ${to} ` +
        `(members: ${global.members.map((m) => m.clusterId).join(', ') || 'none'})`,
    );
    return EXIT.refused;
  }
  const epoch = active.epoch + 1;
  const record =
    `record the active region ${to} at epoch ${epoch} in ${names.drStateTable} (${to} ` +
    `replica), only if it still holds epoch ${active.epoch}; currently ${activeText(active)}`;

  // the writer is already there: at most the record is missing (e.g. a promotion whose record failed)
  if (target.isWriter) {
    if (active.activeRegion === to) {
      io.print(`nothing to do: ${target.clusterId} is already the writer and ${to} the recorded active region (epoch ${active.epoch})`);
      return EXIT.ok;
    }
    io.print(`${target.clusterId} is already the writer, but the active-region record says ${active.activeRegion}.`);
    return confirmAndRun(ctx, options, [`1. ${record}`], async () =>
      recordMove(ctx, options, epoch, `${kind} to ${to}: the writer was already there`),
    );
  }

  // the record already names the target but the writer did not follow (a move whose database step failed)
  const recorded = active.activeRegion === to;
  if (recorded)
    io.print(
      `${to} is already the recorded active region (epoch ${active.epoch}), but the writer is still elsewhere: only the database is moved.`,
    );
  const checks = await preflight(ctx, global, target, lossless);
  io.print('Checks');
  checks.forEach((check) => io.print(`  ${check.ok ? 'ok  ' : 'FAIL'}  ${check.text}`));
  const { command, action } = moveCommand(names, target, kind);
  const move = `${action} in ${to}: ${Object.entries(command.input)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ')}`;
  const plan = recorded ? [`1. ${move}`] : [`1. ${record}`, `2. ${move}`];
  const failed = checks.filter((check) => !check.ok);
  if (failed.length) {
    io.print('Plan (not run)');
    plan.forEach((step) => io.print(`  ${step}`));
    io.print(`refused: ${failed.map((check) => check.text).join('; ')}`);
    if (lossless)
      io.print(`If the writer's region is down, a planned move cannot work: use failover --to ${to} --allow-data-loss (runbook 2a).`);
    return EXIT.refused;
  }
  return confirmAndRun(ctx, options, plan, async () => {
    if (!recorded) {
      const code = await recordMove(ctx, options, epoch, `${kind} to ${to}${lossless ? '' : ' allowing data loss'}`);
      if (code !== EXIT.ok) {
        io.print('the database was not moved');
        return code;
      }
    }
    try {
      await awsCall({ action, resource: names.globalClusterId, region: to }, () => ctx.aws.rds(to).send(command));
    } catch (error) {
      io.print(
        `the database was NOT moved, but ${to} is the recorded active region: ` +
          'its webhooks accept and write through the global writer endpoint ' +
          '(to the old writer while it is reachable, else they answer 503). ' +
          'Re-run this command to move the database (it then only does that).',
      );
      return fail(io, error);
    }
    io.print(`requested: ${target.clusterId} becomes the writer (takes about a minute; writes answer 5xx meanwhile and senders retry)`);
    io.print(`Follow the move with: npm run dr -- status --env ${names.environmentSuffix}`);
    return EXIT.ok;
  });
}

function headline(names: DrNames, { kind, to }: MoveOptions): string {
  if (kind === 'switchover')
    return `Switchover of ${names.globalClusterId} to ${to}: planned, waits for replication to catch up, no data loss (RPO 0)`;
  if (kind === 'failover')
    return (
      `Failover of ${names.globalClusterId} to ${to} without data loss (the ` +
      `API's switchover variant): the current writer must be reachable`
    );
  return (
    `Failover of ${names.globalClusterId} to ${to} ALLOWING DATA LOSS: the ` +
    'current writer is not needed; writes it did not replicate are lost'
  );
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
      ? `the global cluster is busy (${global.status}` +
        `${global.failover ? `, ${global.failover.status} to ${global.failover.toArn}` : ''}): wait until it is available`
      : `global cluster available; writer ${writer ? `${writer.clusterId} (${writer.region})` : 'none'}`,
  });
  const lag = await replicationLag(ctx.aws.cloudwatch(target.region as Region), target.clusterId, ctx.now());
  if (!lossless) {
    checks.push(
      target.synchronizationStatus === 'pending-resync'
        ? {
            ok: false,
            text:
              `${target.clusterId} is resynchronizing (pending-resync): it does not hold ` +
              `the writer's data yet; promoting it would lose more than the lag window`,
          }
        : { ok: true, text: `${target.clusterId} synchronization: ${target.synchronizationStatus ?? 'not reported'}` },
    );
    checks.push({
      ok: true,
      text:
        `replication lag of ${target.clusterId}: ${lagText(lag)} (about the ` +
        'window of writes that can be lost; AuroraGlobalDBRPOLag tells more)',
    });
    return checks;
  }
  const threshold = names.replicationLagThresholdMs;
  checks.push(
    lag.lagMs === undefined
      ? {
          ok: false,
          text: `replication lag of ${target.clusterId} is unknown (${lagText(lag)}): a move without data loss cannot be shown safe`,
        }
      : { ok: lag.lagMs <= threshold, text: `replication lag of ${target.clusterId} ${lag.lagMs} ms (threshold ${threshold} ms)` },
  );
  if (target.synchronizationStatus && target.synchronizationStatus !== 'connected') {
    checks.push({ ok: false, text: `${target.clusterId} is ${target.synchronizationStatus}, not connected to the writer` });
  }
  const versions = await Promise.all(
    global.members.map(async (member) => {
      try {
        const cluster = await awsCall(rdsRead('rds:DescribeDBClusters', member.arn, member.region), () =>
          describeCluster(ctx.aws.rds(member.region as Region), member.arn),
        );
        return { member, version: cluster.engineVersion, status: cluster.status };
      } catch (error) {
        return { member, error: (error as Error).message };
      }
    }),
  );
  for (const unread of versions.filter((v) => 'error' in v))
    checks.push({ ok: false, text: `cannot read ${unread.member.clusterId}: ${unread.error}` });
  const read = versions.filter(
    (v): v is { member: ClusterMember; version: string | undefined; status: string | undefined } => !('error' in v),
  );
  const distinct = new Set(read.map((v) => v.version));
  const listed = read.map((v) => `${v.member.clusterId} ${v.version ?? '?'}`).join(', ');
  checks.push({
    ok: distinct.size === 1 && !distinct.has(undefined),
    text:
      distinct.size === 1
        ? `engine versions match: ${listed}`
        : `engine versions differ: ${listed} (upgrade the members to one version first)`,
  });
  for (const { member, status } of read.filter((v) => v.status !== 'available'))
    checks.push({ ok: false, text: `${member.clusterId} is ${status ?? 'in an unknown state'}, not available` });
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
export async function confirmAndRun(
  ctx: DrContext,
  options: { dryRun: boolean; yes: boolean },
  plan: string[],
  run: () => Promise<number>,
): Promise<number> {
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
      recordActiveRegion(ctx.aws.dynamodb(options.to), names.drStateTable, {
        activeRegion: options.to,
        epoch,
        reason,
        decidedBy: ctx.operator,
        updatedAt: ctx.now(),
      }),
    );
  } catch (error) {
    io.print(
      `the active region was NOT recorded (nothing changed in ${options.to}'s role). If ${options.to} cannot ` +
        'reach its DynamoDB quorum, no region can be recorded from there; re-run once DynamoDB answers.',
    );
    return fail(io, error);
  }
  if (outcome === 'superseded') {
    io.print(
      `not recorded: the active-region record no longer holds epoch ${epoch - 1} ` +
        '(someone else decided meanwhile, or it is missing); run status',
    );
    return EXIT.failed;
  }
  io.print(
    `recorded: ${options.to} is the active region at epoch ${epoch}; every ` +
      'webhook follows on its next request (the fence is read on every delivery)',
  );
  return EXIT.ok;
}

// ------------------------------------------------------------------------------------------- helpers

function rdsRead(action: string, resource: string, region: string) {
  return { action, resource, region };
}

export function tableCall(action: string, names: DrNames, region: string) {
  return { action, resource: `table ${names.drStateTable}`, region };
}

/** The first region (in READ_ORDER) that answers, or every region's error. */
async function firstAnswer<T>(
  read: (region: Region) => Promise<T>,
): Promise<{ value: T; region: Region } | { error: true; errors: string[] }> {
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

export function fail(io: Io, error: unknown): number {
  io.print(`error: ${error instanceof DrError ? error.message : (error as Error).message}`);
  return EXIT.failed;
}

export function activeText(active: ActiveRegion): string {
  return (
    `${active.activeRegion} at epoch ${active.epoch}, since ${active.updatedAt ?? '?'} ` +
    `by ${active.decidedBy ?? '?'}${active.reason ? `: ${active.reason}` : ''}`
  );
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
