import type { LoadResult } from './load-loop';

/** Limits that fail a load run, as k6's `thresholds` do; a limit not given is not checked. */
export interface LoadThresholds {
  /** Failed requests over all requests, from 0 to 1. */
  readonly maxErrorRate?: number;
  /** The run's p99 latency, in milliseconds. */
  readonly maxP99Ms?: number;
}

/** One threshold against the run: crossed when the run's value is over the limit (equal holds). */
export interface ThresholdCheck {
  readonly name: 'error-rate' | 'p99';
  readonly limit: number;
  readonly actual: number;
  readonly crossed: boolean;
}

/** Checks the given thresholds against a finished run; a run with no completed request has no errors. */
export function checkThresholds(result: LoadResult, thresholds: LoadThresholds): ThresholdCheck[] {
  const checks: ThresholdCheck[] = [];
  const check = (name: ThresholdCheck['name'], limit: number | undefined, actual: number): void => {
    if (limit !== undefined) checks.push({ name, limit, actual, crossed: actual > limit });
  };
  check('error-rate', thresholds.maxErrorRate, result.requests === 0 ? 0 : result.failed / result.requests);
  check('p99', thresholds.maxP99Ms, result.latency.p99Ms);
  return checks;
}
