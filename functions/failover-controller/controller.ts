import type { Logger } from '@aws-lambda-powertools/logger';
import { FailoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import type { PublishCommandOutput } from '@aws-sdk/client-sns';
import { PublishCommand } from '@aws-sdk/client-sns';
import { REGIONS } from '../shared/config';
import type { ActiveRegion, DynamoDbItemApi } from '../shared/fencing';
import { FenceMissingError, readActiveRegion, recordActiveRegion } from '../shared/fencing';
import type { ControllerConfig } from './config';
import type { Decision, Evidence, FenceReading, HealthProbe } from './decision';
import { decideFailover } from './decision';
import type { CloudWatchApi, LagReading } from './evidence';
import { replicationLag } from './evidence';
import { readHeartbeat, writeHeartbeat } from './heartbeat';
import { readProbeState, writeProbeState } from './probe-state';
import type { GlobalClusterView, RdsControlPlane } from './rds';
import { describeCluster, describeGlobalCluster } from './rds';

/** The one SNS call the controller makes; an SNSClient satisfies it. */
export interface SnsApi {
  send(command: PublishCommand): Promise<PublishCommandOutput>;
}

export interface ControllerDependencies {
  config: ControllerConfig;
  logger: Logger;
  /** This region's replica of the DR state table. */
  dynamodb: DynamoDbItemApi;
  /** This region's RDS endpoint. */
  rds: RdsControlPlane;
  /** This region's CloudWatch. */
  cloudwatch: CloudWatchApi;
  /** This region's SNS. */
  sns: SnsApi;
  /** GETs a /health URL (bounded attempts and timeouts). */
  probe(url: string): Promise<HealthProbe>;
  now(): Date;
}

export type RunEvidence = Evidence & { lag: LagReading };

type FailoverStep = 'requested' | 'already_writer' | 'already_in_progress';

export type Promotion =
  | { outcome: 'promoted'; epoch: number; targetArn: string; failover: FailoverStep }
  | { outcome: 'superseded'; epoch: number }
  | { outcome: 'failed'; step: 'describe' | 'record' | 'failover'; error: string; epoch?: number };

export interface ControllerRun {
  fence: FenceReading;
  decision: Decision;
  /** This region's own /health in this run (also what its heartbeat says). */
  own?: HealthProbe;
  evidence?: RunEvidence;
  promotion?: Promotion;
  /** In the active region, after a promotion recorded by this controller: the database failover it still owed. */
  completion?: Promotion;
  /** Set when another invocation stored its run first: this one neither counted nor acted. */
  skipped?: 'concurrent_run';
}

/**
 * One run (EventBridge Scheduler invokes it every minute in each region):
 * 1. read the fence (strongly; no answer = this region has no quorum: the run stops, fails, alerts via Lambda Errors);
 * 2. probe this region's /health and write this region's heartbeat (both roles);
 * 3. in the standby: probe the active region, read its heartbeat and the replication lag, decide;
 * 4. store the count (conditional: of two overlapping invocations one counts and may act);
 * 5. promote when the decision says so: fence first (epoch + 1), then FailoverGlobalCluster;
 * 6. in the active region, when the fence was recorded by this controller and the writer has not
 *    followed yet (a run whose failover call failed), request it again;
 * 7. alert.
 */
export async function runController(deps: ControllerDependencies): Promise<ControllerRun> {
  const { config, logger } = deps;
  const now = deps.now();
  const peerRegion = REGIONS.find((region) => region !== config.region) as (typeof REGIONS)[number];
  const fence = await readFence(deps);
  if (fence.state === 'unreadable') {
    const decision = decideFailover({
      region: config.region,
      autoFailoverEnabled: config.autoFailoverEnabled,
      fence,
      previous: undefined,
      now,
      evidence: undefined,
      thresholds: config,
    });
    logger.error('failover decision', { act: false, reason: decision.reason, decision: decision.message });
    throw new Error(decision.message);
  }
  const active = fence.state === 'ok' ? fence.active : undefined;
  const isActive = active?.activeRegion === config.region;
  const [previous, peerHeartbeat, own, peer, lag] = await Promise.all([
    readProbeState(deps.dynamodb, config.drStateTable, config.region),
    isActive ? undefined : readHeartbeat(deps.dynamodb, config.drStateTable, peerRegion),
    deps.probe(config.ownHealthUrl),
    isActive ? undefined : deps.probe(config.peerHealthUrl),
    isActive ? undefined : replicationLag(deps.cloudwatch, config.localClusterId, now),
  ]);
  await writeHeartbeat(deps.dynamodb, config.drStateTable, {
    region: config.region,
    beatAt: now.toISOString(),
    ready: own.ready,
    activeRegion: active?.activeRegion,
    epoch: active?.epoch,
  });

  const evidence: RunEvidence | undefined =
    peer && lag
      ? {
          peer,
          own,
          replicationLagMs: lag.lagMs,
          lag,
          peerHeartbeat: peerHeartbeat && { beatAt: peerHeartbeat.beatAt, ready: peerHeartbeat.ready },
        }
      : undefined;
  const decision = decideFailover({
    region: config.region,
    autoFailoverEnabled: config.autoFailoverEnabled,
    fence,
    previous,
    now,
    evidence,
    thresholds: config,
  });
  const run: ControllerRun = { fence, decision, own, evidence };
  const log = {
    act: decision.act,
    reason: decision.reason,
    decision: decision.message,
    consecutiveFailedMinutes: decision.consecutiveFailedMinutes,
    failedMinutesBeforePromotion: config.failedMinutesBeforePromotion,
    autoFailoverEnabled: config.autoFailoverEnabled,
    activeRegion: active?.activeRegion,
    epoch: active?.epoch,
    own,
    evidence,
  };

  const stored = await writeProbeState(deps.dynamodb, config.drStateTable, config.region, previous, {
    consecutiveFailedMinutes: decision.consecutiveFailedMinutes,
    probeAt: now,
    evidence: evidence ?? { own },
    decision: decision.reason,
  });
  if (stored === 'conflict') {
    logger.warn('failover decision dropped: another invocation stored its run first', log);
    return { ...run, skipped: 'concurrent_run' };
  }
  logger.info('failover decision', log);

  if (decision.act && active) {
    run.promotion = await promote(deps, active, decision);
    const entry = { ...log, promotion: run.promotion };
    if (run.promotion.outcome === 'failed') logger.error('promotion failed', entry);
    else logger.warn(run.promotion.outcome === 'promoted' ? 'region promoted' : 'promotion recorded by someone else first', entry);
  }
  if (isActive && active.decidedBy === decidedBy(config)) {
    run.completion = await completePromotion(deps, active);
    if (run.completion?.outcome === 'failed') logger.error('promotion completion failed', { ...log, completion: run.completion });
    else if (run.completion?.outcome === 'promoted' && run.completion.failover === 'requested')
      logger.warn('database failover requested to complete the recorded promotion', { ...log, completion: run.completion });
  }
  const completionNews = run.completion && !(run.completion.outcome === 'promoted' && run.completion.failover === 'already_writer');
  if (decision.notify || run.promotion || completionNews) await notify(deps, run);
  return run;
}

async function readFence(deps: ControllerDependencies): Promise<FenceReading> {
  try {
    return { state: 'ok', active: await readActiveRegion(deps.dynamodb, deps.config.drStateTable) };
  } catch (error) {
    if (error instanceof FenceMissingError) return { state: 'missing' };
    return { state: 'unreadable', error: errorText(error) };
  }
}

const decidedBy = (config: ControllerConfig) => `failover-controller@${config.region}`;

/**
 * Promotes this region: (1) reads this region's cluster and the global cluster, refusing a target
 * that is resynchronizing (`pending-resync`: it does not hold the writer's data yet) or a global
 * cluster busy with another failover; (2) records the fence FIRST — epoch + 1, compare-and-set on
 * the epoch the decision was made on, which also proves this region reaches the quorum; from that
 * moment the old region acknowledges nothing more (its webhooks re-read the fence after every
 * write), so the data-loss failover can only lose writes that were never acknowledged after the
 * cut; (3) FailoverGlobalCluster to this region's cluster with AllowDataLoss. If (3) fails, the next
 * run (this region now active) requests it again (`completePromotion`).
 */
async function promote(deps: ControllerDependencies, active: ActiveRegion, decision: Decision): Promise<Promotion> {
  const { config } = deps;
  let targetArn: string;
  try {
    const { local, global } = await describeTarget(deps);
    targetArn = local.arn;
    const refusal = failoverRefusal(global, targetArn);
    if (refusal) return { outcome: 'failed', step: 'describe', error: refusal };
  } catch (error) {
    return { outcome: 'failed', step: 'describe', error: errorText(error) };
  }
  const epoch = active.epoch + 1;
  try {
    const recorded = await recordActiveRegion(deps.dynamodb, config.drStateTable, {
      activeRegion: config.region,
      epoch,
      reason: `automatic failover: ${decision.message}`,
      decidedBy: decidedBy(config),
      updatedAt: deps.now(),
    });
    if (recorded === 'superseded') return { outcome: 'superseded', epoch };
  } catch (error) {
    return { outcome: 'failed', step: 'record', error: errorText(error) };
  }
  const failover = await failOverTo(deps, targetArn);
  return 'error' in failover
    ? { outcome: 'failed', step: 'failover', error: failover.error, epoch }
    : { outcome: 'promoted', epoch, targetArn, failover: failover.step };
}

/** The writer has not followed a fence this controller recorded: request (again) the failover it owes. */
async function completePromotion(deps: ControllerDependencies, active: ActiveRegion): Promise<Promotion | undefined> {
  let targetArn: string;
  try {
    const { local, global } = await describeTarget(deps);
    targetArn = local.arn;
    if (global.members.find((member) => member.arn === targetArn)?.isWriter)
      return { outcome: 'promoted', epoch: active.epoch, targetArn, failover: 'already_writer' };
    const refusal = failoverRefusal(global, targetArn);
    if (refusal) return { outcome: 'failed', step: 'describe', error: refusal, epoch: active.epoch };
  } catch (error) {
    return { outcome: 'failed', step: 'describe', error: errorText(error), epoch: active.epoch };
  }
  const failover = await failOverTo(deps, targetArn);
  return 'error' in failover
    ? { outcome: 'failed', step: 'failover', error: failover.error, epoch: active.epoch }
    : { outcome: 'promoted', epoch: active.epoch, targetArn, failover: failover.step };
}

/** This region's cluster (the failover target) and the global cluster it is a member of. */
async function describeTarget(deps: ControllerDependencies) {
  const [local, global] = await Promise.all([
    describeCluster(deps.rds, deps.config.localClusterId),
    describeGlobalCluster(deps.rds, deps.config.globalClusterId),
  ]);
  return { local, global };
}

/** Why the global cluster must not be failed over to `targetArn` now (undefined: go ahead). A failover already running to it is fine. */
function failoverRefusal(global: GlobalClusterView, targetArn: string): string | undefined {
  const target = global.members.find((member) => member.arn === targetArn);
  if (!target) return `${targetArn} is not a member of ${global.id}`;
  if (global.failover && global.failover.toArn !== targetArn)
    return `the global cluster is busy with another failover (${global.failover.status} to ${global.failover.toArn})`;
  if (target.synchronizationStatus === 'pending-resync')
    return `${target.clusterId} is resynchronizing (pending-resync): it does not hold the writer's data yet, refusing to promote it`;
  return undefined;
}

async function failOverTo(deps: ControllerDependencies, targetArn: string): Promise<{ step: FailoverStep } | { error: string }> {
  const { config } = deps;
  try {
    const global = await describeGlobalCluster(deps.rds, config.globalClusterId);
    if (global.members.find((member) => member.arn === targetArn)?.isWriter) return { step: 'already_writer' };
    if (global.failover?.toArn === targetArn) return { step: 'already_in_progress' };
    await deps.rds.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: config.globalClusterId,
        TargetDbClusterIdentifier: targetArn,
        AllowDataLoss: true,
      }),
    );
    return { step: 'requested' };
  } catch (error) {
    return { error: errorText(error) };
  }
}

/** Alerts go to this region's topic; a failed publish is logged, never thrown (the decision stands). */
async function notify(deps: ControllerDependencies, run: ControllerRun): Promise<void> {
  const { config } = deps;
  const promotion = run.promotion ?? run.completion;
  const active = run.fence.state === 'ok' ? run.fence.active : undefined;
  const what = !promotion
    ? run.decision.reason === 'auto_failover_disabled'
      ? `${active?.activeRegion} down ${run.decision.consecutiveFailedMinutes} min, automatic failover disabled`
      : `${run.decision.reason.replace(/_/g, ' ')}: no automatic failover possible`
    : promotion.outcome === 'failed'
      ? `promotion of ${config.region} FAILED at ${promotion.step}`
      : promotion.outcome === 'promoted'
        ? `${config.region} promoted (epoch ${promotion.epoch})`
        : `${config.region} not promoted: the fence moved first (epoch ${promotion.epoch})`;
  const message = [
    `Failover controller in ${config.region} (environment ${config.environmentSuffix}).`,
    `Decision: ${run.decision.message}`,
    promotion
      ? `Promotion: ${JSON.stringify(promotion)}`
      : 'Next step: promote by hand if the outage is real (runbook 2a, or npm run dr -- failover --allow-data-loss).',
    `Active region before: ${active ? `${active.activeRegion} (epoch ${active.epoch})` : 'no record'}.`,
    `Evidence: ${JSON.stringify(run.evidence ?? { own: run.own })}`,
  ].join('\n');
  try {
    await deps.sns.send(
      new PublishCommand({
        TopicArn: config.alertTopicArn,
        Subject: `[payments-dr ${config.environmentSuffix}] ${what}`.slice(0, 100),
        Message: message,
      }),
    );
  } catch (error) {
    deps.logger.error('alert could not be published', { error: errorText(error), topic: config.alertTopicArn });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
