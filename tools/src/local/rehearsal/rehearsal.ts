import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import { settings } from '../../../../contract/settings';
import { DEFAULT_CONTROLLER, type DeploymentControllerName } from '../../../../contract/native-strategies';
import type { DeploymentConfig } from '../../../../contract/deployment-configs';
import { type Clock, sleep, systemClock, waitUntil } from '../clock';
import type { StopReason } from '../controllers/lifecycle-parts';
import { LbMetrics, type GroupName } from '../cloudwatch/lb-metrics';
import { LocalLoadBalancer, type Weights } from '../elb/load-balancer';
import { localTimings, STARTUP_ALLOWANCE_MS, type LocalTimings } from '../time-scale/local-timings';
import type { ProgressSnapshot, RehearsalResult } from '../result/rehearsal-result';
import { localTaskDefinitionArn } from '../lambdas/stopped-task-guard';
import type { LaunchTask } from '../ecs/task-process';
import type { TaskSet } from '../ecs/task-set';
import { rehearsalTaskSet, type TaskSetWatchers } from './rehearsal-task-set';
import type { TargetGroup } from '../elb/target-group';
import { eventsOf } from '../../experiment/read-record';
import type { RehearsalEvent } from '../../experiment/rehearsal-event';
import type { RehearsalRecord } from '../../experiment/rehearsal-record';
import { ReleaseRun, rehearsalTargetGroup } from './release-run';
import { routeProduction } from './production-rule';
import type { GateSettings } from '../controllers/hold-gate';
import type { HeldNotice, RehearsalControl } from './hand-control';

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
export const BLUE_READY_LIMIT_MS = 20_000;
const POLL_MS = 50;

/** The task set settings both blue and green share in one rehearsal or environment. */
export interface TaskSetSettings {
  readonly clock: Clock;
  readonly timings: LocalTimings;
  readonly allocatePort?: () => Promise<number>;
  readonly startupAllowanceMs?: number;
}

/** One task set of a release: blue or green, with its own image, version, faults and task definition. */
export function releaseTaskSet(
  group: GroupName,
  release: {
    faults: ActiveFaults;
    version: string;
    taskDefinitionArn: string;
    launch: LaunchTask;
    idPrefix?: string;
  },
  shared: TaskSetSettings & { targetGroup: TargetGroup; watchers: () => TaskSetWatchers },
): TaskSet {
  return rehearsalTaskSet(group, release.faults, {
    clock: shared.clock,
    timings: shared.timings,
    watchers: shared.watchers,
    launch: release.launch,
    ...(release.idPrefix !== undefined && { idPrefix: release.idPrefix }),
    ...(shared.allocatePort && { allocatePort: shared.allocatePort }),
    startupAllowanceMs: shared.startupAllowanceMs ?? STARTUP_ALLOWANCE_MS,
    startupPollMs: POLL_MS,
    targetGroup: shared.targetGroup,
    version: release.version,
    taskDefinitionArn: release.taskDefinitionArn,
  });
}

/**
 * Waits until every desired task of the group is healthy; throws naming the last stops when the limit
 * passes first (the service is not built, or it cannot start).
 */
export async function awaitHealthy(
  what: string,
  group: TargetGroup,
  record: RehearsalRecord,
  clock: Clock,
  signal?: AbortSignal,
): Promise<void> {
  const ready = await waitUntil(clock, () => group.counts().healthy >= settings.ecs.desiredCount, {
    everyMs: POLL_MS,
    limitMs: BLUE_READY_LIMIT_MS,
    ...(signal && { signal }),
  });
  if (ready) return;
  const stops =
    eventsOf(record.events, 'task-stopped')
      .map((s) => `${s.reason} [${s.output ?? ''}]`)
      .join('; ') || 'none';
  throw new Error(
    `${what} did not become healthy within ${BLUE_READY_LIMIT_MS / 1000} s; is the service built (npm run build)? Last stops: ${stops}`,
  );
}

/** One rehearsal's parts; `run` calls the steps in order and always stops what it started. */
class Rehearsal {
  private readonly clock: Clock;
  private readonly timings: LocalTimings;
  private readonly run: ReleaseRun;
  private readonly sets: Partial<Record<GroupName, TaskSet>> = {};
  private readonly groups: Record<GroupName, TargetGroup>;
  private readonly lb: LocalLoadBalancer;

  constructor(private readonly options: RehearsalOptions) {
    this.clock = options.clock ?? systemClock;
    this.timings = localTimings(options.timeScale);
    const group = (name: GroupName): TargetGroup =>
      rehearsalTargetGroup(name, this.timings, this.clock, (_group, target, from, to) =>
        this.run.targetChanged(name, { target, from, to }, () => {
          if (to === 'healthy') this.sets[name]?.noteHealthy();
          this.sets[name]?.onTargetHealth(target.id, to);
        }),
      );
    this.groups = { blue: group('blue'), green: group('green') };
    const metrics = new LbMetrics(this.clock);
    this.lb = new LocalLoadBalancer({ groups: this.groups, metrics, clock: this.clock });
    this.run = new ReleaseRun({
      faults: options.faults,
      config: options.config,
      controller: options.controller ?? DEFAULT_CONTROLLER,
      timings: this.timings,
      clock: this.clock,
      lb: this.lb,
      groups: this.groups,
      greenVersion: VERSIONS.green,
      greenTaskDefinitionArn: TASK_DEFINITIONS.green,
      ...(options.onEvent && { onEvent: options.onEvent }),
      ...(options.alarmAtStart !== undefined && { alarmAtStart: options.alarmAtStart }),
      ...(options.productionRuleReset && { productionRuleReset: true }),
      ...(options.gate && { gate: options.gate }),
      ...(options.onHeld && { onHeld: options.onHeld }),
    });
    this.lb.attach(this.groups, this.run.metrics);
  }

  async rehearse(): Promise<RehearsalResult> {
    const { options, run } = this;
    options.signal?.addEventListener('abort', this.interrupt, { once: true });
    options.onControl?.(run.hand);
    const progress = setInterval(() => options.onProgress?.(run.snapshot()), 250);
    run.begin();
    try {
      const urls = await this.lb.listen();
      await this.startBlue();
      run.startLoad(urls.production, options.rate);
      await sleep(this.clock, STEADY_MS, options.signal);
      this.sets.green = this.taskSet('green', options.faults);
      const deployment = await run.deploy({ blue: this.sets.blue!, green: this.sets.green }, urls);
      options.signal?.throwIfAborted();
      await sleep(this.clock, TAIL_MS, options.signal);
      const loadResult = await run.finishLoad();
      return run.result(deployment, loadResult);
    } finally {
      options.signal?.removeEventListener('abort', this.interrupt);
      clearInterval(progress);
      await run.close();
      await Promise.all([this.sets.blue?.kill(), this.sets.green?.kill()]);
      this.groups.blue.close();
      this.groups.green.close();
      await this.lb.close();
    }
  }

  /** An interrupt stops the deployment the way an alarm would, so the lifecycle winds down in order. */
  private readonly interrupt = (): void =>
    this.run.stop({ trigger: 'interrupt', detail: 'the rehearsal was interrupted' } satisfies StopReason);

  private taskSet(group: GroupName, faults: ActiveFaults): TaskSet {
    const { options } = this;
    return releaseTaskSet(
      group,
      {
        faults,
        version: VERSIONS[group],
        taskDefinitionArn: TASK_DEFINITIONS[group],
        launch: options.launch,
      },
      {
        clock: this.clock,
        timings: this.timings,
        ...(options.allocatePort && { allocatePort: options.allocatePort }),
        ...(options.startupAllowanceMs !== undefined && { startupAllowanceMs: options.startupAllowanceMs }),
        targetGroup: this.groups[group],
        watchers: () => this.run.watchers(group),
      },
    );
  }

  private async startBlue(): Promise<void> {
    this.sets.blue = this.taskSet('blue', {});
    await this.sets.blue.start();
    await awaitHealthy('blue (no fault)', this.groups.blue, this.run.record, this.clock, this.options.signal);
    const routing = {
      setProduction: (w: Weights) => this.lb.setProduction(w),
      setTest: (g: GroupName) => this.lb.setTest(g),
    };
    routeProduction({ record: this.run.record, routing }, this.options.productionRuleReset ?? false);
  }
}

/**
 * Runs one local blue/green rehearsal: blue (no fault) serves production behind the local load balancer
 * with a load loop running, then the controller (CodeDeploy's lifecycle, or native ECS's stages) releases
 * green (with the faults) and either completes or rolls back. Everything started here is stopped before it resolves.
 */
export function runRehearsal(options: RehearsalOptions): Promise<RehearsalResult> {
  return new Rehearsal(options).rehearse();
}
