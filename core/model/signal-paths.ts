/**
 * How each signal reaches the deployment's controller (CodeDeploy, or ECS itself under native blue/green),
 * in worst-case seconds from green tasks starting (RUNNING and registered in the target group). Pure: the
 * deployed timings come in as {@link TimingInputs}, and what no AWS document pins down is an explicit
 * assumption below (a drill on AWS measures the real values).
 *
 * Assumptions about AWS, both controllers:
 * - A one-minute ALB or metric-filter datapoint covers the minute in which the condition began; in the
 *   worst case the condition starts just after a minute boundary, so the datapoint closes a full period
 *   later. CloudWatch has it, and the alarm evaluates it, up to `metricPublishDelaySeconds` after that.
 * - The controller notices an alarm in ALARM within `codeDeployAlarmPollSeconds`: CodeDeploy polls the
 *   deployment group's alarms, ECS the service's deployment alarms (ECS Developer Guide, "How CloudWatch
 *   alarms detect Amazon ECS deployment failures": ECS fails the deployment when an alarm goes into ALARM
 *   during the deployment or its bake time). Neither documents the interval.
 * - A failing ALB health check ends when the target answers: a 500 or 503 at once, or a refused connection,
 *   within `requestRoundTripSeconds`; a slow answer after the service's own limit plus that round trip; a
 *   target that never answers at the check's timeout. The unhealthy threshold's consecutive failed checks
 *   mark a target failing from its start unhealthy, the last one ending after that time.
 * - `DescribeTargetHealth` reports that verdict at once, as state `unhealthy` with the reason of the failed
 *   check (Elastic Load Balancing API Reference, `TargetHealth`). The target-health watcher is started by
 *   the deployment's start event (EventBridge: CodeDeploy's "CodeDeploy Deployment State-change
 *   Notification" START, ECS's "ECS Deployment State Change" SERVICE_DEPLOYMENT_IN_PROGRESS) and is reading
 *   before green tasks are RUNNING and registered, which takes a Fargate task longer than the event's
 *   delivery and a cold start. It reads every `watcher.pollSeconds`; once every target of a target group has
 *   failed for `watcher.confirmSeconds`, its next read stops the deployment, which reaches the controller
 *   within `watcherReactionSeconds` (one call from a warm function: `StopDeployment` with rollback, or
 *   `StopServiceDeployment` with `stopType: ROLLBACK`, Amazon ECS API Reference).
 * - When the ECS service scheduler stops a task it sets desiredStatus STOPPED, with the stop code and the
 *   stopped reason, and sends a task state change event at that moment, while lastStatus is still RUNNING
 *   (Amazon ECS Developer Guide, "Amazon ECS task state change events": an event is sent when the scheduler
 *   starts or stops a task). ECS reports lastStatus STOPPED only later, once the task has left the target
 *   group (up to the deregistration delay) and exited (its drain deadline; a crashed task has already
 *   exited). The guard's rule matches the first event of an abnormal stop; the stopped-tasks metric filter
 *   counts the last one, once per task. A drill on AWS measures both.
 * - An ECS task state change reaches the log group and its metric filter, and the stopped-task guard
 *   function, within `eventDeliverySeconds`; the guard (cold start, two or three API calls) stops the
 *   deployment within `guardReactionSeconds` more, through either controller's stop call.
 * - ECS acts on a task whose target the ALB reports unhealthy, once the task's health check grace period
 *   is over, within `ecsHealthReactionSeconds`. It starts a replacement first and stops one of the two only
 *   when the replacement is unhealthy too (Amazon ECS Developer Guide, "Amazon ECS services"); a replacement
 *   Fargate task is running and registered within `replacementTaskStartSeconds`. The stop it then begins
 *   carries "Task failed ELB health checks in (target-group ...)". The scheduler does this under both
 *   controllers.
 *
 * CodeDeploy: it invokes the AfterAllowTestTraffic hook within `codeDeployStepSeconds` of green becoming
 * healthy (it waits for the replacement task set to be steady, then moves the test listener).
 *
 * Native ECS blue/green (ECS Developer Guide, "Amazon ECS blue/green deployments" and "Lifecycle hooks for
 * Amazon ECS service deployments"): ECS invokes the POST_TEST_TRAFFIC_SHIFT hook within `nativeStageSeconds`
 * of green becoming healthy (SCALE_UP ends, TEST_TRAFFIC_SHIFT moves the test rule's weights). The hook asks
 * `/health` once per invocation and answers IN_PROGRESS while green settles, which ECS re-invokes after
 * `callBackDelay`; green is healthy when the stage begins, so the faults below are judged in the first
 * invocation. A FAILED answer rolls back at once. Bake time (`BakeTimeInMinutes`) plays CodeDeploy's
 * termination wait. The deployment circuit breaker is not counted as a signal: the AWS documents disagree
 * on whether it applies to blue/green (Amazon ECS API Reference, `DeploymentCircuitBreaker`; ECS Developer
 * Guide, "Amazon ECS deployment failure detection").
 *
 * A hook's verdict is pushed to the controller and acts at once; alarms are polled.
 *
 * An alarm already in ALARM when the deployment starts (`alarmAtStart`): ECS "does not monitor alarms for
 * the duration of that deployment" (ECS Developer Guide, "How CloudWatch alarms detect Amazon ECS deployment
 * failures"), so under native ECS no alarm path reaches the controller and only the hook, the guard and
 * the watcher can still decide. CodeDeploy stops the deployment at its first alarm poll ("if any of the
 * specified alarms are activated, the deployment stops", CodeDeploy User Guide, "Monitoring Deployments with
 * CloudWatch Alarms in CodeDeploy"): `rollback-time.ts` states that case.
 */
import type { DecidingSignal } from './deciding-signal';
import type { TimingInputs } from './timing-inputs';

/** What the model assumes about AWS; see the module comment. */
export interface ObservationAssumptions {
  readonly metricPublishDelaySeconds: number;
  readonly codeDeployAlarmPollSeconds: number;
  readonly codeDeployStepSeconds: number;
  readonly eventDeliverySeconds: number;
  readonly guardReactionSeconds: number;
  /** The watcher's stop call reaches the controller within this of the read that decides. */
  readonly watcherReactionSeconds: number;
  /** Native ECS invokes the POST_TEST_TRAFFIC_SHIFT hook within this of green becoming healthy. */
  readonly nativeStageSeconds: number;
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
  watcherReactionSeconds: 5,
  nativeStageSeconds: 30,
  hookColdStartSeconds: 10,
  requestRoundTripSeconds: 0.2,
  ecsHealthReactionSeconds: 15,
  replacementTaskStartSeconds: 45,
};

export type { DecidingSignal } from './deciding-signal';

/** One signal and when it tells CodeDeploy. */
export interface SignalTime {
  readonly signal: DecidingSignal;
  readonly seconds: number;
}

/** One task stop as ECS reports it: first the stop begins, then the task is STOPPED. */
export interface TaskStop {
  /** ECS sets desiredStatus STOPPED with the stop code and reason: the first event, the one the guard acts on. */
  readonly stoppingAt: number;
  /** ECS reports lastStatus STOPPED, the task out of its target group and exited: what the metric filter counts. */
  readonly stoppedAt: number;
}

/** Green tasks whose `/health` fails from their start, for a given time a failing check takes. */
export interface FailingHealth {
  /** Seconds one failing health check takes, from the ALB's request to its verdict (at most its timeout). */
  readonly checkSeconds: number;
  /** The threshold-th consecutive failed check ends: the ALB marks the target unhealthy. */
  readonly unhealthyAt: number;
  /** ECS first judges an unhealthy green task, once its grace period is over. */
  readonly ecsFirstJudgement: number;
  /** ECS stops the first green task for failing its ELB health checks, after judging its replacement too. */
  readonly ecsHealthStop: TaskStop;
}

/** The signal paths for one set of deployed timings and assumptions. */
export interface SignalPaths {
  readonly healthyAt: number;
  /** Seconds a target failing from its start still has before the ALB can mark it unhealthy. */
  readonly unhealthyWindow: number;
  readonly hookStartsAt: number;
  /** The hook's burst through the test listener is over (a request at a time). */
  readonly hookBurstEndsAt: number;
  /** The hook has sent `requests` requests of its burst (it ends at the first failed one). */
  readonly hookAfterRequests: (requests: number) => number;
  /**
   * Every target failing from `unhealthyAt` on: the watcher's confirming read (at the latest) and when its
   * stop reaches the controller.
   */
  readonly watcherAfter: (unhealthyAt: number) => { readonly readAt: number; readonly stop: SignalTime };
  /**
   * An alarm whose condition begins at `onset` tells CodeDeploy at this time; never (infinity) under ECS
   * when an alarm was already in ALARM at the deployment's start.
   */
  readonly alarmAfter: (onset: number) => number;
  /** A stop reaches CodeDeploy through the guard (its first event) and through the alarm (the task STOPPED). */
  readonly afterStop: (stop: TaskStop) => readonly SignalTime[];
  /** An essential container that exits at `crashAt`: ECS begins stopping the task at once. */
  readonly crashStop: (crashAt: number) => TaskStop;
  /**
   * Green tasks whose `/health` fails from their start and answers each check `answerSeconds` after the
   * request reaches the service (0: at once, or a refused connection; infinite: never, the check times out).
   */
  readonly failingHealth: (answerSeconds: number) => FailingHealth;
}

/** The signal paths for the given timings and assumptions. */
export function signalPaths(t: TimingInputs, a: ObservationAssumptions): SignalPaths {
  const hc = t.targetHealthCheck;
  const unhealthyWindow = hc.intervalSeconds * (hc.unhealthyThresholdCount - 1);
  const healthyAt = hc.intervalSeconds * (hc.healthyThresholdCount - 1) + hc.timeoutSeconds;
  const alarmsUnwatched = t.controller === 'ecs' && t.alarmAtStart !== undefined;
  const alarmAfter = (onset: number) =>
    alarmsUnwatched
      ? Number.POSITIVE_INFINITY
      : onset +
        t.alarm.periodSeconds * t.alarm.datapointsToAlarm +
        a.metricPublishDelaySeconds +
        a.codeDeployAlarmPollSeconds;
  const stageSeconds = t.controller === 'ecs' ? a.nativeStageSeconds : a.codeDeployStepSeconds;
  const hookStartsAt = healthyAt + stageSeconds + a.hookColdStartSeconds;
  const hookAfterRequests = (requests: number) =>
    hookStartsAt + Math.min(requests, t.hookBurstRequests) * a.requestRoundTripSeconds;
  return {
    healthyAt,
    unhealthyWindow,
    hookStartsAt,
    hookBurstEndsAt: hookAfterRequests(t.hookBurstRequests),
    hookAfterRequests,
    watcherAfter: (unhealthyAt) => {
      // Worst case the ALB's verdict lands just after a read: the confirming read is up to a poll later.
      const readAt = unhealthyAt + t.watcher.confirmSeconds + t.watcher.pollSeconds;
      return {
        readAt,
        stop: { signal: 'target-health watcher', seconds: readAt + a.watcherReactionSeconds },
      };
    },
    alarmAfter,
    afterStop: (stop) => [
      {
        signal: 'stopped-task guard',
        seconds: stop.stoppingAt + a.eventDeliverySeconds + a.guardReactionSeconds,
      },
      { signal: 'stopped-tasks alarm', seconds: alarmAfter(stop.stoppedAt + a.eventDeliverySeconds) },
    ],
    crashStop: (crashAt) => ({ stoppingAt: crashAt, stoppedAt: crashAt + t.deregistrationDelaySeconds }),
    failingHealth: (answerSeconds) => failingHealth(t, a, unhealthyWindow, answerSeconds),
  };
}

/** ECS's judgements of a failing green task and its replacement, and the stop that follows. */
function failingHealth(
  t: TimingInputs,
  a: ObservationAssumptions,
  unhealthyWindow: number,
  answerSeconds: number,
): FailingHealth {
  const checkSeconds = Math.min(
    answerSeconds + a.requestRoundTripSeconds,
    t.targetHealthCheck.timeoutSeconds,
  );
  const unhealthyAt = unhealthyWindow + checkSeconds;
  // A task started at `start` that never passes: ECS acts once both the ALB verdict and the grace are in.
  const judged = (start: number) =>
    start + Math.max(unhealthyAt, t.healthCheckGracePeriodSeconds) + a.ecsHealthReactionSeconds;
  const ecsFirstJudgement = judged(0);
  const stoppingAt = judged(ecsFirstJudgement + a.replacementTaskStartSeconds);
  return {
    checkSeconds,
    unhealthyAt,
    ecsFirstJudgement,
    ecsHealthStop: {
      stoppingAt,
      stoppedAt: stoppingAt + t.deregistrationDelaySeconds + t.taskExitSeconds,
    },
  };
}

/** The earliest of the signals: the one that decides. Ties go to the first listed. */
export function earliest(times: readonly SignalTime[]): SignalTime {
  return times.reduce((best, next) => (next.seconds < best.seconds ? next : best));
}
