import { type Clock, sleep } from './clock';
import type { GroupName } from './lb-metrics';
import type { LaunchTask, TaskProcess } from './task-process';
import type { TargetGroup } from './target-group';

/** A task that stopped, as `aws ecs describe-tasks` would report it. */
export interface TaskStop {
  readonly taskId: string;
  readonly group: GroupName;
  /** Clock time of the stop. */
  readonly at: number;
  readonly reason: string;
  readonly exitCode: number | null;
  /** Stops the supervisor asked for (scale-in, end of deployment) are not abnormal. */
  readonly abnormal: boolean;
  readonly output: string;
}

export interface TaskSetOptions {
  readonly group: GroupName;
  readonly version: string;
  readonly desiredCount: number;
  readonly host: string;
  readonly clock: Clock;
  readonly launch: LaunchTask;
  readonly allocatePort: () => Promise<number>;
  /** The `FAULTS` for a task given its port and a spare port. */
  readonly faultsFor: (port: number, sparePort: number) => string;
  /** Whether the task's port accepts connections (the container is up). */
  readonly accepts: (host: string, port: number) => Promise<boolean>;
  readonly targetGroup: TargetGroup;
  /** A task is registered when its port accepts connections, or at the latest after this long. */
  readonly startupAllowanceMs: number;
  /** How often the port is tried while the task starts. */
  readonly startupPollMs: number;
  /** The scheduler ignores failed health checks of a new task for this long. */
  readonly healthCheckGraceMs: number;
  /** Delay before restarting after a crash; doubles per consecutive crash up to `restartBackoffMaxMs`. */
  readonly restartBackoffMs: number;
  readonly restartBackoffMaxMs: number;
  /** SIGKILL follows SIGTERM after this long. */
  readonly stopTimeoutMs: number;
  readonly onStop?: (stop: TaskStop) => void;
  readonly onEvent?: (message: string) => void;
}

interface Task {
  readonly id: string;
  readonly port: number;
  readonly startedAt: number;
  readonly process: TaskProcess;
  registered: boolean;
  stopping: boolean;
}

/**
 * An ECS task set in miniature: keeps `desiredCount` tasks running, registers each in its target group
 * once it is up, restarts crashed tasks with back-off, replaces tasks that stay unhealthy after the grace
 * period, and reports every stop with its reason and exit code.
 */
export class TaskSet {
  private readonly tasks = new Map<string, Task>();
  private serial = 0;
  private crashes = 0;
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
  async start(): Promise<void> {
    this.active = true;
    await Promise.all(Array.from({ length: this.options.desiredCount }, () => this.launchOne()));
  }

  /** Tells the set a target's health changed; an unhealthy task past its grace period is replaced. */
  onTargetHealth(targetId: string, state: string): void {
    const task = this.tasks.get(targetId);
    if (!task || state !== 'unhealthy' || task.stopping || !this.active) return;
    this.scheduleHealthVerdict(task);
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

  private async launchOne(): Promise<void> {
    if (!this.active) return;
    const { options } = this;
    const [port, sparePort] = await Promise.all([options.allocatePort(), options.allocatePort()]);
    if (!this.active) return;
    const id = `${options.group}-${++this.serial}`;
    const child = options.launch({
      id,
      host: options.host,
      port,
      version: options.version,
      faults: options.faultsFor(port, sparePort),
    });
    const task: Task = {
      id,
      port,
      startedAt: options.clock.now(),
      process: child,
      registered: false,
      stopping: false,
    };
    this.tasks.set(id, task);
    options.onEvent?.(`task ${id} started on port ${port}`);
    void child.exited.then(({ code, signal }) => this.onExit(task, code, signal));
    void this.registerWhenUp(task);
  }

  private async registerWhenUp(task: Task): Promise<void> {
    const { options } = this;
    const until = task.startedAt + options.startupAllowanceMs;
    while (!task.stopping && this.tasks.get(task.id) === task) {
      if ((await options.accepts(options.host, task.port)) || options.clock.now() >= until) {
        if (task.stopping || this.tasks.get(task.id) !== task) return;
        task.registered = true;
        options.targetGroup.register({ id: task.id, host: options.host, port: task.port });
        return;
      }
      await sleep(options.clock, options.startupPollMs);
    }
  }

  private scheduleHealthVerdict(task: Task): void {
    const wait = task.startedAt + this.options.healthCheckGraceMs - this.options.clock.now();
    const act = (): void => {
      if (!this.active || task.stopping || this.tasks.get(task.id) !== task) return;
      if (this.options.targetGroup.healthOf(task.id) !== 'unhealthy') return;
      void this.stopTask(
        task,
        `Task failed ELB health checks in (target-group ${this.options.targetGroup.name})`,
        true,
      ).then(() => this.launchOne());
    };
    if (wait <= 0) act();
    else this.later(act, wait);
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
    task.stopping = true;
    if (task.registered) await this.options.targetGroup.deregister(task.id);
    task.process.kill('SIGTERM');
    const killer = this.options.clock.setTimeout(
      () => task.process.kill('SIGKILL'),
      this.options.stopTimeoutMs,
    );
    const { code } = await task.process.exited;
    this.options.clock.clearTimeout(killer);
    this.report(task, reason, code, abnormal);
  }

  private onExit(task: Task, code: number | null, signal: NodeJS.Signals | null): void {
    if (task.stopping) return;
    task.stopping = true;
    this.tasks.delete(task.id);
    if (task.registered) void this.options.targetGroup.deregister(task.id);
    this.report(
      task,
      `Essential container in task exited (${signal ?? `exit code ${code}`})`,
      code,
      true,
      false,
    );
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
    reason: string,
    exitCode: number | null,
    abnormal: boolean,
    remove = true,
  ): void {
    if (remove) this.tasks.delete(task.id);
    this.options.onStop?.({
      taskId: task.id,
      group: this.options.group,
      at: this.options.clock.now(),
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
