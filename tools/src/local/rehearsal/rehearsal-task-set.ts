import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import { settings } from '../../../../contract/settings';
import type { RehearsalRecord } from '../../experiment/rehearsal-record';
import type { AlarmMonitor } from '../cloudwatch/alarms';
import type { Clock } from '../clock';
import { accepts, freePort } from '../free-port';
import type { GreenStart } from './green-start';
import type { GroupName } from '../cloudwatch/lb-metrics';
import { localFaults } from '../time-scale/local-faults';
import type { LocalTimings } from '../time-scale/local-timings';
import type { LocalStoppedTaskGuard } from '../lambdas/stopped-task-guard';
import type { LaunchTask } from '../ecs/task-process';
import { TaskSet } from '../ecs/task-set';
import type { TargetGroup } from '../elb/target-group';

/**
 * Who hears a task set's events: the release under way. A task set outlives a release (green becomes the
 * next release's blue), so it asks anew at each event; between releases the guard and alarms are absent.
 */
export interface TaskSetWatchers {
  /** The role the set plays in this release: its events are written under it. */
  readonly group: GroupName;
  readonly record: RehearsalRecord;
  readonly guard?: LocalStoppedTaskGuard;
  readonly monitor?: AlarmMonitor;
  /** Set for green only: its first task running is the model's time zero. */
  readonly greenStart?: GreenStart;
}

/** What a task set of the rehearsal reports to and reads from. */
export interface RehearsalTaskSetDeps {
  readonly clock: Clock;
  readonly timings: LocalTimings;
  readonly watchers: () => TaskSetWatchers;
  readonly launch: LaunchTask;
  /** What task ids start with. @default the group's name */
  readonly idPrefix?: string;
  readonly allocatePort?: () => Promise<number>;
  readonly startupAllowanceMs: number;
  readonly startupPollMs: number;
  readonly targetGroup: TargetGroup;
  readonly version: string;
  readonly taskDefinitionArn: string;
}

/**
 * One task set of the rehearsal (ECS in miniature) with the settings' desired count, the compressed ECS
 * timings, and every task event going to the record, the guard (the first event of a stop) and the
 * stopped-tasks alarm (the last one, once it reaches the log group).
 */
export function rehearsalTaskSet(
  group: GroupName,
  faults: ActiveFaults,
  deps: RehearsalTaskSetDeps,
): TaskSet {
  const { timings, watchers } = deps;
  const noted = new Set<string>();
  return new TaskSet({
    group,
    ...(deps.idPrefix !== undefined && { idPrefix: deps.idPrefix }),
    version: deps.version,
    desiredCount: settings.ecs.desiredCount,
    host: '127.0.0.1',
    clock: deps.clock,
    launch: deps.launch,
    allocatePort: deps.allocatePort ?? (() => freePort()),
    faultsFor: (port, spare) => {
      const local = localFaults(faults, timings, port, spare);
      for (const text of local.notes) {
        if (noted.has(text)) continue;
        noted.add(text);
        watchers().record.add({ type: 'note', text });
      }
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
      const { record, group: role } = watchers();
      record.add({ type: 'task-started', group: role, taskId: task.taskId, port: task.port });
    },
    onRegistered: (task) => watchers().greenStart?.taskRegistered(task.up),
    onStopping: (stopping) => {
      const { record, group: role, greenStart, guard } = watchers();
      if (stopping.stopCode === 'EssentialContainerExited') greenStart?.crashed();
      const { taskId, stopCode, reason, abnormal } = stopping;
      record.add({ type: 'task-stopping', group: role, taskId, stopCode, reason, abnormal });
      guard?.taskStopping(stopping, deps.taskDefinitionArn);
    },
    onStop: (stop) => {
      const { taskId, stopCode, reason, abnormal, exitCode, output } = stop;
      const { record, group: role, monitor } = watchers();
      record.add({
        type: 'task-stopped',
        group: role,
        taskId,
        stopCode,
        reason,
        abnormal,
        exitCode,
        ...(output && { output }),
      });
      // The stopped-tasks metric filter counts the last event of a stop, once it reaches the log group.
      if (stop.abnormal && monitor)
        deps.clock.setTimeout(() => monitor.recordTaskStop(), timings.eventDeliveryMs);
    },
  });
}
