/** The ALB's per-target health state machine, as a pure function of one health-check result. */

/** `initial`: registered, not yet judged. `draining`: deregistered, finishing in-flight requests. */
export type TargetHealth = 'initial' | 'healthy' | 'unhealthy' | 'draining';

export interface HealthCounters {
  readonly state: TargetHealth;
  /** Consecutive passes (when the last check passed) or failures (when it failed). */
  readonly streak: number;
  readonly lastPassed?: boolean;
}

export interface Thresholds {
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** A newly registered target. */
export const INITIAL: HealthCounters = { state: 'initial', streak: 0 };

/**
 * The state after one check: `healthyThreshold` consecutive passes make a target healthy,
 * `unhealthyThreshold` consecutive failures make it unhealthy; a draining target stays draining.
 */
export function afterCheck(current: HealthCounters, passed: boolean, t: Thresholds): HealthCounters {
  if (current.state === 'draining') return current;
  const streak = current.lastPassed === passed ? current.streak + 1 : 1;
  let state = current.state;
  if (passed && streak >= t.healthyThreshold) state = 'healthy';
  if (!passed && streak >= t.unhealthyThreshold) state = 'unhealthy';
  return { state, streak, lastPassed: passed };
}
