import path from 'node:path';
import type { Writable } from 'node:stream';
import { formatFaults, parseFaults } from '../../../contract/faults/parse-faults';
import type { AwsClients } from '../aws/clients';
import { latestDeployment } from '../aws/find-deployment';
import { clockTime, formatWatchEvent, formatWatchSummary } from '../aws/format-watch';
import { watchDeployment, type WatchResult } from '../aws/watch-deployment';
import { applyFlip } from '../flip/apply-flip';
import { commitFile, flipMessage } from '../flip/commit-file';
import { gitOrThrow, type GitRunner } from '../git/run-git';
import { formatSecond } from '../load/format-load';
import { runLoad, type LoadResult } from '../load/load-loop';
import { LoadPhases } from './load-phases';
import { hypothesisFor } from './prediction';
import { runPreflight } from './preflight';
import { reportName, writeReport, type DrillReport } from './report';
import {
  deploymentTimeline,
  detectionTime,
  greenRunningTime,
  rollbackDoneTime,
  type TimelineEntry,
} from './timeline';

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
  readonly stackName?: string;
}

export interface DrillDeps {
  readonly aws: AwsClients;
  readonly git: GitRunner;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly out: Writable;
  readonly prompt?: (question: string) => Promise<string>;
  readonly signal?: AbortSignal;
}

export interface DrillRun {
  readonly report: DrillReport;
  readonly reportPath?: string;
  readonly exitCode: number;
}

const seconds = (ms: number): number => Math.round(ms / 1000);

/**
 * The whole rehearsal on AWS: preflight, hypothesis, load through the release, flip and push, follow the
 * pipeline's deployment to its end, steady state after, report, and restore.
 */
export async function runDrill(options: DrillOptions, deps: DrillDeps): Promise<DrillRun> {
  const { out, now } = deps;
  const say = (...lines: string[]): void => {
    for (const line of lines) out.write(`${line}\n`);
  };
  const faults = formatFaults(parseFaults(options.entries.join(',')));
  const startedAt = now();
  const hypothesis = hypothesisFor(faults);
  const phases = new LoadPhases();
  const marks: TimelineEntry[] = [];
  const mark = (label: string, detail?: string): void => {
    const entry = { at: now(), label, ...(detail !== undefined && { detail }) };
    marks.push(entry);
    say(`${clockTime(entry.at)}  ${label}${detail ? `: ${detail}` : ''}`);
  };
  const report: DrillReport = {
    name: reportName(startedAt, faults),
    faults,
    startedAt,
    finishedAt: startedAt,
    status: 'completed',
    preflight: [],
    hypothesis,
    method: { load: options.load, pushed: false },
    steadyBefore: phases.stats.before,
    observations: { timeline: marks, during: phases.stats.during, versions: phases.versions },
    steadyAfter: phases.stats.after,
    verdict: { expectedOutcome: hypothesis.expected.outcome, matched: false },
    restore: {
      done: false,
      note: 'FAULTS is still flipped on the branch; restore: npm run rehearse -- flip --clear --commit && git push',
    },
  };
  let result: WatchResult | undefined;
  const finish = async (status: DrillReport['status'], exitCode: number): Promise<DrillRun> => {
    report.status = status;
    report.finishedAt = now();
    report.observations.timeline = [...marks, ...(result ? deploymentTimeline(result) : [])].sort(
      (a, b) => a.at - b.at,
    );
    if (status === 'preflight-failed') return { report, exitCode };
    const reportPath = await writeReport(path.join(options.reportDir, report.name), report);
    say(`Report: ${reportPath}`);
    return { report, reportPath, exitCode };
  };
  const interrupted = (): boolean => deps.signal?.aborted === true;

  say('== Preflight');
  const preflight = await runPreflight({
    aws: deps.aws,
    git: deps.git,
    cwd: options.cwd,
    taskdefFile: options.taskdefFile,
    branch: options.branch,
    ...(options.stackName && { stackName: options.stackName }),
  });
  report.preflight = preflight.checks;
  for (const c of preflight.checks) say(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}`);
  const target = preflight.target;
  if (!target) {
    say('Preflight failed; nothing was changed.');
    return finish('preflight-failed', 1);
  }

  say('', '== Hypothesis');
  say(`  FAULTS=${faults}: expected ${hypothesis.expected.outcome} (${hypothesis.expected.signal})`);
  const predicted = hypothesis.prediction?.seconds;
  if (predicted !== undefined)
    say(
      `  predicted: rollback triggered at most ${predicted} s after green tasks start (${hypothesis.prediction!.signal})`,
    );
  else if (hypothesis.prediction) say(`  predicted: no rollback (${hypothesis.prediction.signal})`);

  say('', `== Load loop against ${target.albUrl} (${options.load.rate} req/s)`);
  report.method.albUrl = target.albUrl;
  const stopLoad = new AbortController();
  const onInterrupt = (): void => stopLoad.abort();
  deps.signal?.addEventListener('abort', onInterrupt, { once: true });
  let lastVersions = '';
  const loadRun = runLoad({
    url: target.albUrl,
    rate: options.load.rate,
    concurrency: options.load.concurrency,
    timeoutMs: options.load.timeoutMs,
    signal: stopLoad.signal,
    now,
    onResult: phases.record,
    onSecond: (second) => {
      // Every tenth second, and any second with failures or a new mix of versions.
      const versions = Object.keys(second.byVersion).sort().join(',');
      const newMix = versions !== '' && versions !== lastVersions;
      if (second.second % 10 === 0 || second.failed > 0 || newMix) say(`  load ${formatSecond(second)}`);
      if (versions !== '') lastVersions = versions;
    },
  }).catch((error: unknown) => {
    say(`  load loop failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });

  let pushAt: number | undefined;
  try {
    await deps.sleep(options.steadyMs, deps.signal);
    mark(
      'steady state measured',
      `${phases.stats.before.requests} requests, ${phases.stats.before.failed} failed`,
    );
    if (interrupted()) return await finish('interrupted', 130);

    const codeDeploy = deps.aws.codeDeploy();
    const before = await latestDeployment(codeDeploy, target.group);

    say('', '== Flip');
    const change = await applyFlip(options.taskdefFile, options.entries);
    const commit = await commitFile(deps.git, options.cwd, options.taskdefFile, flipMessage(change.after));
    report.method.commit = commit;
    mark('flip committed', `${commit.slice(0, 12)} FAULTS "${change.before}" -> "${change.after}"`);
    phases.phase = 'during';
    if (options.push) {
      await gitOrThrow(deps.git, ['push', options.remote, `HEAD:${options.branch}`], options.cwd);
      report.method.pushed = true;
      pushAt = now();
      mark('push', `${options.remote} ${options.branch}`);
    } else {
      pushAt = now();
      mark('waiting for your push', `run: git push ${options.remote} HEAD:${options.branch}`);
    }

    say('', '== Waiting for the pipeline to start a deployment');
    const deadline = now() + options.waitDeploymentMs;
    let deploymentId: string | undefined;
    while (!deploymentId && now() < deadline && !interrupted()) {
      const latest = await latestDeployment(codeDeploy, target.group, new Date(pushAt - 60_000));
      if (latest?.deploymentId && latest.deploymentId !== before?.deploymentId)
        deploymentId = latest.deploymentId;
      else await deps.sleep(options.pollMs, deps.signal);
    }
    if (interrupted()) return await finish('interrupted', 130);
    if (!deploymentId) {
      mark(
        'no deployment',
        `none appeared within ${seconds(options.waitDeploymentMs)} s; check the pipeline (build or source stage)`,
      );
      return await finish('no-deployment', 1);
    }
    report.method.deploymentId = deploymentId;
    mark('deployment found', deploymentId);

    say('', `== Watching ${deploymentId}`);
    result = await watchDeployment({
      client: codeDeploy,
      deploymentId,
      pollMs: options.pollMs,
      now,
      sleep: deps.sleep,
      ...(deps.signal && { signal: deps.signal }),
      onEvent: (event) => say(`  ${formatWatchEvent(event)}`),
    });
    report.observations.deployment = result;
    say(formatWatchSummary(result));
    if (result.outcome === 'interrupted') return await finish('interrupted', 130);

    phases.phase = 'after';
    say('', '== Steady state after');
    await deps.sleep(options.steadyMs, deps.signal);
    mark(
      'steady state measured',
      `${phases.stats.after.requests} requests, ${phases.stats.after.failed} failed`,
    );
  } finally {
    stopLoad.abort();
    deps.signal?.removeEventListener('abort', onInterrupt);
    const load: LoadResult | undefined = await loadRun;
    if (load) {
      const { series, ...totals } = load;
      report.observations.load = { ...totals, seconds: series.length };
    }
  }

  const detectedAt = detectionTime(result);
  const greenAt = greenRunningTime(result);
  if (detectedAt !== undefined) {
    report.observations.detection = {
      fromPushSeconds: seconds(detectedAt - pushAt),
      ...(greenAt !== undefined && { fromGreenSeconds: seconds(detectedAt - greenAt) }),
    };
  }
  const rolledBackAt = rollbackDoneTime(result);
  if (rolledBackAt !== undefined)
    report.observations.rollbackDoneFromPushSeconds = seconds(rolledBackAt - pushAt);
  const observedOutcome =
    result.outcome === 'rolled-back'
      ? 'rolled-back'
      : result.outcome === 'succeeded'
        ? 'succeeded'
        : result.outcome;
  report.verdict = {
    expectedOutcome: hypothesis.expected.outcome,
    observedOutcome,
    matched: observedOutcome === hypothesis.expected.outcome,
    ...(predicted !== undefined && { predictedSeconds: predicted }),
    ...(report.observations.detection?.fromGreenSeconds !== undefined && {
      observedSeconds: report.observations.detection.fromGreenSeconds,
    }),
  };
  say(
    '',
    `== Expected ${hypothesis.expected.outcome}, observed ${observedOutcome}: ${report.verdict.matched ? 'the hypothesis held' : 'the hypothesis did NOT hold'}`,
  );
  if (report.observations.detection) {
    say(
      `   detected ${report.observations.detection.fromPushSeconds} s after the push, ${report.observations.detection.fromGreenSeconds ?? '-'} s after green was running (model: ${predicted ?? '-'} s)`,
    );
  }

  let restore = options.restore === 'yes';
  if (options.restore === 'ask' && deps.prompt) {
    restore = /^y(es)?$/i.test(
      (await deps.prompt('Restore now (clear FAULTS, commit and push)? [y/N] ')).trim(),
    );
  }
  if (restore) {
    say('', '== Restore');
    const cleared = await applyFlip(options.taskdefFile, []);
    const restoreCommit = await commitFile(
      deps.git,
      options.cwd,
      options.taskdefFile,
      flipMessage(cleared.after),
    );
    mark('restore committed', restoreCommit.slice(0, 12));
    if (options.push) {
      await gitOrThrow(deps.git, ['push', options.remote, `HEAD:${options.branch}`], options.cwd);
      mark('restore pushed');
    }
    report.restore = {
      done: true,
      commit: restoreCommit,
      pushed: options.push,
      note: options.push
        ? 'The push starts a clean release; follow it with: npm run rehearse -- watch'
        : `Push it to release: git push ${options.remote} HEAD:${options.branch}`,
    };
  } else {
    say(
      `FAULTS=${faults} is still on ${options.branch}: the next push releases it again. Restore with: npm run rehearse -- flip --clear --commit && git push`,
    );
  }
  return finish('completed', report.verdict.matched ? 0 : 1);
}
