import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RELEASE_STAGES } from '../../../contract/release-trigger';
import { writeReport } from '../local/report/write-report';
import type { TrackTask } from '../local/ecs/task-process';
import type { LocalEnvironment } from './environment/local-environment';
import { launcherFor, readRenderedTaskDefinition } from './release-image';
import type { ReleaseLog, ReleaseVerdict, StageName } from './release-log';
import type { GateSettings } from '../local/controllers/hold-gate';
import type { HeldNotice } from '../local/rehearsal/hand-control';
import type { BuiltRelease, PushedCommit, ReleaseBuilderOptions } from './release/types';

/** Takes one push through Source and Build, as `up-build`'s `buildRelease` does. */
export type BuildRelease = (push: PushedCommit, options: ReleaseBuilderOptions) => Promise<BuiltRelease>;

/** What releasing one push needs from `up`. */
export interface ReleaseContext {
  readonly repoRoot: string;
  /** The repository whose compiled tools start the tasks. */
  readonly toolsRoot: string;
  readonly container: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly track?: TrackTask;
  readonly environment: LocalEnvironment;
  readonly build: BuildRelease;
  /** One live line (up adds the time and release number). */
  readonly say: (line: string) => void;
  readonly signal: AbortSignal;
  readonly now: () => number;
  /** The gate of a built release (its deploy settings, or `up`'s flags); none when absent. */
  readonly gateFor?: (built: BuiltRelease) => GateSettings | undefined;
  /** Called when a release holds at its gate. */
  readonly onHeld?: (notice: HeldNotice) => void;
}

/** One release as `up`'s summary lists it. */
export interface ReleaseSummary {
  readonly number: number;
  readonly commit: string;
  readonly verdict: ReleaseVerdict;
  readonly detail: string;
  /** The release's folder: events, build log path, and the deployment's report when there was one. */
  readonly dir: string;
  readonly sourceMs?: number;
  readonly buildMs?: number;
  readonly deployMs?: number;
  readonly reused?: boolean;
}

const ACTION: Record<StageName, string> = {
  Source: RELEASE_STAGES.source.action,
  Build: RELEASE_STAGES.build.action,
  Deploy: RELEASE_STAGES.deploy.action,
};

/**
 * Releases one push as the pipeline would: Source and Build through the builder, then Deploy of the
 * rendered `taskdef.json` with the built image through the local controller. Every step goes to the
 * release's log (for `watch --local`) and the live lines; the deployment's report goes to its folder.
 */
/** How many of the build log's last lines a failed build shows in the live lines. */
const FAILED_OUTPUT_LINES = 30;

/** The last `count` non-empty lines of a build log; none when it cannot be read. */
function logTail(file: string, count: number): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .slice(-count);
  } catch {
    return [];
  }
}

export async function releasePush(
  push: PushedCommit,
  log: ReleaseLog,
  ctx: ReleaseContext,
): Promise<ReleaseSummary> {
  const stage = stager(log, ctx);
  const end = ender(push.commit, log, ctx);
  stage('Source', 'InProgress');
  let built: BuiltRelease;
  let sourced = false;
  const sourceDone = (): void => {
    if (sourced) return;
    sourced = true;
    stage('Source', 'Succeeded');
  };
  try {
    built = await ctx.build(push, {
      repoRoot: ctx.repoRoot,
      container: ctx.container,
      log: (line) => {
        ctx.say(`  ${line}`);
        // The builder's first phase line: Source is done and Build under way, as the pipeline shows them.
        if (!sourced && line.startsWith('== phase')) {
          sourceDone();
          stage('Build', 'InProgress');
        }
      },
      signal: ctx.signal,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (ctx.signal.aborted) return end('interrupted', `\`up\` stopped during the build (${message})`);
    stage('Source', 'Failed', message);
    return end('failed', `${message}; ${serving(ctx)}`);
  }
  const times = { sourceMs: built.sourceMs, buildMs: built.buildMs, reused: built.reused };
  if (built.outcome === 'skipped') {
    sourceDone();
    return end('skipped', `the trigger's file filter skipped it: ${built.detail}; ${serving(ctx)}`, times);
  }
  if (!sourced) {
    sourceDone();
    stage('Build', 'InProgress');
  }
  if (built.outcome === 'failed') {
    // What the failed command printed last, so the person (and a CI log) sees why without opening the log.
    for (const line of logTail(built.logFile, FAILED_OUTPUT_LINES)) ctx.say(`  | ${line}`);
    stage('Build', 'Failed', built.detail);
    return end(
      'failed',
      `Build failed: ${built.detail} (build log ${built.logFile}); ${serving(ctx)}`,
      times,
    );
  }
  stage('Build', 'Succeeded', built.detail);
  return deploy(
    built,
    () => ctx.gateFor?.(built),
    log,
    ctx,
    stage,
    (verdict, detail, deployMs) => end(verdict, detail, { ...times, deployMs }),
  );
}

/**
 * Releases an earlier successful release again (`undo --local`): its release folder's taskdef.json and its
 * image, through the controller's blue/green deployment like any release, with no Source or Build (nothing
 * new is built) and no gate (an undo goes back to what served before, as soon as it can).
 */
export function redeploy(built: BuiltRelease, log: ReleaseLog, ctx: ReleaseContext): Promise<ReleaseSummary> {
  const end = ender(built.commit, log, ctx);
  const stage = stager(log, ctx);
  return deploy(
    built,
    () => undefined,
    log,
    ctx,
    stage,
    (verdict, detail, deployMs) => end(verdict, detail, { deployMs }),
  );
}

type Stage = (name: StageName, status: 'InProgress' | 'Succeeded' | 'Failed', summary?: string) => void;

/** Writes a stage's status to the log and the live lines. */
const stager =
  (log: ReleaseLog, ctx: ReleaseContext): Stage =>
  (name, status, summary) => {
    log.add({ type: 'stage', stage: name, status, ...(summary !== undefined && { summary }) });
    ctx.say(`${name}/${ACTION[name]} ${status}${summary ? `: ${summary}` : ''}`);
  };

/** Ends a release: its verdict in the log and the live lines, and its summary.json. */
function ender(
  commit: string,
  log: ReleaseLog,
  ctx: ReleaseContext,
): (verdict: ReleaseVerdict, detail: string, extra?: Partial<ReleaseSummary>) => ReleaseSummary {
  return (verdict, detail, extra = {}) => {
    log.add({ type: 'verdict', verdict, detail });
    ctx.say(`release ${log.number} ${verdict}: ${detail}`);
    const summary = { number: log.number, commit, verdict, detail, dir: log.dir, ...extra };
    writeFileSync(path.join(log.dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  };
}

/** What serves while a release that deployed nothing is over. */
const serving = (ctx: ReleaseContext): string =>
  ctx.environment.servingVersion === undefined
    ? 'nothing serves yet'
    : `${ctx.environment.servingVersion} goes on serving`;

async function deploy(
  built: BuiltRelease,
  gateOf: () => GateSettings | undefined,
  log: ReleaseLog,
  ctx: ReleaseContext,
  stage: Stage,
  end: (verdict: ReleaseVerdict, detail: string, deployMs: number) => ReleaseSummary,
): Promise<ReleaseSummary> {
  const started = ctx.now();
  stage('Deploy', 'InProgress');
  try {
    if (built.releaseDir === undefined || built.image === undefined)
      throw new Error('the build released no taskdef.json or image');
    const taskdef = readRenderedTaskDefinition(built.releaseDir);
    // Read at deploy time, as the stack reads its deploy settings: a bad gate fails this Deploy only.
    const gate = gateOf();
    ctx.say(
      `  deploying ${taskdef.version} (FAULTS=${taskdef.faultsText || 'none'}) from ${built.image.uri}`,
    );
    const { launch } = await launcherFor(built.image.runnable, taskdef, {
      toolsRoot: ctx.toolsRoot,
      env: ctx.env,
      log: (line) => ctx.say(`  ${line}`),
      ...(ctx.track && { track: ctx.track }),
    });
    const ended = await ctx.environment.release(
      {
        number: log.number,
        faults: taskdef.faults,
        version: taskdef.version,
        launch,
        ...(gate && { gate }),
        ...(ctx.onHeld && { onHeld: ctx.onHeld }),
      },
      ctx.signal,
    );
    if (ended.result !== undefined) {
      const files = await writeReport(log.dir, ended.result);
      ctx.say(`  report: ${files.map((f) => path.relative(ctx.repoRoot, f)).join(', ')}`);
    }
    const ok = ended.verdict === 'created' || ended.verdict === 'succeeded';
    stage('Deploy', ok ? 'Succeeded' : 'Failed', ok ? undefined : ended.detail);
    const verdict = ctx.signal.aborted && !ok ? 'interrupted' : ended.verdict;
    return end(verdict, ended.detail, ctx.now() - started);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    stage('Deploy', 'Failed', message);
    return end(
      ctx.signal.aborted ? 'interrupted' : 'failed',
      `${message}; ${serving(ctx)}`,
      ctx.now() - started,
    );
  }
}
