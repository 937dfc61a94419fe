import { settings } from '../../../contract/settings';
import type { DeploymentView } from '../../../core/guard/guard-decision';
import type { Timeline } from '../experiment/timeline';
import { alarmDefinitions, AlarmMonitor } from './alarms';
import type { Clock } from './clock';
import type { StopReason } from './codedeploy-lifecycle';
import type { GroupName } from './lb-metrics';
import type { LocalTimings } from './local-timings';
import type { GuardDecision } from './rehearsal-result';
import { LocalStoppedTaskGuard } from './stopped-task-guard';
import type { TargetGroup } from './target-group';

/** What the signals that stop a deployment need from the rehearsal, whichever controller runs it. */
export interface StopSignalDeps {
  readonly clock: Clock;
  readonly timings: LocalTimings;
  readonly timeline: Timeline;
  readonly groups: Record<GroupName, TargetGroup>;
  /** Stops the deployment with rollback; called once per signal, the first call wins. */
  readonly stop: (reason: StopReason) => void;
}

const round = (n: number): number => Math.round(n * 100) / 100;

/**
 * CloudWatch and the deployment group's alarms in miniature: the stack's alarm definitions evaluated per
 * compressed period after the publish delay, and seen by the controller after its alarm poll. The first
 * ALARM time of each alarm goes to `firedAt`.
 */
export function deploymentAlarms(deps: StopSignalDeps, firedAt: Map<string, number>): AlarmMonitor {
  const { clock, timings, timeline } = deps;
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
      const value = change.value === undefined ? '' : ` (${round(change.value)})`;
      timeline.add('alarm', `${change.alarm.name} ${change.state}${value}: ${change.alarm.description}`);
      if (change.state !== 'ALARM') return;
      if (!firedAt.has(change.alarm.name)) firedAt.set(change.alarm.name, timeline.elapsed());
      // The controller polls its alarms: it sees this one that much later.
      clock.setTimeout(() => {
        const firing = monitor.firing();
        if (firing.length === 0) return;
        const first = definitions.find((d) => d.name === firing[0])!;
        const detail = `alarm${firing.length > 1 ? 's' : ''} ${firing.join(', ')} in ALARM`;
        deps.stop({ trigger: 'alarm', signal: first.signal, detail });
      }, timings.alarmPollMs);
    },
  });
  return monitor;
}

/** The stopped-task guard, wired to the rehearsal: its decisions go to `decisions` and the timeline. */
export function rehearsalGuard(
  deps: StopSignalDeps,
  deployments: () => readonly DeploymentView[],
  decisions: GuardDecision[],
): LocalStoppedTaskGuard {
  const { timeline } = deps;
  return new LocalStoppedTaskGuard({
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
    onDecision: (outcome, task) => {
      decisions.push({
        atMs: Math.round(timeline.elapsed()),
        ...(task.taskArn && { taskArn: task.taskArn }),
        outcome,
      });
      timeline.add(
        'guard',
        outcome.action === 'stopped'
          ? `guard stopped deployment ${outcome.deploymentId} with rollback`
          : `guard left it alone: ${outcome.reason}`,
      );
    },
  });
}
