import type { Logger } from '@aws-lambda-powertools/logger';
import { FailoverGlobalClusterCommand } from '@aws-sdk/client-rds';
import type { PublishCommandOutput } from '@aws-sdk/client-sns';
import { PublishCommand } from '@aws-sdk/client-sns';
import type { ActiveRegion, DynamoDbItemApi } from '../shared/fencing';
import { readActiveRegion, recordActiveRegion } from '../shared/fencing';
import type { ControllerConfig } from './config';
import type { Decision, Evidence, HealthProbe } from './decision';
import { decideFailover } from './decision';
import type { CloudWatchApi, LagReading } from './evidence';
import { replicationLag } from './evidence';
import { readProbeState, writeProbeState } from './probe-state';
import type { RdsControlPlane } from './rds';
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

export type Promotion =
  | { outcome: 'promoted'; epoch: number; targetArn: string; failover: 'requested' | 'already_writer' | 'already_in_progress' }
  | { outcome: 'superseded'; epoch: number; targetArn: string; failover: 'requested' | 'already_writer' | 'already_in_progress' }
  | { outcome: 'failed'; step: 'describe' | 'failover' | 'record'; error: string };

export interface ControllerRun {
  active: ActiveRegion;
  decision: Decision;
  evidence?: RunEvidence;
  promotion?: Promotion;
  /** Set when another invocation stored its run first: this one neither counted nor acted. */
  skipped?: 'concurrent_run';
}

/**
 * One run (EventBridge invokes it every minute): read the active region and this region's count,
 * gather evidence when this region is the standby, decide, store the count, and — when the decision
 * says so — promote this region's cluster, record the new active region with epoch + 1 and alert.
 */
export async function runController(deps: ControllerDependencies): Promise<ControllerRun> {
  const { config, logger } = deps;
  const now = deps.now();
  const [active, previous] = await Promise.all([
    readActiveRegion(deps.dynamodb, config.drStateTable),
    readProbeState(deps.dynamodb, config.drStateTable, config.region),
  ]);
  const evidence = active.activeRegion === config.region ? undefined : await gatherEvidence(deps, now);
  const decision = decideFailover({
    region: config.region,
    autoFailoverEnabled: config.autoFailoverEnabled,
    active,
    previous,
    now,
    evidence,
    thresholds: config,
  });
  const run: ControllerRun = { active, decision, evidence };
  const log = {
    act: decision.act,
    reason: decision.reason,
    decision: decision.message,
    consecutiveFailedMinutes: decision.consecutiveFailedMinutes,
    failedMinutesBeforePromotion: config.failedMinutesBeforePromotion,
    autoFailoverEnabled: config.autoFailoverEnabled,
    activeRegion: active.activeRegion,
    epoch: active.epoch,
    evidence,
  };

  const stored = await writeProbeState(deps.dynamodb, config.drStateTable, config.region, previous, {
    consecutiveFailedMinutes: decision.consecutiveFailedMinutes,
    probeAt: now,
    evidence,
    decision: decision.reason,
  });
  if (stored === 'conflict') {
    logger.warn('failover decision dropped: another invocation stored its run first', log);
    return { ...run, skipped: 'concurrent_run' };
  }
  logger.info('failover decision', log);

  if (decision.act) {
    run.promotion = await promote(deps, active, decision);
    const entry = { ...log, promotion: run.promotion };
    if (run.promotion.outcome === 'failed') logger.error('promotion failed', entry);
    else logger.warn(run.promotion.outcome === 'promoted' ? 'region promoted' : 'promotion recorded by someone else first', entry);
  }
  if (decision.notify || run.promotion) await notify(deps, run);
  return run;
}

async function gatherEvidence(deps: ControllerDependencies, now: Date): Promise<RunEvidence> {
  const [peer, own, lag] = await Promise.all([
    deps.probe(deps.config.peerHealthUrl),
    deps.probe(deps.config.ownHealthUrl),
    replicationLag(deps.cloudwatch, deps.config.localClusterId, now),
  ]);
  return { peer, own, replicationLagMs: lag.lagMs, lag };
}

/**
 * FailoverGlobalCluster to this region's cluster (allowing data loss: the active region is
 * unreachable), then the new active region with epoch + 1. Safe to repeat: when this region's
 * cluster is already the writer, or the failover to it is already running, only the record is
 * written (e.g. a run that promoted but could not record).
 */
async function promote(deps: ControllerDependencies, active: ActiveRegion, decision: Decision): Promise<Promotion> {
  const { config } = deps;
  let targetArn: string;
  let failover: 'requested' | 'already_writer' | 'already_in_progress';
  try {
    const [local, global] = await Promise.all([describeCluster(deps.rds, config.localClusterId), describeGlobalCluster(deps.rds, config.globalClusterId)]);
    targetArn = local.arn;
    if (global.members.find((member) => member.arn === targetArn)?.isWriter) failover = 'already_writer';
    else if (global.failover?.toArn === targetArn) failover = 'already_in_progress';
    else if (global.failover) return { outcome: 'failed', step: 'describe', error: `the global cluster is busy with another failover (${global.failover.status} to ${global.failover.toArn})` };
    else failover = 'requested';
  } catch (error) {
    return { outcome: 'failed', step: 'describe', error: errorText(error) };
  }
  if (failover === 'requested') {
    try {
      await deps.rds.send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: config.globalClusterId, TargetDbClusterIdentifier: targetArn, AllowDataLoss: true }));
    } catch (error) {
      return { outcome: 'failed', step: 'failover', error: errorText(error) };
    }
  }
  const epoch = active.epoch + 1;
  try {
    const recorded = await recordActiveRegion(deps.dynamodb, config.drStateTable, {
      activeRegion: config.region,
      epoch,
      reason: `automatic failover: ${decision.message}`,
      decidedBy: `failover-controller@${config.region}`,
      updatedAt: deps.now(),
    });
    return { outcome: recorded === 'recorded' ? 'promoted' : 'superseded', epoch, targetArn, failover };
  } catch (error) {
    return { outcome: 'failed', step: 'record', error: errorText(error) };
  }
}

/** Alerts go to this region's topic; a failed publish is logged, never thrown (the decision stands). */
async function notify(deps: ControllerDependencies, run: ControllerRun): Promise<void> {
  const { config } = deps;
  const promotion = run.promotion;
  const what = !promotion
    ? `${run.active.activeRegion} down ${run.decision.consecutiveFailedMinutes} min, automatic failover disabled`
    : promotion.outcome === 'failed'
      ? `promotion of ${config.region} FAILED at ${promotion.step}`
      : promotion.outcome === 'promoted'
        ? `${config.region} promoted (epoch ${promotion.epoch})`
        : `${config.region} promoted, record superseded`;
  const message = [
    `Failover controller in ${config.region} (environment ${config.environmentSuffix}).`,
    `Decision: ${run.decision.message}`,
    promotion ? `Promotion: ${JSON.stringify(promotion)}` : 'Next step: promote by hand if the outage is real (runbook 2a, or npx tsx scripts/dr.ts failover --allow-data-loss).',
    `Active region before: ${run.active.activeRegion} (epoch ${run.active.epoch}).`,
    `Evidence: ${JSON.stringify(run.evidence)}`,
  ].join('\n');
  try {
    await deps.sns.send(new PublishCommand({ TopicArn: config.alertTopicArn, Subject: `[payments-dr ${config.environmentSuffix}] ${what}`.slice(0, 100), Message: message }));
  } catch (error) {
    deps.logger.error('alert could not be published', { error: errorText(error), topic: config.alertTopicArn });
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
