import { settings, type Settings } from '../../../../contract/settings';
import type { ShiftStep } from '../../../../contract/deployment-configs';
import { DEFAULT_ASSUMPTIONS, type ObservationAssumptions } from '../../../../core/model/signal-paths';
import { HEALTH_RETRY_PAUSE_MS } from '../../../../core/probe/release-probe';
import type { HealthCheckSettings } from '../elb/target-group';

/**
 * The most a rehearsal may compress AWS time: at this scale a 5 s health-check interval lasts about 83 ms
 * and a one-minute alarm period one second. Beyond it a busy machine's scheduling jitter is as long as the
 * waits it would have to keep in order.
 */
export const MAX_TIME_SCALE = 60;

/**
 * Health checks never run faster than this. The stand-in need not keep the ALB's 5 s minimum interval: it
 * compresses the interval with every other wait, down to this at {@link MAX_TIME_SCALE}.
 */
export const MIN_HEALTH_INTERVAL_MS = (settings.targetHealthCheck.intervalSeconds * 1000) / MAX_TIME_SCALE;

/**
 * A health check's answer is real time: on a busy machine a loopback request can take a few hundred
 * milliseconds, so the check's timeout is compressed no further than this. No fault of the catalogue
 * races the timeout (a failing target answers at once, or within the dependency probe's limit), so the
 * floor changes no outcome; it keeps a healthy target from timing out.
 */
export const MIN_HEALTH_TIMEOUT_MS = 1_000;

/**
 * A loopback answer of a healthy service takes a few milliseconds on an idle machine and several hundred on
 * a busy one (two cores shared with other work): that time is real and cannot be compressed. Response
 * times are therefore compressed only as far as keeps the response-time limit (the hook's and the
 * response-time alarm's) at this floor: the limit itself, the `latency` fault, and the hook's limits for
 * one request and for its whole probe, so the fault stays as many times over the limit as on AWS. At the
 * settings' 1 s limit the floor leaves response times at AWS speed; the report converts the slow answer
 * that decides at that speed.
 */
export const MIN_RESPONSE_LIMIT_MS = 1_000;

/** CodeDeploy waits about an hour for a replacement task set that never becomes ready. */
export const CODEDEPLOY_READY_WAIT_MS = 60 * 60_000;

/** Locally, the wait for green is capped at this (real time); the guard or an alarm normally ends it much earlier. */
export const LOCAL_READY_WAIT_CAP_MS = 30_000;

/**
 * Node's start-up is real time and is not compressed (a few hundred milliseconds on an idle machine,
 * seconds on a busy one): a task is registered once it listens, or after this long anyway. The rehearsal
 * model counts from a task running and registered, so the start-up before is left out of its times.
 */
export const STARTUP_ALLOWANCE_MS = 10_000;

/** First delay before ECS relaunches a crashed task (AWS time); it doubles per crash up to the maximum. */
export const ECS_RESTART_BACKOFF_MS = 10_000;
export const ECS_RESTART_BACKOFF_MAX_MS = 5 * 60_000;

/** The hook's limits and pacing, compressed: what the local AfterAllowTestTraffic probe runs with. */
export interface LocalHookTimings {
  readonly requestTimeoutMs: number;
  readonly probeTimeoutMs: number;
  readonly healthRetryWindowMs: number;
  readonly healthRetryPauseMs: number;
  /** The response-time limit the hook applies (the response-time alarm's threshold). */
  readonly maxResponseMs: number;
  /** Shortest time one request through the test listener takes: the model's round trip. */
  readonly requestRoundTripMs: number;
}

/** The rehearsal's clock settings: AWS times from the settings and the model's assumptions, compressed by one factor. */
export interface LocalTimings {
  readonly timeScale: number;
  readonly healthCheck: HealthCheckSettings;
  readonly healthyCodes: string;
  readonly deregistrationDelayMs: number;
  readonly alarmPeriodMs: number;
  /** A period's datapoint reaches the alarm this long after the period closes. */
  readonly metricPublishDelayMs: number;
  /** CodeDeploy notices an alarm in ALARM within this. */
  readonly alarmPollMs: number;
  /** The response-time alarm's threshold (and the hook's limit). */
  readonly responseTimeAlarmMs: number;
  /**
   * What response times are divided by: the time scale, or less where {@link MIN_RESPONSE_LIMIT_MS} holds
   * the limit up. The `latency` fault is divided by it.
   */
  readonly responseScale: number;
  readonly terminationWaitMs: number;
  readonly healthCheckGraceMs: number;
  /** ECS acts on a task the ALB reports unhealthy, after its grace period, this long later. */
  readonly ecsHealthReactionMs: number;
  /** A replacement task is running and registered this long after ECS decides to start it. */
  readonly replacementTaskStartMs: number;
  /** An ECS task state change reaches the guard (and the stopped-tasks log group) this long after it happens. */
  readonly eventDeliveryMs: number;
  /** The guard stops the deployment this long after the event reaches it. */
  readonly guardReactionMs: number;
  /** CodeDeploy moves on (allows test traffic) this long after green is ready. */
  readonly codeDeployStepMs: number;
  /** Native ECS shifts test traffic and invokes the POST_TEST_TRAFFIC_SHIFT hook this long after green is ready. */
  readonly nativeStageMs: number;
  /** The hook Lambda starts probing this long after CodeDeploy (or ECS) invokes it. */
  readonly hookColdStartMs: number;
  readonly hook: LocalHookTimings;
  readonly readyWaitMs: number;
  readonly restartBackoffMs: number;
  readonly restartBackoffMaxMs: number;
  readonly stopTimeoutMs: number;
}

/**
 * Compresses every wait that takes part in a race by the one `timeScale`: health checks (interval,
 * timeout, grace), alarm periods and the metric publish delay, canary and linear intervals, the bake
 * period, deregistration delay, restart back-off, ECS's reaction and replacement start, the event delivery
 * and the guard's reaction, CodeDeploy's step or native ECS's stage, the hook's cold start and its
 * `callBackDelay`, and the hook's own limits. The
 * delays AWS does not document come from the rehearsal model's assumptions (`core/model/signal-paths.ts`),
 * so the local race is the modelled one. The SIGKILL deadline and the process's own start-up stay real time;
 * health-check timeouts and response times stop at floors that a busy machine's real request times need
 * ({@link MIN_HEALTH_TIMEOUT_MS}, {@link MIN_RESPONSE_LIMIT_MS}).
 */
export function localTimings(
  timeScale: number,
  config: Settings = settings,
  assumptions: ObservationAssumptions = DEFAULT_ASSUMPTIONS,
): LocalTimings {
  if (!(timeScale >= 1)) throw new Error(`time scale must be 1 or more, got ${timeScale}`);
  const hc = config.targetHealthCheck;
  const scaled = (ms: number): number => ms / timeScale;
  const seconds = (s: number): number => scaled(s * 1000);
  const responseLimitMs = Math.max(MIN_RESPONSE_LIMIT_MS, seconds(config.alarms.responseTimeSeconds));
  const responseScale = Math.min(timeScale, (config.alarms.responseTimeSeconds * 1000) / responseLimitMs);
  return {
    timeScale,
    healthCheck: {
      intervalMs: Math.max(MIN_HEALTH_INTERVAL_MS, seconds(hc.intervalSeconds)),
      timeoutMs: Math.max(MIN_HEALTH_TIMEOUT_MS, seconds(hc.timeoutSeconds)),
      healthyThreshold: hc.healthyThresholdCount,
      unhealthyThreshold: hc.unhealthyThresholdCount,
    },
    healthyCodes: hc.healthyHttpCodes,
    deregistrationDelayMs: seconds(config.deregistrationDelaySeconds),
    alarmPeriodMs: seconds(config.alarms.periodSeconds),
    metricPublishDelayMs: seconds(assumptions.metricPublishDelaySeconds),
    alarmPollMs: seconds(assumptions.codeDeployAlarmPollSeconds),
    responseTimeAlarmMs: responseLimitMs,
    responseScale,
    terminationWaitMs: scaled(config.deployment.terminationWaitMinutes * 60_000),
    healthCheckGraceMs: seconds(config.ecs.healthCheckGracePeriodSeconds),
    ecsHealthReactionMs: seconds(assumptions.ecsHealthReactionSeconds),
    replacementTaskStartMs: seconds(assumptions.replacementTaskStartSeconds),
    eventDeliveryMs: seconds(assumptions.eventDeliverySeconds),
    guardReactionMs: seconds(assumptions.guardReactionSeconds),
    codeDeployStepMs: seconds(assumptions.codeDeployStepSeconds),
    nativeStageMs: seconds(assumptions.nativeStageSeconds),
    hookColdStartMs: seconds(assumptions.hookColdStartSeconds),
    hook: {
      requestTimeoutMs: config.hook.requestTimeoutMs / responseScale,
      probeTimeoutMs: config.hook.probeTimeoutMs / responseScale,
      healthRetryWindowMs: scaled(config.hook.healthRetryWindowMs),
      healthRetryPauseMs: scaled(HEALTH_RETRY_PAUSE_MS),
      maxResponseMs: responseLimitMs,
      requestRoundTripMs: seconds(assumptions.requestRoundTripSeconds),
    },
    readyWaitMs: Math.min(scaled(CODEDEPLOY_READY_WAIT_MS), LOCAL_READY_WAIT_CAP_MS),
    restartBackoffMs: scaled(ECS_RESTART_BACKOFF_MS),
    restartBackoffMaxMs: scaled(ECS_RESTART_BACKOFF_MAX_MS),
    stopTimeoutMs: config.container.stopTimeoutSeconds * 1000,
  };
}

/** A deployment configuration's steps with their waits compressed. */
export function scaleSteps(steps: readonly ShiftStep[], timeScale: number): ShiftStep[] {
  return steps.map((step) => ({ percent: step.percent, waitMs: step.waitMs / timeScale }));
}
