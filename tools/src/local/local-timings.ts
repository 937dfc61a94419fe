import { settings, type Settings } from '../../../contract/settings';
import type { ShiftStep } from '../../../contract/deployment-configs';
import type { HealthCheckSettings } from './target-group';

/** Health checks never run faster than this, so a busy machine's scheduling jitter cannot fail a check. */
export const MIN_HEALTH_INTERVAL_MS = 1_000;

/**
 * The most a rehearsal may compress AWS time: at this scale one alarm period (a minute in AWS) lasts one
 * fastest local health check. Beyond it alarms would judge targets before a health check could run, and
 * waits such as CodeDeploy's for a ready green shrink below the real time a process takes to start, so a
 * healthy release would roll back.
 */
export const MAX_TIME_SCALE = (settings.alarms.periodSeconds * 1000) / MIN_HEALTH_INTERVAL_MS;

/** CodeDeploy waits about an hour for a replacement task set that never becomes ready. */
export const CODEDEPLOY_READY_WAIT_MS = 60 * 60_000;

/** Locally, the wait for green is capped at this (real time); an alarm normally ends it much earlier. */
export const LOCAL_READY_WAIT_CAP_MS = 30_000;

/** Node's start-up is real time and is not compressed: a task has this long to open its port before it is registered anyway. */
export const STARTUP_ALLOWANCE_MS = 3_000;

/** First delay before ECS relaunches a crashed task (AWS time); it doubles per crash up to the maximum. */
export const ECS_RESTART_BACKOFF_MS = 10_000;
export const ECS_RESTART_BACKOFF_MAX_MS = 5 * 60_000;

/** The rehearsal's clock settings: AWS times from the settings, compressed by the time scale. */
export interface LocalTimings {
  readonly timeScale: number;
  /** The factor health-check timings are compressed by: the time scale, capped by the minimum interval. */
  readonly healthScale: number;
  readonly healthCheck: HealthCheckSettings;
  readonly healthyCodes: string;
  readonly deregistrationDelayMs: number;
  readonly alarmPeriodMs: number;
  readonly terminationWaitMs: number;
  readonly healthCheckGraceMs: number;
  readonly readyWaitMs: number;
  readonly restartBackoffMs: number;
  readonly restartBackoffMaxMs: number;
  readonly stopTimeoutMs: number;
}

/**
 * Compresses every control-plane wait (alarm periods, canary and linear intervals, the bake period,
 * deregistration delay, restart back-off, grace period) by `timeScale`. Health checks are compressed too,
 * but never below {@link MIN_HEALTH_INTERVAL_MS}; the health-check timeout keeps its ratio to the interval.
 * Request timeouts, response-time thresholds and the process's own start-up are real time.
 */
export function localTimings(timeScale: number, config: Settings = settings): LocalTimings {
  if (!(timeScale >= 1)) throw new Error(`time scale must be 1 or more, got ${timeScale}`);
  const hc = config.targetHealthCheck;
  const intervalMs = hc.intervalSeconds * 1000;
  const healthScale = Math.max(1, Math.min(timeScale, intervalMs / MIN_HEALTH_INTERVAL_MS));
  const scaled = (ms: number): number => ms / timeScale;
  return {
    timeScale,
    healthScale,
    healthCheck: {
      intervalMs: intervalMs / healthScale,
      timeoutMs: (hc.timeoutSeconds * 1000) / healthScale,
      healthyThreshold: hc.healthyThresholdCount,
      unhealthyThreshold: hc.unhealthyThresholdCount,
    },
    healthyCodes: hc.healthyHttpCodes,
    deregistrationDelayMs: scaled(config.deregistrationDelaySeconds * 1000),
    alarmPeriodMs: scaled(config.alarms.periodSeconds * 1000),
    terminationWaitMs: scaled(config.deployment.terminationWaitMinutes * 60_000),
    healthCheckGraceMs: (config.ecs.healthCheckGracePeriodSeconds * 1000) / healthScale,
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
