import { type Clock, sleep } from '../clock';
import type { GroupName } from '../cloudwatch/lb-metrics';
import type { LaunchTask, TaskProcess } from './task-process';
import type { TargetGroup } from '../elb/target-group';

/** ECS's stop codes for the stops the stand-in makes (Amazon ECS Developer Guide, "Stopped tasks errors"). */
export type StopCode = 'EssentialContainerExited' | 'ServiceSchedulerInitiated';

/** The first event of a stop: ECS sets desiredStatus STOPPED with the stop code and reason, the task still RUNNING. */
export interface TaskStopping {
  readonly taskId: string;
  readonly group: GroupName;
  /** Clock time the stop began. */
  readonly at: number;
  readonly stopCode: StopCode;
  readonly reason: string;
  /** Stops the supervisor asked for (scale-in, end of deployment) are not abnormal. */
  readonly abnormal: boolean;
}

/** A task that stopped, as `aws ecs describe-tasks` would report it (lastStatus STOPPED). */
export interface TaskStop extends TaskStopping {
  /** Clock time the stop began (desiredStatus STOPPED); `at` is when the task was STOPPED. */
  readonly stoppingAt: number;
  readonly exitCode: number | null;
  readonly output: string;
}

export interface TaskSetOptions {
  readonly group: GroupName;
  /** What task ids start with. @default the group's name */
  readonly idPrefix?: string;
  readonly version: string;
  readonly desiredCount: number;
  readonly host: string;
  readonly clock: Clock;
  readonly launch: LaunchTask;
  readonly allocatePort: () => Promise<number>;
  /** The `FAULTS` for a task given its port and a spare port. */
  readonly faultsFor: (port: number, sparePort: number) => string;
  /** Whether a port accepts connections: the task's, or its spare (the container is up, listening elsewhere). */
  readonly accepts: (host: string, port: number) => Promise<boolean>;
  readonly targetGroup: TargetGroup;
  /** A task is registered when its port accepts connections, or at the latest after this long. */
  readonly startupAllowanceMs: number;
  /** How often the port is tried while the task starts. */
  readonly startupPollMs: number;
  /** The scheduler ignores failed health checks of a new task for this long. */
  readonly healthCheckGraceMs: number;
  /** ECS acts on a task the target group reports unhealthy, once its grace is over, this long later. @default 0 */
  readonly healthReactionMs?: number;
  /**
   * A replacement for an unhealthy task is running and registered this long after ECS decides to start it;
   * the real start-up of the last task is taken out of the wait, so only the modelled time remains. @default 0
   */
  readonly replacementStartMs?: number;
  /** Delay before restarting after a crash; doubles per consecutive crash up to `restartBackoffMaxMs`. */
  readonly restartBackoffMs: number;
  readonly restartBackoffMaxMs: number;
  /** SIGKILL follows SIGTERM after this long. */
  readonly stopTimeoutMs: number;
  /** A task was launched (clock time `at`). */
  readonly onStart?: (task: { taskId: string; group: GroupName; port: number; at: number }) => void;
  /** A task was registered in its target group: `up` when its port accepted connections, not at the allowance. */
  readonly onRegistered?: (task: { taskId: string; group: GroupName; up: boolean; at: number }) => void;
  /** A stop began: the event the stopped-task guard acts on. */
  readonly onStopping?: (stopping: TaskStopping) => void;
  readonly onStop?: (stop: TaskStop) => void;
  readonly onEvent?: (message: string) => void;
}

/** The reason ECS gives a task it stops for failing its target group's health checks. */
export const elbHealthReason = (targetGroup: string): string =>
  `Task failed ELB health checks in (target-group ${targetGroup})`;

interface Task {
  readonly id: string;
  readonly port: number;
  /** The port a `wrong-port` task listens on instead; the task is up when either accepts. */
  readonly sparePort: number;
  readonly startedAt: number;
  readonly process: TaskProcess;
  /** The unhealthy task this one replaces; it is stopped once this one is healthy or judged unhealthy too. */
  readonly replaces?: Task;
  registered: boolean;
  registeredAt?: number;
  /** ECS has started (or scheduled) a replacement for this task. */
  replaced: boolean;
  stopping: boolean;
  stoppingAt?: number;
}

/**
 * An ECS task set in miniature: keeps `desiredCount` tasks running, registers each in its target group
 * once it is up, restarts crashed tasks with back-off, replaces tasks that stay unhealthy after the grace
 * period, and reports every stop when it begins and when it ends, with its stop code, reason and exit code.
 * An unhealthy task is replaced the way the ECS service scheduler does it when `maximumPercent` allows
 * (Amazon ECS Developer Guide, "Amazon ECS services"): the replacement starts first, and the unhealthy task
 * is stopped once the replacement is healthy or judged unhealthy in turn.
 */
export class TaskSet {
  private readonly tasks = new Map<string, Task>();
  private serial = 0;
  private crashes = 0;
  /** Real milliseconds the last registered task took from launch to registration. */
  private startupMs = 0;
  private active = false;
  private readonly pending = new Set<unknown>();

  constructor(private readonly options: TaskSetOptions) {}

  get group(): GroupName {
    return this.options.group;
  }

  /** Tasks currently running (started and not yet stopped). */
  get runningCount(): number {
    return this.tasks.size;
  }

  /** Launches the desired number of tasks. */
  /**
   * Launches the desired number of tasks and registers them together once each is up (or given up on):
   * Fargate starts a task set's tasks side by side, and on one machine their real start-ups would
   * otherwise spread them by seconds, which the compressed clock would turn into minutes.
   */
  async start(): Promise<void> {
    this.active = true;
    const ups: Promise<unknown>[] = [];
    const holds: TaskProcess[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    await Promise.all(
      Array.from({ length: this.options.desiredCount }, () =>
        this.launchOne(undefined, { gate, ups, holds }),
      ),
    );
    // Tasks that hold their first listen are let go together, once each holds (or has exited), so their
    // own timers (a `crash-after` counts from listening) start side by side too.
    void Promise.all(holds.map((p) => p.holdingListen ?? Promise.resolve(false))).then(() =>
      holds.forEach((p) => p.letListen?.()),
    );
    void Promise.all(ups).then(release);
  }

  /** Tells the set a target's health changed; an unhealthy task past its grace period is replaced. */
  onTargetHealth(targetId: string, state: string): void {
    const task = this.tasks.get(targetId);
    if (!task || task.stopping || !this.active) return;
    if (state === 'healthy') this.retirePredecessor(task);
    if (state === 'unhealthy') this.scheduleHealthVerdict(task);
  }

  /**
   * Scales the set to zero the way CodeDeploy ends a task set: deregister every target (the deregistration
   * delay lets in-flight requests finish), then SIGTERM, then SIGKILL after the stop timeout.
   */
  async stop(): Promise<void> {
    this.active = false;
    for (const handle of this.pending) this.options.clock.clearTimeout(handle);
    this.pending.clear();
    await Promise.all(
      [...this.tasks.values()].map((task) =>
        this.stopTask(task, 'Scaling activity initiated by deployment', false),
      ),
    );
  }

  /** Ends every task at once (SIGTERM, SIGKILL after the stop timeout) without reporting stops: teardown. */
  async kill(): Promise<void> {
    this.active = false;
    for (const handle of this.pending) this.options.clock.clearTimeout(handle);
    this.pending.clear();
    await Promise.all(
      [...this.tasks.values()].map(async (task) => {
        task.stopping = true;
        task.process.kill('SIGTERM');
        const killer = setTimeout(() => task.process.kill('SIGKILL'), this.options.stopTimeoutMs);
        await task.process.exited;
        clearTimeout(killer);
      }),
    );
    this.tasks.clear();
  }

  private async launchOne(
    replaces?: Task,
    batch?: { gate: Promise<void>; ups: Promise<unknown>[]; holds: TaskProcess[] },
  ): Promise<void> {
    if (!this.active) return;
    const { options } = this;
    // Fargate gives each task its own network interface; on one machine each task needs its own ports,
    // metrics listener included.
    const [port, sparePort, metricsPort] = await Promise.all([
      options.allocatePort(),
      options.allocatePort(),
      options.allocatePort(),
    ]);
    if (!this.active) return;
    const id = `${options.idPrefix ?? options.group}-${++this.serial}`;
    const child = options.launch({
      id,
      host: options.host,
      port,
      metricsPort,
      version: options.version,
      faults: options.faultsFor(port, sparePort),
    });
    const task: Task = {
      id,
      port,
      sparePort,
      startedAt: options.clock.now(),
      process: child,
      ...(replaces && { replaces }),
      registered: false,
      replaced: false,
      stopping: false,
    };
    this.tasks.set(id, task);
    options.onStart?.({ taskId: id, group: options.group, port, at: task.startedAt });
    void child.exited.then(({ code, signal }) => this.onExit(task, code, signal));
    if (child.holdingListen && batch) batch.holds.push(child);
    else if (child.holdingListen) void child.holdingListen.then(() => child.letListen?.());
    const up = this.waitUp(task);
    batch?.ups.push(up);
    void this.registerWhenUp(task, up, batch?.gate);
  }

  /** Resolves whether the task came up (false: the allowance ran out), or undefined once it stopped. */
  private async waitUp(task: Task): Promise<boolean | undefined> {
    const { options } = this;
    const until = task.startedAt + options.startupAllowanceMs;
    while (!task.stopping && this.tasks.get(task.id) === task) {
      const up =
        (await options.accepts(options.host, task.port)) ||
        (await options.accepts(options.host, task.sparePort));
      if (up || options.clock.now() >= until) return up;
      await sleep(options.clock, options.startupPollMs);
    }
    return undefined;
  }

  private async registerWhenUp(
    task: Task,
    waitingUp: Promise<boolean | undefined>,
    gate?: Promise<void>,
  ): Promise<void> {
    const { options } = this;
    const up = await waitingUp;
    if (up === undefined) return;
    this.startupMs = options.clock.now() - task.startedAt;
    await gate;
    if (task.stopping || this.tasks.get(task.id) !== task) return;
    task.registered = true;
    task.registeredAt = options.clock.now();
    options.onRegistered?.({ taskId: task.id, group: options.group, up, at: task.registeredAt });
    options.targetGroup.register({ id: task.id, host: options.host, port: task.port });
  }

  /** ECS judges an unhealthy task once its grace period (from registration) is over, after its reaction time. */
  private scheduleHealthVerdict(task: Task): void {
    const { clock, healthCheckGraceMs, healthReactionMs = 0 } = this.options;
    const graceEnds = (task.registeredAt ?? task.startedAt) + healthCheckGraceMs;
    const wait = Math.max(clock.now(), graceEnds) + healthReactionMs - clock.now();
    const act = (): void => {
      if (!this.active || task.stopping || this.tasks.get(task.id) !== task) return;
      if (this.options.targetGroup.healthOf(task.id) !== 'unhealthy') return;
      this.judgeUnhealthy(task);
    };
    if (wait <= 0) act();
    else this.later(act, wait);
  }

  /** The replacement first; the task it replaces is stopped only now that this one failed too. */
  private judgeUnhealthy(task: Task): void {
    this.retirePredecessor(task);
    if (task.replaced) return;
    task.replaced = true;
    const wait = Math.max(0, (this.options.replacementStartMs ?? 0) - this.startupMs);
    this.options.onEvent?.(`starting a replacement for ${task.id}`);
    this.later(() => void this.launchOne(task), wait);
  }

  private retirePredecessor(task: Task): void {
    const old = task.replaces;
    if (old === undefined || old.stopping || this.tasks.get(old.id) !== old) return;
    void this.stopTask(old, elbHealthReason(this.options.targetGroup.name), true);
  }

  private later(fn: () => void, ms: number): void {
    const handle = this.options.clock.setTimeout(() => {
      this.pending.delete(handle);
      fn();
    }, ms);
    this.pending.add(handle);
  }

  private async stopTask(task: Task, reason: string, abnormal: boolean): Promise<void> {
    if (task.stopping) return;
    this.beginStop(task, 'ServiceSchedulerInitiated', reason, abnormal);
    if (task.registered) await this.options.targetGroup.deregister(task.id);
    task.process.kill('SIGTERM');
    const killer = this.options.clock.setTimeout(
      () => task.process.kill('SIGKILL'),
      this.options.stopTimeoutMs,
    );
    const { code } = await task.process.exited;
    this.options.clock.clearTimeout(killer);
    this.tasks.delete(task.id);
    this.report(task, 'ServiceSchedulerInitiated', reason, code, abnormal);
  }

  private beginStop(task: Task, stopCode: StopCode, reason: string, abnormal: boolean): void {
    task.stopping = true;
    task.stoppingAt = this.options.clock.now();
    const { group } = this.options;
    this.options.onStopping?.({ taskId: task.id, group, at: task.stoppingAt, stopCode, reason, abnormal });
  }

  private onExit(task: Task, code: number | null, signal: NodeJS.Signals | null): void {
    if (task.stopping) return;
    const reason = `Essential container in task exited (${signal ?? `exit code ${code}`})`;
    this.beginStop(task, 'EssentialContainerExited', reason, true);
    this.tasks.delete(task.id);
    // ECS reports the task STOPPED once it has left its target group.
    const left = task.registered ? this.options.targetGroup.deregister(task.id) : Promise.resolve();
    void left.then(() => this.report(task, 'EssentialContainerExited', reason, code, true));
    if (!this.active) return;
    const delay = Math.min(
      this.options.restartBackoffMs * 2 ** this.crashes,
      this.options.restartBackoffMaxMs,
    );
    this.crashes += 1;
    this.options.onEvent?.(`restarting a ${this.options.group} task in ${Math.round(delay)} ms`);
    this.later(() => void this.launchOne(), delay);
  }

  private report(
    task: Task,
    stopCode: StopCode,
    reason: string,
    exitCode: number | null,
    abnormal: boolean,
  ): void {
    const at = this.options.clock.now();
    this.options.onStop?.({
      taskId: task.id,
      group: this.options.group,
      at,
      stoppingAt: task.stoppingAt ?? at,
      stopCode,
      reason,
      exitCode,
      abnormal,
      output: task.process.lastOutput(),
    });
  }

  /** Forgets the crash streak once a task of the set turns healthy, as ECS resets its launch throttle. */
  noteHealthy(): void {
    this.crashes = 0;
  }
}
