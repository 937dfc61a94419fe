import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import { formatFaults } from '../../../../contract/faults/parse-faults';
import { settings } from '../../../../contract/settings';
import type { DeploymentView } from '../../../../core/guard/guard-decision';
import { DEFAULT_CONTROLLER, type DeploymentControllerName } from '../../../../contract/native-strategies';
import { runLoad, type LoadResult } from '../../load/load-loop';
import { alarmDefinitions, type AlarmMonitor } from '../cloudwatch/alarms';
import { deploymentAlarms, rehearsalGuard, watchesAlarms } from '../lambdas/stop-signals';
import { type Clock, sleep, systemClock, waitUntil } from '../clock';
import type { DeploymentOutcome, StopReason } from '../controllers/lifecycle-parts';
import { GUARD_VIEW, runController, type GuardView } from '../controllers/local-controllers';
import type { DeploymentConfig } from '../../../../contract/deployment-configs';
import { httpHealthCheck } from '../elb/health-check-request';
import { LbMetrics, type GroupName } from '../cloudwatch/lb-metrics';
import { LocalLoadBalancer } from '../elb/load-balancer';
import { HookRuns } from './hook-runs';
import { localTimings, STARTUP_ALLOWANCE_MS, type LocalTimings } from '../time-scale/local-timings';
import { LoadSeries } from '../result/load-series';
import { type ProgressSnapshot, type RehearsalResult } from '../result/rehearsal-result';
import { localTaskDefinitionArn, type LocalStoppedTaskGuard } from '../lambdas/stopped-task-guard';
import type { LaunchTask } from '../ecs/task-process';
import type { TaskSet } from '../ecs/task-set';
import { GreenStart } from './green-start';
import { routeProduction } from './production-rule';
import { rehearsalTaskSet } from './rehearsal-task-set';
import { TargetGroup } from '../elb/target-group';
import { alarmsFiring, eventsOf, phaseOf } from '../../experiment/read-record';
import type { RehearsalEvent } from '../../experiment/rehearsal-event';
import { RehearsalRecord } from '../../experiment/rehearsal-record';
import { resultFromRecord } from '../result/result-from-record';
import { rehearsalWatcher, type LocalTargetHealthWatcher } from '../lambdas/target-health-watcher';
import type { GateSettings } from '../controllers/hold-gate';
import { HandControl, type HeldNotice, type RehearsalControl } from './hand-control';

export type { ProgressSnapshot, RehearsalResult } from '../result/rehearsal-result';
export type { HeldNotice, RehearsalControl } from './hand-control';

/** The versions the two task sets report in `x-app-version`. */
export const VERSIONS: Record<GroupName, string> = { blue: 'blue', green: 'green' };

export interface RehearsalOptions {
  /** Faults of the green release (blue never has any). */
  readonly faults: ActiveFaults;
  readonly config: DeploymentConfig;
  /** Who runs the deployment: CodeDeploy's lifecycle, or native ECS blue/green's stages. @default 'codedeploy' */
  readonly controller?: DeploymentControllerName;
  readonly timeScale: number;
  /** Load loop pace, requests per second, through the production listener. */
  readonly rate: number;
  readonly launch: LaunchTask;
  /** A task is registered at the latest this long after it starts, listening or not. @default STARTUP_ALLOWANCE_MS */
  readonly startupAllowanceMs?: number;
  readonly clock?: Clock;
  readonly onEvent?: (event: RehearsalEvent) => void;
  /** Called about four times a second with the live state. */
  readonly onProgress?: (snapshot: ProgressSnapshot) => void;
  /** Ends the rehearsal early: what it started is stopped, then it rejects with the abort reason. */
  readonly signal?: AbortSignal;
  /** Hands out task ports; rehearsals side by side share one so no two tasks are given the same port. @default freePort */
  readonly allocatePort?: () => Promise<number>;
  /** A deployment alarm (its local name, e.g. `elb-5xx`) already in ALARM when the deployment starts. */
  readonly alarmAtStart?: string;
  /** Native ECS only: production starts reset to green, the empty target group (aws-cdk issue 36649). */
  readonly productionRuleReset?: boolean;
  /** The gate: a hold before production traffic moves. @default none */
  readonly gate?: GateSettings;
  /** Given, at the start, what another terminal's `continue --local` and `rollback --local` reach. */
  readonly onControl?: (control: RehearsalControl) => void;
  /** Called when the deployment holds at the gate. */
  readonly onHeld?: (notice: HeldNotice) => void;
}

/** Load loop limit for one request: longer than any latency fault the catalogue ships by default. */
const LOAD_TIMEOUT_MS = 10_000;
const LOAD_CONCURRENCY = 10;
/** Real time with blue alone before the deployment starts, so the chart shows the steady state. */
const STEADY_MS = 1_000;
/** Real time of load after the verdict, so the chart shows who serves once the deployment is over. */
const TAIL_MS = 2_000;
/** Each task set's task definition revision: blue is the one deployed, green the one being deployed. */
const TASK_DEFINITIONS: Record<GroupName, string> = {
  blue: localTaskDefinitionArn(settings.serviceName, '1'),
  green: localTaskDefinitionArn(settings.serviceName, '2'),
};
/** Real limit for blue to become healthy before the deployment starts. */
const BLUE_READY_LIMIT_MS = 20_000;
const POLL_MS = 50;

type Urls = Awaited<ReturnType<LocalLoadBalancer['listen']>>;

/** One rehearsal's parts and state; `run` calls the steps in order and always stops what it started. */
class Rehearsal {
  private readonly clock: Clock;
  private readonly controller: DeploymentControllerName;
  /** How the controller's API shows the deployment to the guard. */
  private readonly view: GuardView;
  private readonly timings: LocalTimings;
  private readonly record: RehearsalRecord;
  private readonly metrics: LbMetrics;
  private readonly loadSeries = new LoadSeries();
  private readonly guard: LocalStoppedTaskGuard;
  private readonly watcher: LocalTargetHealthWatcher;
  /** CodeDeploy's view of the local deployment, for the guard; undefined before it starts. */
  private deploymentView: DeploymentView | undefined;
  /** Green's first task running: the model's time zero; the alarm periods are aligned to it. */
  private readonly greenStart: GreenStart;
  private readonly sets: Partial<Record<GroupName, TaskSet>> = {};
  private readonly groups: Record<GroupName, TargetGroup>;
  private readonly monitor: AlarmMonitor;
  /** Whether the controller acts on its alarms: decided when the deployment starts. */
  private alarmsWatched = true;
  private readonly lb: LocalLoadBalancer;
  private readonly stopDeployment = new AbortController();
  private readonly loadAbort = new AbortController();
  private load: Promise<LoadResult> | undefined;
  /** The hook's probe: when it began and ended, and each request's real time. */
  private readonly hooks: HookRuns;
  /** A person's `continue` and `rollback`, and the gate. */
  private readonly hand: HandControl;

  constructor(private readonly options: RehearsalOptions) {
    this.clock = options.clock ?? systemClock;
    this.controller = options.controller ?? DEFAULT_CONTROLLER;
    this.view = GUARD_VIEW[this.controller];
    this.timings = localTimings(options.timeScale);
    this.record = new RehearsalRecord(this.clock, (event) => options.onEvent?.(event));
    this.hooks = new HookRuns(VERSIONS.green, this.timings.hook, this.clock, () => this.record.elapsed());
    // The alarm periods start again at green's zero: see GreenStart.
    this.greenStart = new GreenStart(
      (basis) => this.record.add({ type: 'green-running', basis }),
      () => this.monitor.alignPeriods(),
    );
    this.metrics = new LbMetrics(this.clock);
    this.groups = { blue: this.targetGroup('blue'), green: this.targetGroup('green') };
    const signals = {
      clock: this.clock,
      timings: this.timings,
      record: this.record,
      groups: this.groups,
      stop: (reason: StopReason) => this.stop(reason),
      alarmsWatched: () => this.alarmsWatched,
    };
    this.monitor = deploymentAlarms(signals);
    this.metrics.subscribe((r) => this.monitor.recordRequest(r));
    this.lb = new LocalLoadBalancer({ groups: this.groups, metrics: this.metrics, clock: this.clock });
    this.guard = rehearsalGuard(
      signals,
      () => (this.deploymentView ? [this.deploymentView] : []),
      this.view.activeStatuses,
    );
    this.watcher = rehearsalWatcher(signals);
    this.hand = new HandControl({
      ...options,
      controller: this.controller,
      deploymentId: this.view.deploymentId,
      record: this.record,
      clock: this.clock,
      stop: signals.stop,
      stopping: () => this.stopDeployment.signal.aborted,
    });
  }

  async run(): Promise<RehearsalResult> {
    const { options } = this;
    options.signal?.addEventListener('abort', this.interrupt, { once: true });
    options.onControl?.(this.hand);
    const progress = setInterval(() => this.reportProgress(), 250);
    this.record.add({
      type: 'started',
      faults: formatFaults(options.faults),
      config: options.config.name,
      timeScale: options.timeScale,
      controller: this.controller,
    });
    try {
      const urls = await this.lb.listen();
      await this.startBlue();
      this.startLoad(urls.production);
      await sleep(this.clock, STEADY_MS, options.signal);
      const deployment = await this.deployGreen(urls);
      options.signal?.throwIfAborted();
      await sleep(this.clock, TAIL_MS, options.signal);
      this.loadAbort.abort();
      const loadResult = await this.load!;
      await this.hooks.stop();
      return this.result(deployment, loadResult);
    } finally {
      options.signal?.removeEventListener('abort', this.interrupt);
      clearInterval(progress);
      await this.stopEverything();
    }
  }

  /** An interrupt stops the deployment the way an alarm would, so the lifecycle winds down in order. */
  private readonly interrupt = (): void =>
    this.stop({ trigger: 'interrupt', detail: 'the rehearsal was interrupted' } satisfies StopReason);

  private targetGroup(name: GroupName): TargetGroup {
    return new TargetGroup({
      name,
      healthCheck: this.timings.healthCheck,
      deregistrationDelayMs: this.timings.deregistrationDelayMs,
      clock: this.clock,
      check: httpHealthCheck(settings.container.healthPath, this.timings.healthyCodes),
      onChange: (group, target, from, to) => {
        this.record.add({ type: 'target-health', group: name, target: target.id, from, to });
        this.monitor.sampleUnhealthy(name, group.counts().unhealthy);
        if (to === 'healthy') this.sets[name]?.noteHealthy();
        this.sets[name]?.onTargetHealth(target.id, to);
        if (to === 'unhealthy') this.watcher.targetFailed();
      },
    });
  }

  /**
   * Stops the deployment with rollback, once: CodeDeploy names its rollback deployment, ECS moves the same
   * deployment to ROLLBACK_REQUESTED, and later stops change nothing.
   */
  private stop(reason: StopReason): void {
    if (this.stopDeployment.signal.aborted) return;
    if (this.deploymentView) this.deploymentView = this.view.stopped(this.deploymentView);
    this.stopDeployment.abort(reason);
  }

  private readonly routing = {
    setProduction: (weights: { blue: number; green: number }): void => this.lb.setProduction(weights),
    setTest: (group: GroupName): void => this.lb.setTest(group),
  };

  private taskSet(group: GroupName, faults: ActiveFaults): TaskSet {
    const { options } = this;
    return rehearsalTaskSet(group, faults, {
      clock: this.clock,
      timings: this.timings,
      record: this.record,
      launch: options.launch,
      ...(options.allocatePort && { allocatePort: options.allocatePort }),
      startupAllowanceMs: options.startupAllowanceMs ?? STARTUP_ALLOWANCE_MS,
      startupPollMs: POLL_MS,
      targetGroup: this.groups[group],
      version: VERSIONS[group],
      taskDefinitionArn: TASK_DEFINITIONS[group],
      guard: this.guard,
      monitor: () => this.monitor,
      ...(group === 'green' && { greenStart: this.greenStart }),
    });
  }

  private reportProgress(): void {
    const { events } = this.record;
    const nowSecond = Math.floor(this.record.elapsed() / 1000);
    const latest = this.loadSeries.latest(nowSecond);
    this.options.onProgress?.({
      elapsedMs: this.record.elapsed(),
      phase: phaseOf(events),
      greenPercent: this.lb.production.green,
      health: { blue: this.groups.blue.counts(), green: this.groups.green.counts() },
      alarms: alarmsFiring(events),
      requestsPerSecond: latest.requests,
      errorsPerSecond: latest.failed,
    });
  }

  private async startBlue(): Promise<void> {
    this.sets.blue = this.taskSet('blue', {});
    await this.sets.blue.start();
    const blueReady = await waitUntil(
      this.clock,
      () => this.groups.blue.counts().healthy >= settings.ecs.desiredCount,
      {
        everyMs: POLL_MS,
        limitMs: BLUE_READY_LIMIT_MS,
        ...(this.options.signal && { signal: this.options.signal }),
      },
    );
    if (!blueReady) {
      const stops =
        eventsOf(this.record.events, 'task-stopped')
          .map((s) => `${s.reason} [${s.output ?? ''}]`)
          .join('; ') || 'none';
      throw new Error(
        `blue (no fault) did not become healthy within ${BLUE_READY_LIMIT_MS / 1000} s; is the service built (npm run build)? Last stops: ${stops}`,
      );
    }
    const { record, routing } = this;
    routeProduction({ record, routing }, this.options.productionRuleReset ?? false);
  }

  private startLoad(production: string): void {
    this.record.add({ type: 'load', url: production, rate: this.options.rate });
    this.load = runLoad({
      url: `${production}/`,
      rate: this.options.rate,
      concurrency: LOAD_CONCURRENCY,
      timeoutMs: LOAD_TIMEOUT_MS,
      signal: this.loadAbort.signal,
      now: () => this.record.elapsed(),
      onResult: (r) => this.loadSeries.add(r),
    });
  }

  /** Green with the faults, through the controller's lifecycle, with the alarms, guard and watcher watching. */
  private async deployGreen(urls: Urls): Promise<DeploymentOutcome> {
    this.monitor.start();
    if (this.options.alarmAtStart !== undefined) this.monitor.seedAlarm(this.options.alarmAtStart);
    this.alarmsWatched = watchesAlarms(this.controller, this.monitor, this.record);
    this.watcher.start();
    const green = (this.sets.green = this.taskSet('green', this.options.faults));
    this.deploymentView = {
      id: this.view.deploymentId,
      status: this.view.status.running,
      taskDefinition: { arn: TASK_DEFINITIONS.green },
    };
    const deployment = await this.hand.deploy(urls.test, () =>
      runController(this.controller, {
        // What both controllers drive: the listeners, the task sets, green's readiness and the stop signal.
        deps: {
          clock: this.clock,
          record: this.record,
          routing: this.routing,
          green,
          blue: this.sets.blue!,
          greenReady: () => this.groups.green.counts().healthy >= settings.ecs.desiredCount,
          readyWaitMs: this.timings.readyWaitMs,
          readyPollMs: POLL_MS,
          signal: this.stopDeployment.signal,
          ...(this.hand.gate && { gate: this.hand.gate }),
        },
        config: this.options.config,
        timings: this.timings,
        codeDeployHook: () => this.hooks.codeDeploy(urls.test),
        nativeHook: (invocation) => this.hooks.native(urls.test, invocation),
        liveRules: () => this.lb.describeRules(),
      }),
    );
    const { outcome } = deployment;
    this.deploymentView =
      outcome === 'refused' ? undefined : { ...this.deploymentView, status: this.view.status[outcome] };
    this.monitor.stop();
    this.watcher.close();
    return deployment;
  }

  private result(deployment: DeploymentOutcome, loadResult: LoadResult): RehearsalResult {
    const { options } = this;
    return resultFromRecord({
      faults: options.faults,
      config: options.config,
      controller: this.controller,
      timings: this.timings,
      events: this.record.events,
      ...(deployment.hook && { hook: deployment.hook }),
      hookRun: this.hooks.run,
      ...(options.alarmAtStart !== undefined && { alarmAtStart: options.alarmAtStart }),
      ...(options.productionRuleReset && { productionRuleReset: true }),
      load: {
        requests: loadResult.requests,
        failed: loadResult.failed,
        byVersion: loadResult.byVersion,
        byStatus: loadResult.byStatus,
        errors: loadResult.errors,
        latency: loadResult.latency,
        failedByVersion: this.loadSeries.failedByVersion,
      },
      // The second in which the load loop stopped is partial: leave it out of the per-second series.
      series: this.loadSeries.series().slice(0, Math.floor(this.record.elapsed() / 1000)),
      targetGroups: this.metrics.totals(),
      alarms: alarmDefinitions().map((d) => ({ name: d.name, description: d.description })),
    });
  }

  private async stopEverything(): Promise<void> {
    this.monitor.stop();
    this.watcher.close();
    this.guard.close();
    this.loadAbort.abort();
    await this.load?.catch(() => undefined);
    await this.hooks.stop();
    await Promise.all([this.sets.blue?.kill(), this.sets.green?.kill()]);
    this.groups.blue.close();
    this.groups.green.close();
    await this.lb.close();
  }
}

/**
 * Runs one local blue/green rehearsal: blue (no fault) serves production behind the local load balancer
 * with a load loop running, then the controller (CodeDeploy's lifecycle, or native ECS's stages) releases
 * green (with the faults) and either completes or rolls back. Everything started here is stopped before it resolves.
 */
export function runRehearsal(options: RehearsalOptions): Promise<RehearsalResult> {
  return new Rehearsal(options).run();
}
