import { REGIONS as REGION_ROLES } from '../../facts/regions';
import type { DrillScenario, DrillScenarioName } from '../../compositions/payment-region/drills';
import { DRILL_SCENARIOS, DRILL_TAGS } from '../../compositions/payment-region/drills';
import type { Region } from '../../functions/shared/config';
import { REGION_SUFFIXES } from '../../functions/shared/config';
import type { EnvironmentReport } from '../../conformance/dr-report';
import type { Io } from './commands';
import { EXIT, fail } from './commands';
import type { DrillCloudWatch } from './drill-observations';
import { observeDrillWindow } from './drill-observations';
import type { DrillReport } from './drill-report';
import { compare, markdownReport, measure } from './drill-report';
import { awsCall, DrError } from './errors';
import type { ExperimentTemplateSummary, ExperimentView, FisApi } from './fis';
import { TERMINAL_STATES } from './fis';
import type { DrNames } from './names';

export interface DrillContext {
  fis(region: Region): FisApi;
  cloudwatch(region: Region): DrillCloudWatch;
  io: Io;
  names: DrNames;
  now(): Date;
  sleep(ms: number): Promise<void>;
  operator: string;
  /** The environment's computed figures (npm run dr-report), read only after the experiment. */
  expected(): EnvironmentReport;
  writeFile(path: string, content: string): void;
}

export interface DrillOptions {
  scenario: DrillScenarioName;
  dryRun: boolean;
  yes: boolean;
  /** Writes <report>.json and <report>.md (an extension given is replaced). */
  report?: string;
  /** Between GetExperiment calls (default 15 s). */
  pollIntervalMs?: number;
}

/** How long past the action's own duration the command waits for a terminal state. */
const TERMINAL_MARGIN_MS = 10 * 60_000;
const DEFAULT_POLL_MS = 15_000;

/** Milliseconds of an ISO 8601 duration of the form FIS uses (PT10M, PT90S, PT1H). */
function isoDurationMs(duration: string): number {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(duration);
  if (!match || duration === 'PT') throw new Error(`duration "${duration}" is not an ISO 8601 time duration such as PT10M`);
  const [, h = '0', m = '0', s = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000;
}

/** The longest the command waits for the experiment: its action's duration (if any) plus the margin. */
const drillTimeoutMs = (scenario: DrillScenario) =>
  (scenario.parameters.duration ? isoDurationMs(scenario.parameters.duration) : 0) + TERMINAL_MARGIN_MS;

/** The drill's target is the PRIMARY region (where the templates are composed); the standby is the other. */
function drillRegions(): { target: Region; standby: Region } {
  const roles = Object.values(REGION_ROLES);
  return { target: roles.find((r) => r.role === 'PRIMARY')!.region, standby: roles.find((r) => r.role === 'SECONDARY')!.region };
}

/** The one template composed for this scenario, environment and region (drills.ts tags). */
function pickTemplate(
  templates: readonly ExperimentTemplateSummary[],
  scenario: DrillScenarioName,
  names: DrNames,
  target: Region,
): ExperimentTemplateSummary {
  const matching = templates.filter(
    (t) =>
      t.tags[DRILL_TAGS.scenario] === scenario &&
      t.tags[DRILL_TAGS.environment] === names.environmentSuffix &&
      t.tags[DRILL_TAGS.region] === REGION_SUFFIXES[target],
  );
  if (matching.length === 1) return matching[0];
  if (matching.length === 0) {
    throw new DrError(
      `no FIS experiment template tagged ${DRILL_TAGS.scenario}=${scenario}, ` +
        `${DRILL_TAGS.environment}=${names.environmentSuffix} in ${target}: ` +
        'is the environment deployed with the drills? kubectl get experimenttemplates.fis.aws.upbound.io ' +
        `-l payments-dr.io/environment=${names.environmentSuffix}`,
    );
  }
  throw new DrError(
    `${matching.length} FIS experiment templates match ${scenario} in ${target} ` +
      `(${matching.map((t) => t.id).join(', ')}): delete the ones Crossplane does not manage`,
  );
}

/** A reason the scenario cannot work in this environment, checked before anything starts. */
function refusal(scenario: DrillScenario, names: DrNames): string | undefined {
  if (scenario.name === 'aurora-writer-failover' && names.auroraInstancesPerRegion < 2) {
    return (
      `aurora-writer-failover needs a reader to fail over to, but environment ${names.environmentSuffix} has ` +
      `database.instancesPerRegion ${names.auroraInstancesPerRegion}: raise it to 2 or more in charts/config/environments.ts first`
    );
  }
  return undefined;
}

const stopConditionNames = (scenario: DrillScenario, names: DrNames, regions: { target: Region; standby: Region }) =>
  scenario.stopAlarms.map((arn) =>
    arn
      .replace(/^.*:alarm:/, '')
      .replace('{{regionSuffix}}', REGION_SUFFIXES[regions.target])
      .replace('{{standby}}', REGION_SUFFIXES[regions.standby])
      .replace('{{env}}', names.environmentSuffix),
  );

/** Polls until the experiment is terminal; a DrError after the timeout (the experiment keeps running in AWS). */
async function awaitTerminal(
  ctx: DrillContext,
  fis: FisApi,
  started: ExperimentView,
  region: Region,
  timeoutMs: number,
  pollMs: number,
): Promise<ExperimentView> {
  const startedAt = ctx.now().getTime();
  let experiment = started;
  while (!(TERMINAL_STATES as readonly string[]).includes(experiment.state)) {
    if (ctx.now().getTime() - startedAt >= timeoutMs) {
      throw new DrError(
        `experiment ${experiment.id} is still ${experiment.state} after ${Math.round(timeoutMs / 60_000)} ` +
          `minutes (the action's duration plus ${TERMINAL_MARGIN_MS / 60_000}); ` +
          `it keeps running in AWS: watch it with aws fis get-experiment --region ${region} --id ` +
          `${experiment.id}, stop it with aws fis stop-experiment --region ${region} --id ${experiment.id}`,
      );
    }
    await ctx.sleep(pollMs);
    const id = experiment.id;
    experiment = await awsCall({ action: 'fis:GetExperiment', resource: `experiment/${id}`, region }, () => fis.getExperiment(id));
    ctx.io.print(`  ${ctx.now().toISOString()}  ${experiment.state}${experiment.reason ? ` (${experiment.reason})` : ''}`);
  }
  return experiment;
}

/**
 * `dr drill`: start the scenario's FIS experiment, wait for it, measure what CloudWatch saw, report
 * against dr-report. Exit 0 when the experiment completed, 1 when it stopped, failed, timed out or
 * an AWS call failed (in plain words), 2 when the environment cannot run the scenario.
 */
export async function drill(ctx: DrillContext, options: DrillOptions): Promise<number> {
  try {
    return await runDrill(ctx, options);
  } catch (error) {
    if (error instanceof DrError) return fail(ctx.io, error);
    throw error;
  }
}

async function runDrill(ctx: DrillContext, options: DrillOptions): Promise<number> {
  const { io, names } = ctx;
  const scenario = DRILL_SCENARIOS.find((s) => s.name === options.scenario)!;
  const regions = drillRegions();
  const fis = ctx.fis(regions.target);
  const refused = refusal(scenario, names);
  const templates = await awsCall(
    { action: 'fis:ListExperimentTemplates', resource: 'experiment-template/*', region: regions.target },
    () => fis.listExperimentTemplates(),
  );
  const template = pickTemplate(templates, scenario.name, names, regions.target);
  const timeoutMs = drillTimeoutMs(scenario);

  io.print(`Drill ${scenario.name} in environment ${names.environmentSuffix} (${regions.target}; standby ${regions.standby})`);
  io.print(`  template   ${template.id}: ${template.description ?? scenario.description}`);
  io.print(
    `  action     ${scenario.actionId}${
      Object.keys(scenario.parameters).length
        ? ` ${Object.entries(scenario.parameters)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`
        : ''
    }`,
  );
  io.print(`  stops when ${stopConditionNames(scenario, names, regions).join(', ')} goes to ALARM`);
  io.print(
    `  waits      up to ${timeoutMs / 60_000} minutes for the experiment ` +
      'to end, then reads CloudWatch for the window and writes the report',
  );
  if (refused) {
    io.print(`Refused: ${refused}`);
    return EXIT.refused;
  }
  if (options.dryRun) {
    io.print('Dry run: nothing started.');
    return EXIT.ok;
  }
  if (
    !options.yes &&
    (await io.ask(`Start the experiment in ${regions.target}? Type "yes" to continue: `)).trim().toLowerCase() !== 'yes'
  ) {
    io.print('Not confirmed: nothing started.');
    return EXIT.failed;
  }

  const started = await awsCall(
    { action: 'fis:StartExperiment', resource: `experiment-template/${template.id}`, region: regions.target },
    () => fis.startExperiment(template.id, { 'payments-dr:started-by': ctx.operator, [DRILL_TAGS.scenario]: scenario.name }),
  );
  const startedAt = started.startTime ?? ctx.now();
  io.print(`Started experiment ${started.id} at ${startedAt.toISOString()}`);
  const ended = await awaitTerminal(ctx, fis, started, regions.target, timeoutMs, options.pollIntervalMs ?? DEFAULT_POLL_MS);
  const endedAt = ended.endTime ?? ctx.now();

  const observations = await observeDrillWindow(ctx.cloudwatch, {
    environmentSuffix: names.environmentSuffix,
    regions,
    standbyClusterId: names.clusterIds[regions.standby],
    from: startedAt,
    to: endedAt,
  });
  const measurements = measure(observations, startedAt, `alarm-healthcheck-${REGION_SUFFIXES[regions.target]}-${names.environmentSuffix}`);
  const report: DrillReport = {
    environment: names.environmentSuffix,
    scenario: scenario.name,
    templateId: template.id,
    experimentId: ended.id,
    outcome: ended.state,
    reason: ended.reason,
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    measurements,
    comparisons: compare(measurements, ctx.expected()),
    alarms: observations.alarms.map((a) => ({ alarm: a.alarm, region: a.region, at: a.at.toISOString() })),
  };
  const markdown = markdownReport(report);
  io.print(markdown);
  if (options.report) {
    const stem = options.report.replace(/\.(json|md)$/, '');
    ctx.writeFile(`${stem}.json`, `${JSON.stringify(report, null, 2)}\n`);
    ctx.writeFile(`${stem}.md`, markdown);
    io.print(`Report written to ${stem}.json and ${stem}.md`);
  }
  if (ended.state !== 'completed')
    io.print(
      `The experiment ended ${ended.state}${ended.reason ? `: ${ended.reason}` : ''}; ` +
        'its effects were rolled back by FIS where the action supports it.',
    );
  return ended.state === 'completed' ? EXIT.ok : EXIT.failed;
}
