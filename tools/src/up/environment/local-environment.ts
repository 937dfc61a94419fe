import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import { settings } from '../../../../contract/settings';
import type { DeploymentConfig } from '../../../../contract/deployment-configs';
import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import { type Clock, systemClock } from '../../local/clock';
import { LbMetrics, type GroupName, type ListenerName } from '../../local/cloudwatch/lb-metrics';
import { LocalLoadBalancer } from '../../local/elb/load-balancer';
import type { Target, TargetGroup } from '../../local/elb/target-group';
import type { LaunchTask } from '../../local/ecs/task-process';
import type { TaskSet } from '../../local/ecs/task-set';
import { localTaskDefinitionArn } from '../../local/lambdas/stopped-task-guard';
import { awaitHealthy, releaseTaskSet } from '../../local/rehearsal/rehearsal';
import type { TaskSetWatchers } from '../../local/rehearsal/rehearsal-task-set';
import { ReleaseRun, rehearsalTargetGroup } from '../../local/rehearsal/release-run';
import type { ProgressSnapshot, RehearsalResult } from '../../local/result/rehearsal-result';
import { localTimings, type LocalTimings } from '../../local/time-scale/local-timings';
import type { RehearsalEvent } from '../../experiment/rehearsal-event';
import { RehearsalRecord } from '../../experiment/rehearsal-record';
import type { GateSettings } from '../../local/controllers/hold-gate';
import type { HandControl, HeldNotice } from '../../local/rehearsal/hand-control';

/** Thrown when a listener's port is taken: the message names the port. */
export class PortInUse extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is in use: stop what listens there, or give up another --port`);
  }
}

export interface EnvironmentOptions {
  /** The production listener's port; the test listener takes the next one. */
  readonly port: number;
  readonly controller: DeploymentControllerName;
  readonly config: DeploymentConfig;
  readonly timeScale: number;
  /** Load loop pace during each release, requests per second through the production listener. */
  readonly rate: number;
  readonly host?: string;
  readonly clock?: Clock;
  readonly allocatePort?: () => Promise<number>;
  readonly startupAllowanceMs?: number;
  /** Every event, of a release or between releases (a serving task that crashes, say). */
  readonly onEvent?: (event: RehearsalEvent) => void;
}

/** One release to run: the image a build made and what its rendered task definition says. */
export interface ReleaseInput {
  /** The release's number: its task definition revision and its tasks' name prefix. */
  readonly number: number;
  readonly faults: ActiveFaults;
  /** `APP_VERSION`: what the tasks answer in `x-app-version` and the hook expects. */
  readonly version: string;
  readonly launch: LaunchTask;
  /** The gate this release holds at before production traffic (its commit's deploy settings or `up`'s flags). */
  readonly gate?: GateSettings;
  /** Called when the release holds at its gate. */
  readonly onHeld?: (notice: HeldNotice) => void;
}

/**
 * How a release ended. `created`: the first release, started as the service's first task set (nothing
 * served before it); `failed`: that first task set never became healthy.
 */
export type EnvironmentVerdict = 'created' | 'succeeded' | 'rolled-back' | 'failed';

export interface ReleaseEnd {
  readonly verdict: EnvironmentVerdict;
  readonly detail: string;
  /** The deployment's result, for its report; absent for the first release. */
  readonly result?: RehearsalResult;
}

/** The task set that serves production, with the target group it is registered in and its version. */
interface Serving {
  readonly set: TaskSet;
  readonly group: TargetGroup;
  readonly version: string;
}

/**
 * A long-lived local environment: one load balancer whose production and test listeners stay on fixed
 * ports across releases, two target groups that swap roles as CodeDeploy's do, and the task set that
 * serves. Each release runs the controller's lifecycle from the serving blue to a new green; after success
 * green serves and becomes the next release's blue, after a rollback blue goes on serving.
 */
export class LocalEnvironment {
  readonly urls: Record<ListenerName, string>;
  private readonly timings: LocalTimings;
  private readonly clock: Clock;
  /** Events between releases: what the serving task set does while no deployment runs. */
  private readonly idle: RehearsalRecord;
  /** The two target groups, by their own names; which plays blue changes with each successful release. */
  private readonly groups: readonly [TargetGroup, TargetGroup];
  private readonly sets = new Map<TargetGroup, TaskSet>();
  private serving: Serving | undefined;
  private current: { run: ReleaseRun; roles: Record<GroupName, TargetGroup> } | undefined;

  private constructor(
    private readonly options: EnvironmentOptions,
    private readonly lb: LocalLoadBalancer,
    groups: readonly [TargetGroup, TargetGroup],
    urls: Record<ListenerName, string>,
    timings: LocalTimings,
    clock: Clock,
  ) {
    this.groups = groups;
    this.urls = urls;
    this.timings = timings;
    this.clock = clock;
    this.idle = new RehearsalRecord(clock, (event) => options.onEvent?.(event));
  }

  /** Opens both listeners; a port in use is refused with {@link PortInUse} and nothing left open. */
  static async open(options: EnvironmentOptions): Promise<LocalEnvironment> {
    const clock = options.clock ?? systemClock;
    const timings = localTimings(options.timeScale);
    let env: LocalEnvironment | undefined;
    const group = (name: string): TargetGroup =>
      rehearsalTargetGroup(name, timings, clock, (tg, target, from, to) =>
        env?.targetChanged(tg, target, from, to),
      );
    const groups = [group('target-group-1'), group('target-group-2')] as const;
    const ports = { production: options.port, test: options.port + 1 };
    const lb = new LocalLoadBalancer({
      groups: { blue: groups[0], green: groups[1] },
      metrics: new LbMetrics(clock),
      clock,
      host: options.host ?? '127.0.0.1',
      ports,
    });
    try {
      const urls = await lb.listen();
      env = new LocalEnvironment(options, lb, groups, urls, timings, clock);
      return env;
    } catch (error) {
      await lb.close();
      const code = (error as NodeJS.ErrnoException).code;
      const port = (error as { port?: number }).port;
      if (code === 'EADDRINUSE') throw new PortInUse(port ?? options.port);
      throw error;
    }
  }

  /** The version production serves, or undefined while nothing does. */
  get servingVersion(): string | undefined {
    return this.serving?.version;
  }

  /** A person's hand on the deployment under way (`rollback --local`, `continue --local`), if one runs. */
  get hand(): HandControl | undefined {
    return this.current?.run.hand;
  }

  /** The live state of the release under way, or undefined between releases. */
  snapshot(): ProgressSnapshot | undefined {
    return this.current?.run.snapshot();
  }

  /**
   * Releases one build: as the first task set when nothing serves yet, else through the controller's
   * lifecycle from the serving blue. Aborting `signal` stops the deployment with rollback.
   */
  async release(input: ReleaseInput, signal?: AbortSignal): Promise<ReleaseEnd> {
    if (this.serving === undefined) return this.create(input, signal);
    return this.deploy(input, this.serving, signal);
  }

  /** Stops every task and both listeners. */
  async close(): Promise<void> {
    await this.current?.run.close();
    await Promise.all([...this.sets.values()].map((set) => set.kill()));
    this.sets.clear();
    for (const group of this.groups) group.close();
    await this.lb.close();
  }

  private async create(input: ReleaseInput, signal?: AbortSignal): Promise<ReleaseEnd> {
    const group = this.groups[0];
    const set = this.taskSet(input, group);
    await set.start();
    try {
      await awaitHealthy(`release ${input.number}`, group, this.idle, this.clock, signal);
    } catch (error) {
      await set.kill();
      this.sets.delete(group);
      return { verdict: 'failed', detail: error instanceof Error ? error.message : String(error) };
    }
    this.serving = { set, group, version: input.version };
    this.lb.attach({ blue: group, green: this.groups[1] }, new LbMetrics(this.clock));
    return { verdict: 'created', detail: `${input.version} serves production (nothing served before it)` };
  }

  private async deploy(input: ReleaseInput, blue: Serving, signal?: AbortSignal): Promise<ReleaseEnd> {
    const spare = blue.group === this.groups[0] ? this.groups[1] : this.groups[0];
    const roles = { blue: blue.group, green: spare };
    const { options } = this;
    const run = new ReleaseRun({
      faults: input.faults,
      config: options.config,
      controller: options.controller,
      timings: this.timings,
      clock: this.clock,
      lb: this.lb,
      groups: roles,
      greenVersion: input.version,
      greenTaskDefinitionArn: this.taskDefinitionArn(input.number),
      ...(options.onEvent && { onEvent: options.onEvent }),
      ...(input.gate && { gate: input.gate }),
      ...(input.onHeld && { onHeld: input.onHeld }),
    });
    this.current = { run, roles };
    this.lb.attach(roles, run.metrics);
    const stop = (): void => run.stop({ trigger: 'interrupt', detail: '`up` is stopping' });
    signal?.addEventListener('abort', stop, { once: true });
    try {
      run.begin();
      const green = this.taskSet(input, spare);
      run.startLoad(this.urls.production, options.rate);
      const deployment = await run.deploy({ blue: blue.set, green }, this.urls);
      const result = run.result(deployment, await run.finishLoad());
      if (deployment.outcome === 'succeeded') {
        this.sets.delete(blue.group);
        this.serving = { set: green, group: spare, version: input.version };
        this.lb.attach({ blue: spare, green: blue.group }, new LbMetrics(this.clock));
        return { verdict: 'succeeded', detail: `${input.version} serves production`, result };
      }
      this.sets.delete(spare);
      this.lb.attach(roles, new LbMetrics(this.clock));
      return { verdict: 'rolled-back', detail: `${result.reason}; ${blue.version} goes on serving`, result };
    } finally {
      signal?.removeEventListener('abort', stop);
      await run.close();
      this.current = undefined;
    }
  }

  private taskSet(input: ReleaseInput, group: TargetGroup): TaskSet {
    const { options } = this;
    const set = releaseTaskSet(
      'green',
      {
        faults: input.faults,
        version: input.version,
        taskDefinitionArn: this.taskDefinitionArn(input.number),
        launch: input.launch,
        idPrefix: `r${input.number}`,
      },
      {
        clock: this.clock,
        timings: this.timings,
        ...(options.allocatePort && { allocatePort: options.allocatePort }),
        ...(options.startupAllowanceMs !== undefined && { startupAllowanceMs: options.startupAllowanceMs }),
        targetGroup: group,
        // Asked at each event: the set outlives the release that started it. Between releases the serving
        // set's events go to the idle record, under its role there: blue.
        watchers: (): TaskSetWatchers =>
          this.current ? this.current.run.watchers(this.roleOf(group)) : { group: 'blue', record: this.idle },
      },
    );
    this.sets.set(group, set);
    return set;
  }

  /** The role a target group plays in the release under way (blue between releases). */
  private roleOf(group: TargetGroup): GroupName {
    return this.current?.roles.green === group ? 'green' : 'blue';
  }

  private taskDefinitionArn(release: number): string {
    return localTaskDefinitionArn(settings.serviceName, String(release));
  }

  private targetChanged(group: TargetGroup, target: Target, from: string, to: string): void {
    const tellTaskSet = (): void => {
      const set = this.sets.get(group);
      if (to === 'healthy') set?.noteHealthy();
      set?.onTargetHealth(target.id, to);
    };
    if (this.current) this.current.run.targetChanged(this.roleOf(group), { target, from, to }, tellTaskSet);
    else {
      this.idle.add({ type: 'target-health', group: this.roleOf(group), target: target.id, from, to });
      tellTaskSet();
    }
  }
}
