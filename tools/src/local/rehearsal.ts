import type { ActiveFaults } from '../../../contract/faults/catalogue';
import { formatFaults } from '../../../contract/faults/parse-faults';
import { settings } from '../../../contract/settings';
import {
  probeOptionsFromSettings,
  probeRelease,
  type ProbeResult,
} from '../../../pipeline/lambda/test-traffic-hook/release-probe';
import { runLoad, type LoadResult } from '../load/load-loop';
import {
  expectedRelease,
  type ExpectedRelease,
  type ReleaseOutcome,
  type RollbackPrediction,
} from '../model/rollback-time';
import { modelledAwsTime } from './aws-model';
import { alarmDefinitions, AlarmMonitor, type AlarmState } from './alarms';
import { type Clock, sleep, systemClock, waitUntil } from './clock';
import { runLifecycle, type DeploymentOutcome, type StopReason } from './codedeploy-lifecycle';
import type { DeploymentConfig } from '../../../contract/deployment-configs';
import { accepts, freePort } from './free-port';
import { httpHealthCheck } from './health-check-request';
import { LbMetrics, type GroupName, type GroupSecond } from './lb-metrics';
import { LocalLoadBalancer } from './load-balancer';
import { localFaults } from './local-faults';
import { localTimings, scaleSteps, STARTUP_ALLOWANCE_MS, type LocalTimings } from './local-timings';
import { LoadSeries, type VersionSecond } from './load-series';
import type { LaunchTask } from './task-process';
import { TaskSet, type TaskStop } from './task-set';
import { TargetGroup, type HealthCounts } from './target-group';
import { Timeline, type TimelineEvent } from './timeline';

/** The versions the two task sets report in `x-app-version`. */
export const VERSIONS: Record<GroupName, string> = { blue: 'blue', green: 'green' };

export interface RehearsalOptions {
  /** Faults of the green release (blue never has any). */
  readonly faults: ActiveFaults;
  readonly config: DeploymentConfig;
  readonly timeScale: number;
  /** Load loop pace, requests per second, through the production listener. */
  readonly rate: number;
  readonly launch: LaunchTask;
  /** A task is registered at the latest this long after it starts, listening or not. @default STARTUP_ALLOWANCE_MS */
  readonly startupAllowanceMs?: number;
  readonly clock?: Clock;
  readonly onEvent?: (event: TimelineEvent) => void;
  /** Called about four times a second with the live state. */
  readonly onProgress?: (snapshot: ProgressSnapshot) => void;
  /** Ends the rehearsal early: what it started is stopped, then it rejects with the abort reason. */
  readonly signal?: AbortSignal;
  /** Hands out task ports; rehearsals side by side share one so no two tasks are given the same port. @default freePort */
  readonly allocatePort?: () => Promise<number>;
}

/** The live state shown on one terminal line. */
export interface ProgressSnapshot {
  readonly elapsedMs: number;
  readonly phase: string;
  readonly greenPercent: number;
  readonly health: Record<GroupName, HealthCounts>;
  readonly alarms: string[];
  readonly requestsPerSecond: number;
  readonly errorsPerSecond: number;
}

/** Everything a report needs about one rehearsal. */
export interface RehearsalResult {
  readonly faults: string;
  readonly config: string;
  readonly timeScale: number;
  readonly timings: LocalTimings;
  readonly outcome: ReleaseOutcome;
  readonly expected: ExpectedRelease;
  readonly matched: boolean;
  readonly reason: string;
  readonly deployment: DeploymentOutcome;
  readonly timeline: TimelineEvent[];
  readonly load: Pick<LoadResult, 'requests' | 'failed' | 'byVersion' | 'byStatus' | 'errors' | 'latency'> & {
    failedByVersion: Record<string, number>;
  };
  readonly series: VersionSecond[];
  /** Percent of production traffic on green, from each change. */
  readonly traffic: { atMs: number; green: number }[];
  readonly targetGroups: Record<GroupName, GroupSecond>;
  readonly taskStops: TaskStop[];
  readonly alarms: { name: string; description: string; state: AlarmState; firedAtMs?: number }[];
  readonly notes: string[];
  readonly hook?: ProbeResult;
  /** The worst-case AWS time the infrastructure model predicts for these faults. */
  readonly modelledAws?: RollbackPrediction;
}

/** Load loop limit for one request: longer than any latency fault the catalogue ships by default. */
const LOAD_TIMEOUT_MS = 10_000;
const LOAD_CONCURRENCY = 10;
/** Real time with blue alone before the deployment starts, so the chart shows the steady state. */
const STEADY_MS = 1_000;
/** Real time of load after the verdict, so the chart shows who serves once the deployment is over. */
const TAIL_MS = 2_000;
/** Real limit for blue to become healthy before the deployment starts. */
const BLUE_READY_LIMIT_MS = 20_000;
const POLL_MS = 50;

/**
 * Runs one local blue/green rehearsal: blue (no fault) serves production behind the local load balancer
 * with a load loop running, then the CodeDeploy lifecycle releases green (with the faults) and either
 * completes or rolls back. Everything started here is stopped before it resolves.
 */
export async function runRehearsal(options: RehearsalOptions): Promise<RehearsalResult> {
  const clock = options.clock ?? systemClock;
  const timings = localTimings(options.timeScale);
  let phase = 'starting blue';
  const timeline = new Timeline(clock, (event) => {
    if (event.kind === 'phase') phase = event.message.split(':')[0] ?? event.message;
    options.onEvent?.(event);
  });
  const metrics = new LbMetrics(clock);
  const loadSeries = new LoadSeries();
  const taskStops: TaskStop[] = [];
  const traffic: { atMs: number; green: number }[] = [{ atMs: 0, green: 0 }];
  const firedAt = new Map<string, number>();
  const notes: string[] = [];
  const check = httpHealthCheck(settings.container.healthPath, timings.healthyCodes);

  const sets: Partial<Record<GroupName, TaskSet>> = {};
  const groups = {} as Record<GroupName, TargetGroup>;
  for (const name of ['blue', 'green'] as const) {
    groups[name] = new TargetGroup({
      name,
      healthCheck: timings.healthCheck,
      deregistrationDelayMs: timings.deregistrationDelayMs,
      clock,
      check,
      onChange: (group, target, from, to) => {
        timeline.add('health', `${target.id}: ${from} -> ${to}`);
        monitor.sampleUnhealthy(name, group.counts().unhealthy);
        if (to === 'healthy') sets[name]?.noteHealthy();
        sets[name]?.onTargetHealth(target.id, to);
      },
    });
  }
  const monitor = new AlarmMonitor({
    clock,
    periodMs: timings.alarmPeriodMs,
    definitions: alarmDefinitions(),
    unhealthyCount: (group) => groups[group].counts().unhealthy,
    onChange: (change) => {
      timeline.add(
        'alarm',
        `${change.alarm.name} ${change.state}${change.value === undefined ? '' : ` (${round(change.value)})`}: ${change.alarm.description}`,
      );
      if (change.state === 'ALARM') {
        if (!firedAt.has(change.alarm.name)) firedAt.set(change.alarm.name, timeline.elapsed());
        // After the current evaluation, so the reason names every alarm that went off in it.
        queueMicrotask(() => {
          const firing = monitor.firing();
          const reason: StopReason = {
            trigger: 'alarm',
            detail: `alarm${firing.length > 1 ? 's' : ''} ${firing.join(', ')} in ALARM`,
          };
          stopDeployment.abort(reason);
        });
      }
    },
  });
  metrics.subscribe((r) => monitor.recordRequest(r));
  const stopDeployment = new AbortController();
  // An interrupt stops the deployment the way an alarm would, so the lifecycle winds down in order.
  const interrupt = (): void =>
    stopDeployment.abort({
      trigger: 'interrupt',
      detail: 'the rehearsal was interrupted',
    } satisfies StopReason);
  options.signal?.addEventListener('abort', interrupt, { once: true });
  const lb = new LocalLoadBalancer({ groups, metrics, clock });
  const routing = {
    setProduction: (weights: { blue: number; green: number }) => {
      lb.setProduction(weights);
      if (traffic.at(-1)?.green !== weights.green)
        traffic.push({ atMs: Math.round(timeline.elapsed()), green: weights.green });
    },
    setTest: (group: GroupName) => lb.setTest(group),
  };

  const taskSet = (group: GroupName, faults: ActiveFaults): TaskSet =>
    new TaskSet({
      group,
      version: VERSIONS[group],
      desiredCount: settings.ecs.desiredCount,
      host: '127.0.0.1',
      clock,
      launch: options.launch,
      allocatePort: options.allocatePort ?? (() => freePort()),
      faultsFor: (port, spare) => {
        const local = localFaults(faults, timings, port, spare);
        for (const note of local.notes) if (!notes.includes(note)) notes.push(note);
        return local.faults;
      },
      accepts: (host, port) => accepts(host, port),
      targetGroup: groups[group],
      startupAllowanceMs: options.startupAllowanceMs ?? STARTUP_ALLOWANCE_MS,
      startupPollMs: POLL_MS,
      healthCheckGraceMs: timings.healthCheckGraceMs,
      restartBackoffMs: timings.restartBackoffMs,
      restartBackoffMaxMs: timings.restartBackoffMaxMs,
      stopTimeoutMs: timings.stopTimeoutMs,
      onStop: (stop) => {
        taskStops.push(stop);
        timeline.add(
          'task',
          `${stop.taskId} stopped: ${stop.reason}${stop.output ? ` [${stop.output}]` : ''}`,
        );
        if (stop.abnormal) monitor.recordTaskStop();
      },
    });

  const loadAbort = new AbortController();
  let load: Promise<LoadResult> | undefined;
  let probe: Promise<ProbeResult> | undefined;
  const probeAbort = new AbortController();
  const progress = setInterval(() => {
    const nowSecond = Math.floor(timeline.elapsed() / 1000);
    const latest = loadSeries.latest(nowSecond);
    options.onProgress?.({
      elapsedMs: timeline.elapsed(),
      phase,
      greenPercent: lb.production.green,
      health: { blue: groups.blue.counts(), green: groups.green.counts() },
      alarms: monitor.firing(),
      requestsPerSecond: latest.requests,
      errorsPerSecond: latest.failed,
    });
  }, 250);
  timeline.add(
    'note',
    `green FAULTS=${formatFaults(options.faults) || '(none)'}; ${options.config.name}; time scale ${options.timeScale}`,
  );

  try {
    const urls = await lb.listen();
    sets.blue = taskSet('blue', {});
    await sets.blue.start();
    const blueReady = await waitUntil(
      clock,
      () => groups.blue.counts().healthy >= settings.ecs.desiredCount,
      {
        everyMs: POLL_MS,
        limitMs: BLUE_READY_LIMIT_MS,
        ...(options.signal && { signal: options.signal }),
      },
    );
    if (!blueReady) {
      throw new Error(
        `blue (no fault) did not become healthy within ${BLUE_READY_LIMIT_MS / 1000} s; is the service built (npm run build)? Last stops: ${taskStops.map((s) => `${s.reason} [${s.output}]`).join('; ') || 'none'}`,
      );
    }
    routing.setProduction({ blue: 100, green: 0 });
    timeline.add(
      'phase',
      `blue serving production at ${urls.production}; load loop at ${options.rate} req/s`,
    );
    load = runLoad({
      url: `${urls.production}/`,
      rate: options.rate,
      concurrency: LOAD_CONCURRENCY,
      timeoutMs: LOAD_TIMEOUT_MS,
      signal: loadAbort.signal,
      now: () => timeline.elapsed(),
      onResult: (r) => loadSeries.add(r),
    });
    phase = 'steady (blue)';
    await sleep(clock, STEADY_MS, options.signal);

    monitor.start();
    sets.green = taskSet('green', options.faults);
    const steps = scaleSteps(options.config.steps, options.timeScale);
    const deployment = await runLifecycle({
      clock,
      timeline,
      routing,
      green: sets.green,
      blue: sets.blue,
      greenReady: () => groups.green.counts().healthy >= settings.ecs.desiredCount,
      hook: () => {
        probe = probeRelease({
          ...probeOptionsFromSettings(urls.test, VERSIONS.green),
          // Once the rehearsal ends, a probe still running (an alarm cut the hook short) sends nothing more.
          fetchImpl: (input, init) =>
            probeAbort.signal.aborted
              ? Promise.reject(new Error('the rehearsal has ended'))
              : fetch(input, init),
          // Rejecting ends a probe still retrying /health when the rehearsal ends (the probe never throws).
          sleep: (ms) => sleep(clock, ms, probeAbort.signal),
        });
        return probe;
      },
      steps,
      terminationWaitMs: timings.terminationWaitMs,
      readyWaitMs: timings.readyWaitMs,
      readyPollMs: POLL_MS,
      signal: stopDeployment.signal,
    });
    monitor.stop();
    options.signal?.throwIfAborted();
    phase = deployment.outcome;
    await sleep(clock, TAIL_MS, options.signal);
    loadAbort.abort();
    const loadResult = await load;
    probeAbort.abort();
    await probe;

    const expected = expectedRelease(options.faults, { settings, deploymentConfig: options.config });
    return {
      faults: formatFaults(options.faults),
      config: options.config.name,
      timeScale: options.timeScale,
      timings,
      outcome: deployment.outcome,
      expected,
      matched: deployment.outcome === expected.outcome,
      reason: deployment.reason,
      deployment,
      timeline: timeline.events,
      load: {
        requests: loadResult.requests,
        failed: loadResult.failed,
        byVersion: loadResult.byVersion,
        byStatus: loadResult.byStatus,
        errors: loadResult.errors,
        latency: loadResult.latency,
        failedByVersion: loadSeries.failedByVersion,
      },
      // The second in which the load loop stopped is partial: leave it out of the per-second series.
      series: loadSeries.series().slice(0, Math.floor(timeline.elapsed() / 1000)),
      traffic,
      targetGroups: metrics.totals(),
      taskStops,
      alarms: alarmDefinitions().map((d) => ({
        name: d.name,
        description: d.description,
        state: monitor.states()[d.name] ?? 'OK',
        firedAtMs: firedAt.get(d.name),
      })),
      notes,
      hook: deployment.hook,
      modelledAws: modelledAwsTime(options.faults, options.config),
    };
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    clearInterval(progress);
    monitor.stop();
    loadAbort.abort();
    probeAbort.abort();
    await load?.catch(() => undefined);
    await probe;
    await Promise.all([sets.blue?.kill(), sets.green?.kill()]);
    groups.blue.close();
    groups.green.close();
    await lb.close();
  }
}

const round = (n: number): number => Math.round(n * 100) / 100;
