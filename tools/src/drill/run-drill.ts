import path from 'node:path';
import type { Writable } from 'node:stream';
import { formatFaults, parseFaults } from '../../../contract/faults/parse-faults';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import type { AwsClients } from '../aws/clients';
import { clockTime } from '../aws/format-watch';
import { followDrillPush } from '../codepipeline/follow-commit';
import { applyFlip } from '../flip/apply-flip';
import { commitFile, flipMessage } from '../flip/commit-file';
import { gitOrThrow, type GitRunner } from '../git/run-git';
import { formatSecond } from '../load/format-load';
import { runLoad, type LoadResult } from '../load/load-loop';
import { LoadPhases } from './report/load-phases';
import { hypothesisFor, hypothesisLines } from './report/prediction';
import { runPreflight, type DrillTarget } from './preflight/preflight';
import { experimentVerdict } from '../experiment/verdict';
import {
  describeEvent,
  type DrillAction,
  type EventInput,
  type GateChoice,
} from '../experiment/rehearsal-event';
import { RehearsalRecord } from '../experiment/rehearsal-record';
import { drillFigures, drillRecord } from './report/drill-figures';
import type { FollowedRelease, ReleaseFollower } from './follow/followed-release';
import { releaseFollower } from './follow/release-follower';
import { GateAnswer } from './follow/gate-answer';
import { emptyReport, writeReport, type DrillReport } from './report/report';
import { PLAIN_STYLE, type OutputStyle } from '../terminal/output-style';
import type { ReportFolder } from '../args/report-folder';

export interface DrillOptions {
  /** Fault entries as given (`name` or `name=value`); validated by the service's parser. */
  readonly entries: readonly string[];
  readonly cwd: string;
  readonly taskdefFile: string;
  readonly branch: string;
  readonly remote: string;
  readonly push: boolean;
  readonly restore: 'yes' | 'no' | 'ask';
  readonly steadyMs: number;
  readonly pollMs: number;
  readonly waitDeploymentMs: number;
  readonly load: { readonly rate: number; readonly concurrency: number; readonly timeoutMs: number };
  readonly reportDir: string;
  /** The folder claimed for the report (`--report`); without it, a new folder under `reportDir`. */
  readonly reportFolder?: ReportFolder;
  readonly stackName?: string;
  /** @default the pipeline stack's PipelineName output */
  readonly pipeline?: string;
  /** @default the stack's DeploymentController output */
  readonly controller?: DeploymentControllerName;
  /** `--gate`: the stack must hold the release before production traffic; the drill then does this. */
  readonly gate?: GateChoice;
}

export interface DrillDeps {
  readonly aws: AwsClients;
  readonly git: GitRunner;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly out: Writable;
  /** Colours the verdict line for `out`. @default no colour */
  readonly paint?: OutputStyle['paint'];
  readonly prompt?: (question: string) => Promise<string>;
  readonly signal?: AbortSignal;
}

export interface DrillRun {
  readonly report: DrillReport;
  readonly reportPath?: string;
  readonly exitCode: number;
}

const seconds = (ms: number): number => Math.round(ms / 1000);

const INTERRUPTED = 130;

/** A drill cut short: the status the report records and the exit code. */
class DrillEnd extends Error {
  constructor(
    readonly status: DrillReport['status'],
    readonly exitCode: number,
  ) {
    super(status);
  }
}

/** One drill: each step of the experiment is a method, in the order `run` calls them. */
class Drill {
  private readonly faults: string;
  private readonly phases = new LoadPhases();
  /** The person's steps, as they happen; AWS's events join them when the drill ends. */
  private readonly marks: RehearsalRecord;
  private readonly report: DrillReport;
  private followed: FollowedRelease | undefined;
  private pushAt = 0;

  constructor(
    private readonly options: DrillOptions,
    private readonly deps: DrillDeps,
  ) {
    this.faults = formatFaults(parseFaults(options.entries.join(',')));
    this.report = emptyReport(this.faults, deps.now(), options.load, this.phases);
    this.marks = new RehearsalRecord({ now: deps.now }, undefined, this.report.startedAt);
  }

  async run(): Promise<DrillRun> {
    const target = await this.preflight();
    if (!target) return this.finish('preflight-failed', 1);
    // The model's answer depends on the controller, which the preflight read from the stack.
    const { gate } = this.options;
    const hold = gate && target.gate && { choice: gate, hold: target.gate.hold };
    this.report.hypothesis = hypothesisFor(this.report.faults, target.release.controller, hold);
    this.say('', ...hypothesisLines(this.report.hypothesis));
    const load = this.startLoad(target.albUrl);
    let end: DrillEnd | undefined;
    try {
      await this.steady('before');
      this.followed = await this.release(target);
      await this.steady('after');
    } catch (error) {
      if (!(error instanceof DrillEnd)) throw error;
      end = error;
    } finally {
      await load.stop();
    }
    if (end || !this.followed) return this.finish(end?.status ?? 'interrupted', end?.exitCode ?? INTERRUPTED);
    this.judge(this.followed);
    await this.maybeRestore();
    return this.finish('completed', this.report.verdict?.matched ? 0 : 1);
  }

  private say(...lines: string[]): void {
    for (const line of lines) this.deps.out.write(`${line}\n`);
  }

  private mark(action: DrillAction, detail?: string): void {
    this.record({ type: 'drill', action, ...(detail !== undefined && { detail }) });
  }

  /** One of the person's events, written into the record and said with its clock time. */
  private record(input: EventInput): void {
    const event = this.marks.add(input);
    this.say(`${clockTime(this.report.startedAt + event.atMs)}  ${describeEvent(event)}`);
  }

  private stopIfInterrupted(): void {
    if (this.deps.signal?.aborted) throw new DrillEnd('interrupted', INTERRUPTED);
  }

  private async preflight(): Promise<DrillTarget | undefined> {
    this.say('== Preflight');
    const { options, deps } = this;
    const preflight = await runPreflight({
      aws: deps.aws,
      git: deps.git,
      cwd: options.cwd,
      taskdefFile: options.taskdefFile,
      branch: options.branch,
      ...(options.stackName && { stackName: options.stackName }),
      ...(options.controller && { controller: options.controller }),
      gate: options.gate !== undefined,
    });
    this.report.preflight = preflight.checks;
    for (const c of preflight.checks) this.say(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`);
    if (!preflight.target) this.say('Preflight failed; nothing was changed.');
    return preflight.target;
  }

  /** Load through the whole release; `stop` ends it and records the totals in the report. */
  private startLoad(albUrl: string): { stop: () => Promise<void> } {
    const { options, deps } = this;
    this.say('', `== Load loop against ${albUrl} (${options.load.rate} req/s)`);
    this.report.method.albUrl = albUrl;
    const stopLoad = new AbortController();
    const onInterrupt = (): void => stopLoad.abort();
    deps.signal?.addEventListener('abort', onInterrupt, { once: true });
    let lastVersions = '';
    const run = runLoad({
      url: albUrl,
      rate: options.load.rate,
      concurrency: options.load.concurrency,
      timeoutMs: options.load.timeoutMs,
      signal: stopLoad.signal,
      now: deps.now,
      onResult: this.phases.record,
      onSecond: (second) => {
        // Every tenth second, and any second with failures or a new mix of versions.
        const versions = Object.keys(second.byVersion).sort().join(',');
        const newMix = versions !== '' && versions !== lastVersions;
        if (second.second % 10 === 0 || second.failed > 0 || newMix)
          this.say(`  load ${formatSecond(second)}`);
        if (versions !== '') lastVersions = versions;
      },
    }).catch((error: unknown) => {
      this.say(`  load loop failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    return {
      stop: async () => {
        stopLoad.abort();
        deps.signal?.removeEventListener('abort', onInterrupt);
        const load: LoadResult | undefined = await run;
        if (load) {
          const { series, ...totals } = load;
          this.report.observations.load = { ...totals, seconds: series.length };
        }
      },
    };
  }

  private async steady(phase: 'before' | 'after'): Promise<void> {
    if (phase === 'after') {
      this.phases.phase = 'after';
      this.say('', '== Steady state after');
    }
    await this.deps.sleep(this.options.steadyMs, this.deps.signal);
    const stats = this.phases.stats[phase];
    this.mark('steady-state-measured', `${stats.requests} requests, ${stats.failed} failed`);
    // Cut short after the release, the steady state is shorter but the verdict still stands.
    if (phase === 'before') this.stopIfInterrupted();
  }

  /** Flip, push, find the deployment the push started and follow it to its end (answering the gate's hold). */
  private async release(drillTarget: DrillTarget): Promise<FollowedRelease> {
    const target = drillTarget.release;
    const follower = releaseFollower(this.deps.aws, target);
    const before = await follower.latestId();
    await this.flipAndPush();
    const { options, deps, report, pushAt } = this;
    const next = await followDrillPush({ options, deps, report, pushAt, say: this.say.bind(this) });
    if ('end' in next && next.mark) this.mark(next.mark.action, next.mark.detail);
    if ('end' in next) throw new DrillEnd(next.end, next.end === 'interrupted' ? INTERRUPTED : 1);
    const deploymentId = await this.waitForDeployment(follower, before, next.since);
    this.say('', `== Watching ${deploymentId}`);
    const { gate } = drillTarget;
    const answer =
      gate && options.gate
        ? new GateAnswer({
            aws: deps.aws,
            target,
            testUrl: gate.testUrl,
            choice: options.gate,
            record: (event) => this.record(event),
            ...(deps.signal && { signal: deps.signal }),
          })
        : undefined;
    const followed = await follower.follow(deploymentId, {
      pollMs: options.pollMs,
      now: deps.now,
      sleep: deps.sleep,
      ...(deps.signal && { signal: deps.signal }),
      onLine: (line) => this.say(`  ${line}`),
      ...(answer && { onHeld: answer.onHeld }),
    });
    this.followed = followed;
    await answer?.settle(() => drillFigures(this.events()).decidedBy);
    this.report.method.controller = follower.controller;
    this.report.observations.deployment = followed.record;
    this.say(followed.summary);
    if (followed.outcome === 'interrupted') throw new DrillEnd('interrupted', INTERRUPTED);
    return followed;
  }

  private async flipAndPush(): Promise<void> {
    const { options, deps, report } = this;
    this.say('', '== Flip');
    const change = await applyFlip(options.taskdefFile, options.entries);
    const commit = await commitFile(deps.git, options.cwd, options.taskdefFile, flipMessage(change.after));
    report.method.commit = commit;
    this.mark('flip-committed', `${commit.slice(0, 12)} FAULTS "${change.before}" -> "${change.after}"`);
    this.phases.phase = 'during';
    if (options.push) {
      await gitOrThrow(deps.git, ['push', options.remote, `HEAD:${options.branch}`], options.cwd);
      report.method.pushed = true;
      this.pushAt = deps.now();
      this.mark('pushed', `${options.remote} ${options.branch}`);
    } else {
      this.pushAt = deps.now();
      this.mark('waiting-for-push', `run: git push ${options.remote} HEAD:${options.branch}`);
    }
  }

  private async waitForDeployment(
    follower: ReleaseFollower,
    previousId: string | undefined,
    since: Date,
  ): Promise<string> {
    const { options, deps } = this;
    this.say('', '== Waiting for the pipeline to start a deployment');
    const deadline = deps.now() + options.waitDeploymentMs;
    for (;;) {
      this.stopIfInterrupted();
      const latest = await follower.latestId(since);
      if (latest !== undefined && latest !== previousId) {
        this.report.method.deploymentId = latest;
        this.mark('deployment-found', latest);
        return latest;
      }
      if (deps.now() >= deadline) break;
      await deps.sleep(options.pollMs, deps.signal);
    }
    this.mark(
      'no-deployment',
      `none appeared within ${seconds(options.waitDeploymentMs)} s; check the pipeline (build or source stage)`,
    );
    throw new DrillEnd('no-deployment', 1);
  }

  /** The record so far: the person's steps and, once watched, AWS's events, in time order. */
  private events(): DrillReport['observations']['events'] {
    return drillRecord(this.marks.events, this.followed ? this.followed.events(this.report.startedAt) : []);
  }

  /** Detection and rollback times, and whether the release did what the hypothesis said: read from the record. */
  private judge(followed: FollowedRelease): void {
    const { report } = this;
    const figures = drillFigures(this.events());
    const detection = figures.detection;
    if (detection) report.observations.detection = detection;
    if (figures.rollbackDoneFromPushSeconds !== undefined)
      report.observations.rollbackDoneFromPushSeconds = figures.rollbackDoneFromPushSeconds;
    const { expected, prediction } = report.hypothesis;
    const verdict = experimentVerdict({
      expected,
      observed: followed.outcome,
      decidedBy: figures.decidedBy,
      ...(detection?.fromGreenSeconds !== undefined && { detectionMs: detection.fromGreenSeconds * 1000 }),
      ...(prediction && { modelled: prediction }),
    });
    report.verdict = verdict;
    const held = verdict.matched ? 'the hypothesis held' : 'the hypothesis did NOT hold';
    const line = `== Expected ${expected.outcome}, observed ${followed.outcome}: ${held}`;
    this.say('', (this.deps.paint ?? PLAIN_STYLE.paint)(verdict.matched ? 'green' : 'red', line));
    if (detection) {
      this.say(
        `   detected ${detection.fromPushSeconds ?? '-'} s after the push, ${detection.fromGreenSeconds ?? '-'} s after green was running (model: ${prediction?.seconds ?? '-'} s)`,
      );
    }
  }

  private async maybeRestore(): Promise<void> {
    const { options, deps } = this;
    let restore = options.restore === 'yes';
    if (options.restore === 'ask' && deps.prompt) {
      const answer = await deps.prompt('Restore now (clear FAULTS, commit and push)? [y/N] ');
      restore = /^y(es)?$/i.test(answer.trim());
    }
    if (!restore) {
      this.say(
        `FAULTS=${this.faults} is still on ${options.branch}: the next push releases it again. Restore with: npm run rehearse -- flip --clear --commit && git push`,
      );
      return;
    }
    this.say('', '== Restore');
    const cleared = await applyFlip(options.taskdefFile, []);
    const commit = await commitFile(deps.git, options.cwd, options.taskdefFile, flipMessage(cleared.after));
    this.mark('restore-committed', commit.slice(0, 12));
    if (options.push) {
      await gitOrThrow(deps.git, ['push', options.remote, `HEAD:${options.branch}`], options.cwd);
      this.mark('restore-pushed');
    }
    this.report.restore = {
      done: true,
      commit,
      pushed: options.push,
      note: options.push
        ? 'The push starts a clean release; follow it with: npm run rehearse -- watch'
        : `Push it to release: git push ${options.remote} HEAD:${options.branch}`,
    };
  }

  private async finish(status: DrillReport['status'], exitCode: number): Promise<DrillRun> {
    const { report } = this;
    report.status = status;
    report.finishedAt = this.deps.now();
    report.observations.events = this.events();
    if (status === 'preflight-failed') return { report, exitCode };
    const { reportFolder } = this.options;
    const reportPath = reportFolder
      ? (await reportFolder.write(async (dir) => [await writeReport(dir, report)]))[0]!
      : await writeReport(path.join(this.options.reportDir, report.name), report);
    this.say(`Report: ${reportPath}`);
    return { report, reportPath, exitCode };
  }
}

/**
 * The whole rehearsal on AWS: preflight, hypothesis, load through the release, flip and push, follow the
 * pipeline's deployment to its end, steady state after, report, and restore.
 */
export function runDrill(options: DrillOptions, deps: DrillDeps): Promise<DrillRun> {
  return new Drill(options, deps).run();
}
