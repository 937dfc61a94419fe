import type { ActiveFaults } from '../../../contract/faults/catalogue';
import { settings } from '../../../contract/settings';
import type { Timeline } from '../experiment/timeline';
import type { AlarmMonitor } from './alarms';
import type { Clock } from './clock';
import { accepts, freePort } from './free-port';
import type { GreenStart } from './green-start';
import type { GroupName } from './lb-metrics';
import { localFaults } from './local-faults';
import type { LocalTimings } from './local-timings';
import type { LocalStoppedTaskGuard } from './stopped-task-guard';
import type { LaunchTask } from './task-process';
import { TaskSet, type TaskStop } from './task-set';
import type { TargetGroup } from './target-group';

/** What a task set of the rehearsal reports to and reads from. */
export interface RehearsalTaskSetDeps {
  readonly clock: Clock;
  readonly timings: LocalTimings;
  readonly timeline: Timeline;
  readonly launch: LaunchTask;
  readonly allocatePort?: () => Promise<number>;
  readonly startupAllowanceMs: number;
  readonly startupPollMs: number;
  readonly targetGroup: TargetGroup;
  readonly version: string;
  readonly taskDefinitionArn: string;
  readonly guard: LocalStoppedTaskGuard;
  readonly monitor: () => AlarmMonitor;
  /** Set for green only: its first task running is the model's time zero. */
  readonly greenStart?: GreenStart;
  readonly taskStops: TaskStop[];
  readonly notes: string[];
}

/**
 * One task set of the rehearsal (ECS in miniature) with the settings' desired count, the compressed ECS
 * timings, and every task event going to the timeline, the guard (the first event of a stop) and the
 * stopped-tasks alarm (the last one, once it reaches the log group).
 */
export function rehearsalTaskSet(
  group: GroupName,
  faults: ActiveFaults,
  deps: RehearsalTaskSetDeps,
): TaskSet {
  const { timings, timeline, greenStart } = deps;
  return new TaskSet({
    group,
    version: deps.version,
    desiredCount: settings.ecs.desiredCount,
    host: '127.0.0.1',
    clock: deps.clock,
    launch: deps.launch,
    allocatePort: deps.allocatePort ?? (() => freePort()),
    faultsFor: (port, spare) => {
      const local = localFaults(faults, timings, port, spare);
      for (const note of local.notes) if (!deps.notes.includes(note)) deps.notes.push(note);
      return local.faults;
    },
    accepts: (host, port) => accepts(host, port),
    targetGroup: deps.targetGroup,
    startupAllowanceMs: deps.startupAllowanceMs,
    startupPollMs: deps.startupPollMs,
    healthCheckGraceMs: timings.healthCheckGraceMs,
    healthReactionMs: timings.ecsHealthReactionMs,
    replacementStartMs: timings.replacementTaskStartMs,
    restartBackoffMs: timings.restartBackoffMs,
    restartBackoffMaxMs: timings.restartBackoffMaxMs,
    stopTimeoutMs: timings.stopTimeoutMs,
    onStart: (task) => {
      greenStart?.launched();
      timeline.add('task', `${task.taskId} started on port ${task.port}`);
    },
    onRegistered: (task) => greenStart?.registered(task.up),
    onStopping: (stopping) => {
      if (stopping.stopCode === 'EssentialContainerExited') greenStart?.crashed();
      timeline.add('task', `${stopping.taskId} stopping (${stopping.stopCode}): ${stopping.reason}`);
      deps.guard.taskStopping(stopping, deps.taskDefinitionArn);
    },
    onStop: (stop) => {
      deps.taskStops.push(stop);
      timeline.add('task', `${stop.taskId} stopped: ${stop.reason}${stop.output ? ` [${stop.output}]` : ''}`);
      // The stopped-tasks metric filter counts the last event of a stop, once it reaches the log group.
      if (stop.abnormal)
        deps.clock.setTimeout(() => deps.monitor().recordTaskStop(), timings.eventDeliveryMs);
    },
  });
}
