/**
 * How each signal reaches CodeDeploy, in worst-case seconds from green tasks starting (RUNNING and
 * registered in the target group). Pure: the deployed timings come in as {@link TimingInputs}, and what
 * no AWS document pins down is an explicit assumption below (a drill on AWS measures the real values).
 *
 * Assumptions about AWS:
 * - A one-minute ALB or metric-filter datapoint covers the minute in which the condition began; in the
 *   worst case the condition starts just after a minute boundary, so the datapoint closes a full period
 *   later. CloudWatch has it, and the alarm evaluates it, up to `metricPublishDelaySeconds` after that.
 * - CodeDeploy notices an alarm in ALARM within `codeDeployAlarmPollSeconds` (it polls; the interval is
 *   not documented).
 * - CodeDeploy invokes the AfterAllowTestTraffic hook within `codeDeployStepSeconds` of green becoming
 *   healthy (it waits for the replacement task set to be steady, then moves the test listener).
 * - An ECS task state change reaches the log group and its metric filter, and the stopped-task guard
 *   function, within `eventDeliverySeconds`; the guard (cold start, two or three API calls) stops the
 *   deployment within `guardReactionSeconds` more.
 * - ECS acts on a task whose target the ALB reports unhealthy, once the task's health check grace period
 *   is over, within `ecsHealthReactionSeconds`. It starts a replacement first and stops one of the two only
 *   when the replacement is unhealthy too (Amazon ECS Developer Guide, "Amazon ECS services"); a replacement
 *   Fargate task is running and registered within `replacementTaskStartSeconds`. The stopped task then
 *   leaves the target group (deregistration delay) and exits (its drain deadline) before ECS reports it
 *   STOPPED with "Task failed ELB health checks in (target-group ...)".
 * A hook's verdict is pushed to CodeDeploy and acts at once; alarms are polled.
 */
import type { TimingInputs } from './timing-inputs';

/** What the model assumes about AWS; see the module comment. */
export interface ObservationAssumptions {
  readonly metricPublishDelaySeconds: number;
  readonly codeDeployAlarmPollSeconds: number;
  readonly codeDeployStepSeconds: number;
  readonly eventDeliverySeconds: number;
  readonly guardReactionSeconds: number;
  readonly hookColdStartSeconds: number;
  /** One request through the test listener to a service that answers at once. */
  readonly requestRoundTripSeconds: number;
  /** ECS acts on a task the ALB reports unhealthy, after its grace period, within this. */
  readonly ecsHealthReactionSeconds: number;
  /** A replacement Fargate task is running and registered in its target group within this of its start. */
  readonly replacementTaskStartSeconds: number;
}

/** The assumptions the model uses unless told otherwise. */
export const DEFAULT_ASSUMPTIONS: ObservationAssumptions = {
  metricPublishDelaySeconds: 60,
  codeDeployAlarmPollSeconds: 30,
  codeDeployStepSeconds: 60,
  eventDeliverySeconds: 15,
  guardReactionSeconds: 15,
  hookColdStartSeconds: 10,
  requestRoundTripSeconds: 0.2,
  ecsHealthReactionSeconds: 15,
  replacementTaskStartSeconds: 45,
};

/** The signals that can tell CodeDeploy to roll back. */
export type DecidingSignal =
  | 'test-traffic hook'
  | 'stopped-task guard'
  | 'unhealthy-hosts alarm'
  | 'stopped-tasks alarm'
  | 'target-5xx alarm'
  | 'response-time alarm';

/** One signal and when it tells CodeDeploy. */
export interface SignalTime {
  readonly signal: DecidingSignal;
  readonly seconds: number;
}

/** The signal paths for one set of deployed timings and assumptions. */
export interface SignalPaths {
  /** The threshold-th consecutive failed check marks a target unhealthy; the last check may take its timeout. */
  readonly unhealthyAt: number;
  readonly healthyAt: number;
  /** Seconds a target failing from its start still has before the ALB can mark it unhealthy. */
  readonly unhealthyWindow: number;
  readonly hookStartsAt: number;
  /** The hook's burst through the test listener is over (a request at a time). */
  readonly hookBurstEndsAt: number;
  /** An alarm whose condition begins at `onset` tells CodeDeploy at this time. */
  readonly alarmAfter: (onset: number) => number;
  /** A task reported STOPPED at `stoppedAt` reaches CodeDeploy through the guard and through the alarm. */
  readonly afterStop: (stoppedAt: number) => readonly SignalTime[];
  /** ECS first judges an unhealthy green task, once its grace period is over. */
  readonly ecsFirstJudgement: number;
  /** ECS reports the first green task STOPPED for failing its ELB health checks. */
  readonly ecsHealthStopAt: number;
}

/** The signal paths for the given timings and assumptions. */
export function signalPaths(t: TimingInputs, a: ObservationAssumptions): SignalPaths {
  const hc = t.targetHealthCheck;
  const unhealthyWindow = hc.intervalSeconds * (hc.unhealthyThresholdCount - 1);
  const unhealthyAt = unhealthyWindow + hc.timeoutSeconds;
  const healthyAt = hc.intervalSeconds * (hc.healthyThresholdCount - 1) + hc.timeoutSeconds;
  const alarmAfter = (onset: number) =>
    onset +
    t.alarm.periodSeconds * t.alarm.datapointsToAlarm +
    a.metricPublishDelaySeconds +
    a.codeDeployAlarmPollSeconds;
  // A task started at `start` that never passes: ECS acts once both the ALB verdict and the grace are in.
  const judged = (start: number) =>
    start + Math.max(unhealthyAt, t.healthCheckGracePeriodSeconds) + a.ecsHealthReactionSeconds;
  const hookStartsAt = healthyAt + a.codeDeployStepSeconds + a.hookColdStartSeconds;
  const ecsFirstJudgement = judged(0);
  const replacementJudged = judged(ecsFirstJudgement + a.replacementTaskStartSeconds);
  return {
    unhealthyAt,
    healthyAt,
    unhealthyWindow,
    hookStartsAt,
    hookBurstEndsAt: hookStartsAt + t.hookBurstRequests * a.requestRoundTripSeconds,
    alarmAfter,
    afterStop: (stoppedAt) => [
      { signal: 'stopped-task guard', seconds: stoppedAt + a.eventDeliverySeconds + a.guardReactionSeconds },
      { signal: 'stopped-tasks alarm', seconds: alarmAfter(stoppedAt + a.eventDeliverySeconds) },
    ],
    ecsFirstJudgement,
    ecsHealthStopAt: replacementJudged + t.deregistrationDelaySeconds + t.taskExitSeconds,
  };
}

/** The earliest of the signals: the one that decides. Ties go to the first listed. */
export function earliest(times: readonly SignalTime[]): SignalTime {
  return times.reduce((best, next) => (next.seconds < best.seconds ? next : best));
}
