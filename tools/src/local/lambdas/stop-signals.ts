import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import { settings } from '../../../../contract/settings';
import type { DeploymentView } from '../../../../core/guard/guard-decision';
import type { RehearsalRecord } from '../../experiment/rehearsal-record';
import { alarmDefinitions, AlarmMonitor } from '../cloudwatch/alarms';
import type { Clock } from '../clock';
import type { StopReason } from '../controllers/lifecycle-parts';
import type { GroupName } from '../cloudwatch/lb-metrics';
import type { LocalTimings } from '../time-scale/local-timings';
import { LocalStoppedTaskGuard } from './stopped-task-guard';
import type { TargetGroup } from '../elb/target-group';

/** What the signals that stop a deployment need from the rehearsal, whichever controller runs it. */
export interface StopSignalDeps {
  readonly clock: Clock;
  readonly timings: LocalTimings;
  readonly record: RehearsalRecord;
  readonly groups: Record<GroupName, TargetGroup>;
  /** Stops the deployment with rollback; called once per signal, the first call wins. */
  readonly stop: (reason: StopReason) => void;
  /**
   * Whether the controller acts on its alarms in this deployment: native ECS does not when one was already
   * in ALARM at the deployment's start. @default always
   */
  readonly alarmsWatched?: () => boolean;
}

/**
 * CloudWatch and the deployment group's alarms in miniature: the stack's alarm definitions evaluated per
 * compressed period after the publish delay, and seen by the controller after its alarm poll. Every state
 * change goes to the record.
 */
export function deploymentAlarms(deps: StopSignalDeps): AlarmMonitor {
  const { clock, timings, record } = deps;
  // The response-time threshold races the latency fault's delay: both run at the response-time scale.
  const definitions = alarmDefinitions(settings, {
    responseTimeSeconds: timings.responseTimeAlarmMs / 1000,
  });
  const monitor: AlarmMonitor = new AlarmMonitor({
    clock,
    periodMs: timings.alarmPeriodMs,
    publishDelayMs: timings.metricPublishDelayMs,
    definitions,
    unhealthyCount: (group) => deps.groups[group].counts().unhealthy,
    onChange: (change) => {
      const { alarm, state, value } = change;
      record.add({
        type: 'alarm',
        alarm: alarm.name,
        state,
        ...(value !== undefined && { value }),
        description: alarm.description,
        signal: alarm.signal,
      });
      if (state !== 'ALARM') return;
      // The controller polls its alarms: it sees this one that much later.
      clock.setTimeout(() => {
        const firing = monitor.firing();
        if (firing.length === 0 || deps.alarmsWatched?.() === false) return;
        const first = definitions.find((d) => d.name === firing[0])!;
        const detail = `alarm${firing.length > 1 ? 's' : ''} ${firing.join(', ')} in ALARM`;
        deps.stop({ trigger: 'alarm', signal: first.signal, detail });
      }, timings.alarmPollMs);
    },
  });
  return monitor;
}

/** The stopped-task guard, wired to the rehearsal: its decisions go to the record. */
export function rehearsalGuard(
  deps: StopSignalDeps,
  deployments: () => readonly DeploymentView[],
  /** The controller's statuses in which the guard can still stop the deployment. */
  activeStatuses: readonly string[],
): LocalStoppedTaskGuard {
  const { record } = deps;
  return new LocalStoppedTaskGuard({
    activeStatuses,
    clock: deps.clock,
    eventDeliveryMs: deps.timings.eventDeliveryMs,
    reactionMs: deps.timings.guardReactionMs,
    deployments,
    stopDeployment: (_id, task) =>
      deps.stop({
        trigger: 'guard',
        signal: 'stopped-task guard',
        detail: `the stopped-task guard stopped the deployment: ${task.stoppedReason ?? 'task stopped'}`,
      }),
    onDecision: (outcome, task) =>
      record.add({
        type: 'guard',
        action: outcome.action,
        ...(task.taskArn && { taskArn: task.taskArn }),
        ...(outcome.action === 'stopped'
          ? { deploymentId: outcome.deploymentId }
          : { reason: outcome.reason }),
      }),
  });
}

/**
 * Whether the controller watches its alarms in a deployment starting now, with a note in the record when it
 * does not. Native ECS "does not monitor alarms for the duration of that deployment" when one is in ALARM at
 * its start (ECS Developer Guide, "How CloudWatch alarms detect Amazon ECS deployment failures"); CodeDeploy
 * polls them as ever and stops at its first poll.
 */
export function watchesAlarms(
  controller: DeploymentControllerName,
  monitor: AlarmMonitor,
  record: RehearsalRecord,
): boolean {
  const firing = monitor.firing();
  if (controller !== 'ecs' || firing.length === 0) return true;
  record.add({
    type: 'note',
    text: `ECS monitors no alarm in this deployment: ${firing.join(', ')} was in ALARM at its start`,
  });
  return false;
}
