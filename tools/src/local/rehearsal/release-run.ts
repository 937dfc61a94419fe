import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import { formatFaults } from '../../../../contract/faults/parse-faults';
import { settings } from '../../../../contract/settings';
import type { DeploymentView } from '../../../../core/guard/guard-decision';
import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import type { DeploymentConfig } from '../../../../contract/deployment-configs';
import { runLoad, type LoadResult } from '../../load/load-loop';
import { alarmDefinitions, type AlarmMonitor } from '../cloudwatch/alarms';
import { deploymentAlarms, rehearsalGuard, watchesAlarms } from '../lambdas/stop-signals';
import type { Clock } from '../clock';
import type { DeploymentOutcome, StopReason } from '../controllers/lifecycle-parts';
import { GUARD_VIEW, runController, type GuardView } from '../controllers/local-controllers';
import { httpHealthCheck } from '../elb/health-check-request';
import { LbMetrics, type GroupName, type ListenerName } from '../cloudwatch/lb-metrics';
import type { LocalLoadBalancer } from '../elb/load-balancer';
import { HookRuns } from './hook-runs';
import type { LocalTimings } from '../time-scale/local-timings';
import { LoadSeries } from '../result/load-series';
import type { ProgressSnapshot, RehearsalResult } from '../result/rehearsal-result';
import type { LocalStoppedTaskGuard } from '../lambdas/stopped-task-guard';
import type { TaskSet } from '../ecs/task-set';
import { GreenStart } from './green-start';
import type { TaskSetWatchers } from './rehearsal-task-set';
import { TargetGroup, type Target } from '../elb/target-group';
import type { TargetHealth } from '../elb/health-state';
import { alarmsFiring, phaseOf } from '../../experiment/read-record';
import type { RehearsalEvent } from '../../experiment/rehearsal-event';
import { RehearsalRecord } from '../../experiment/rehearsal-record';
import { resultFromRecord } from '../result/result-from-record';
import { rehearsalWatcher, type LocalTargetHealthWatcher } from '../lambdas/target-health-watcher';
import type { GateSettings } from '../controllers/hold-gate';
import { HandControl, type HeldNotice } from './hand-control';

/** Load loop limit for one request: longer than any latency fault the catalogue ships by default. */
const LOAD_TIMEOUT_MS = 10_000;
const LOAD_CONCURRENCY = 10;
const POLL_MS = 50;

/** What one release (one deployment from the serving blue to a new green) is made of. */
export interface ReleaseRunOptions {
  /** Faults of the green release. */
  readonly faults: ActiveFaults;
  readonly config: DeploymentConfig;
  readonly controller: DeploymentControllerName;
  readonly timings: LocalTimings;
  readonly clock: Clock;
  /** The load balancer both task sets sit behind; it outlives the release in a long-lived environment. */
  readonly lb: LocalLoadBalancer;
  /** The target groups in their roles for this release. */
  readonly groups: Record<GroupName, TargetGroup>;
  /** The version green answers with in `x-app-version`: what the hook expects. */
  readonly greenVersion: string;
  /** Green's task definition: the guard acts only on stops of the revision being deployed. */
  readonly greenTaskDefinitionArn: string;
  readonly onEvent?: (event: RehearsalEvent) => void;
  /** A deployment alarm (its local name, e.g. `elb-5xx`) already in ALARM when the deployment starts. */
  readonly alarmAtStart?: string;
  /** Native ECS only: production starts reset to green, the empty target group (aws-cdk issue 36649). */
  readonly productionRuleReset?: boolean;
  /** The gate: a hold before production traffic moves. @default none */
  readonly gate?: GateSettings;
  /** Called when the deployment holds at the gate. */
  readonly onHeld?: (notice: HeldNotice) => void;
}

/** A target group with the compressed health checks of `timings`; `onChange` hears every state change. */
export function rehearsalTargetGroup(
  name: string,
  timings: LocalTimings,
  clock: Clock,
  onChange: (
    group: TargetGroup,
    target: Target,
    from: TargetHealth | 'unused',
    to: TargetHealth | 'unused',
  ) => void,
): TargetGroup {
  return new TargetGroup({
    name,
    healthCheck: timings.healthCheck,
    deregistrationDelayMs: timings.deregistrationDelayMs,
    clock,
    check: httpHealthCheck(settings.container.healthPath, timings.healthyCodes),
    onChange,
  });
}

/**
 * One release through the controller's lifecycle, from the blue that serves to a new green, with its own
 * record, CloudWatch metrics and alarms, stopped-task guard, target-health watcher, hook and load loop. The
 * load balancer and the task sets belong to whoever runs the release: a one-shot rehearsal, or a long-lived
 * environment where green becomes the next release's blue.
 */
export class ReleaseRun {
  readonly record: RehearsalRecord;
  readonly metrics: LbMetrics;
  /** The hook's probe: when it began and ended, and each request's real time. */
  readonly hooks: HookRuns;
  /** A person's `continue` and `rollback`, and the gate. */
  readonly hand: HandControl;
  private readonly view: GuardView;
  private readonly loadSeries = new LoadSeries();
  private readonly guard: LocalStoppedTaskGuard;
  private readonly watcher: LocalTargetHealthWatcher;
  private readonly monitor: AlarmMonitor;
  /** Green's first task running: the model's time zero; the alarm periods are aligned to it. */
  private readonly greenStart: GreenStart;
  /** The controller's view of the deployment, for the guard; undefined before it starts. */
  private deploymentView: DeploymentView | undefined;
  /** Whether the controller acts on its alarms: decided when the deployment starts. */
  private alarmsWatched = true;
  private readonly stopDeployment = new AbortController();
  private readonly loadAbort = new AbortController();
  private load: Promise<LoadResult> | undefined;

  constructor(private readonly options: ReleaseRunOptions) {
    const { clock, timings } = options;
    this.view = GUARD_VIEW[options.controller];
    this.record = new RehearsalRecord(clock, (event) => options.onEvent?.(event));
    this.hooks = new HookRuns(options.greenVersion, timings.hook, clock, () => this.record.elapsed());
    // The alarm periods start again at green's zero: see GreenStart.
    this.greenStart = new GreenStart(
      (basis) => this.record.add({ type: 'green-running', basis }),
      () => this.monitor.alignPeriods(),
    );
    this.metrics = new LbMetrics(clock);
    const signals = {
      clock,
      timings,
      record: this.record,
      groups: options.groups,
      stop: (reason: StopReason) => this.stop(reason),
      alarmsWatched: () => this.alarmsWatched,
    };
    this.monitor = deploymentAlarms(signals);
    this.metrics.subscribe((r) => this.monitor.recordRequest(r));
    this.guard = rehearsalGuard(
      signals,
      () => (this.deploymentView ? [this.deploymentView] : []),
      this.view.activeStatuses,
    );
    this.watcher = rehearsalWatcher(signals);
    this.hand = new HandControl({
      controller: options.controller,
      deploymentId: this.view.deploymentId,
      record: this.record,
      clock,
      timeScale: timings.timeScale,
      stop: signals.stop,
      stopping: () => this.stopDeployment.signal.aborted,
      ...(options.gate && { gate: options.gate }),
      ...(options.onHeld && { onHeld: options.onHeld }),
    });
  }

  /** Writes the release's first event: what it deploys, how, and at what time scale. */
  begin(): void {
    const { options } = this;
    this.record.add({
      type: 'started',
      faults: formatFaults(options.faults),
      config: options.config.name,
      timeScale: options.timings.timeScale,
      controller: options.controller,
    });
  }

  /** Who hears the events of the task set playing `group` in this release. */
  watchers(group: GroupName): TaskSetWatchers {
    return {
      group,
      record: this.record,
      guard: this.guard,
      monitor: this.monitor,
      ...(group === 'green' && { greenStart: this.greenStart }),
    };
  }

  /**
   * A target of the group playing `group` changed state: the record, the alarms and the watcher hear it;
   * `tellTaskSet` (ECS's reaction, which goes on between releases too) runs before the watcher.
   */
  targetChanged(
    group: GroupName,
    change: { readonly target: Target; readonly from: string; readonly to: string },
    tellTaskSet: () => void,
  ): void {
    const { target, from, to } = change;
    this.record.add({ type: 'target-health', group, target: target.id, from, to });
    this.monitor.sampleUnhealthy(group, this.options.groups[group].counts().unhealthy);
    tellTaskSet();
    if (to === 'unhealthy') this.watcher.targetFailed();
  }

  /**
   * Stops the deployment with rollback, once: CodeDeploy names its rollback deployment, ECS moves the same
   * deployment to ROLLBACK_REQUESTED, and later stops change nothing.
   */
  stop(reason: StopReason): void {
    if (this.stopDeployment.signal.aborted) return;
    if (this.deploymentView) this.deploymentView = this.view.stopped(this.deploymentView);
    this.stopDeployment.abort(reason);
  }

  /** Runs the load loop through the production listener until {@link finishLoad}. */
  startLoad(production: string, rate: number): void {
    this.record.add({ type: 'load', url: production, rate });
    this.load = runLoad({
      url: `${production}/`,
      rate,
      concurrency: LOAD_CONCURRENCY,
      timeoutMs: LOAD_TIMEOUT_MS,
      signal: this.loadAbort.signal,
      now: () => this.record.elapsed(),
      onResult: (r) => this.loadSeries.add(r),
    });
  }

  /** Stops the load loop and the hook's probe; resolves with the load loop's totals. */
  async finishLoad(): Promise<LoadResult> {
    this.loadAbort.abort();
    const result = await this.load!;
    await this.hooks.stop();
    return result;
  }

  /** Green with its faults, through the controller's lifecycle, with the alarms, guard and watcher watching. */
  async deploy(
    sets: { blue: TaskSet; green: TaskSet },
    urls: Record<ListenerName, string>,
  ): Promise<DeploymentOutcome> {
    const { options } = this;
    this.monitor.start();
    if (options.alarmAtStart !== undefined) this.monitor.seedAlarm(options.alarmAtStart);
    this.alarmsWatched = watchesAlarms(options.controller, this.monitor, this.record);
    this.watcher.start();
    this.deploymentView = {
      id: this.view.deploymentId,
      status: this.view.status.running,
      taskDefinition: { arn: options.greenTaskDefinitionArn },
    };
    const { lb } = options;
    const deployment = await this.hand.deploy(urls.test, () =>
      runController(options.controller, {
        // What both controllers drive: the listeners, the task sets, green's readiness and the stop signal.
        deps: {
          clock: options.clock,
          record: this.record,
          routing: { setProduction: (w) => lb.setProduction(w), setTest: (g) => lb.setTest(g) },
          green: sets.green,
          blue: sets.blue,
          greenReady: () => options.groups.green.counts().healthy >= settings.ecs.desiredCount,
          readyWaitMs: options.timings.readyWaitMs,
          readyPollMs: POLL_MS,
          signal: this.stopDeployment.signal,
          ...(this.hand.gate && { gate: this.hand.gate }),
        },
        config: options.config,
        timings: options.timings,
        codeDeployHook: () => this.hooks.codeDeploy(urls.test),
        nativeHook: (invocation) => this.hooks.native(urls.test, invocation),
        liveRules: () => lb.describeRules(),
      }),
    );
    const { outcome } = deployment;
    this.deploymentView =
      outcome === 'refused' ? undefined : { ...this.deploymentView, status: this.view.status[outcome] };
    this.monitor.stop();
    this.watcher.close();
    return deployment;
  }

  /** The live state: phase, traffic split, health, alarms, the load loop's last second. */
  snapshot(): ProgressSnapshot {
    const { events } = this.record;
    const latest = this.loadSeries.latest(Math.floor(this.record.elapsed() / 1000));
    return {
      elapsedMs: this.record.elapsed(),
      phase: phaseOf(events),
      greenPercent: this.options.lb.production.green,
      health: { blue: this.options.groups.blue.counts(), green: this.options.groups.green.counts() },
      alarms: alarmsFiring(events),
      requestsPerSecond: latest.requests,
      errorsPerSecond: latest.failed,
    };
  }

  /** The release's result, read from its record and the load loop's totals. */
  result(deployment: DeploymentOutcome, loadResult: LoadResult): RehearsalResult {
    const { options } = this;
    return resultFromRecord({
      faults: options.faults,
      config: options.config,
      controller: options.controller,
      timings: options.timings,
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

  /** Stops the alarms, guard, watcher, load loop and hook; the task sets and listeners are the owner's. */
  async close(): Promise<void> {
    this.monitor.stop();
    this.watcher.close();
    this.guard.close();
    this.loadAbort.abort();
    await this.load?.catch(() => undefined);
    await this.hooks.stop();
  }
}
