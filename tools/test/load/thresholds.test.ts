import type { LoadResult } from '../../src/load/load-loop';
import { formatThresholds } from '../../src/load/format-load';
import { checkThresholds } from '../../src/load/thresholds';

const result = (requests: number, failed: number, p99Ms: number): LoadResult => ({
  requests,
  failed,
  byStatus: {},
  byVersion: {},
  errors: { connection: 0, timeout: 0 },
  latency: { p50Ms: 1, p90Ms: 1, p99Ms, maxMs: p99Ms },
  series: [],
  durationMs: 1_000,
});

describe('load thresholds', () => {
  it('are crossed only past their limit: a value equal to it passes', () => {
    expect(checkThresholds(result(100, 5, 500), { maxErrorRate: 0.05, maxP99Ms: 500 })).toEqual([
      { name: 'error-rate', limit: 0.05, actual: 0.05, crossed: false },
      { name: 'p99', limit: 500, actual: 500, crossed: false },
    ]);
    expect(checkThresholds(result(100, 6, 501), { maxErrorRate: 0.05, maxP99Ms: 500 })).toEqual([
      { name: 'error-rate', limit: 0.05, actual: 0.06, crossed: true },
      { name: 'p99', limit: 500, actual: 501, crossed: true },
    ]);
  });

  it('check only the limits given', () => {
    expect(checkThresholds(result(10, 10, 9_000), {})).toEqual([]);
    expect(checkThresholds(result(10, 10, 9_000), { maxP99Ms: 10_000 })).toEqual([
      { name: 'p99', limit: 10_000, actual: 9_000, crossed: false },
    ]);
  });

  it('pass a run in which no request completed: it has no error rate and no latency to be over a limit', () => {
    expect(checkThresholds(result(0, 0, 0), { maxErrorRate: 0, maxP99Ms: 1 })).toEqual([
      { name: 'error-rate', limit: 0, actual: 0, crossed: false },
      { name: 'p99', limit: 1, actual: 0, crossed: false },
    ]);
  });

  it('read as one summary line, naming each limit and whether it was crossed', () => {
    const checks = checkThresholds(result(8, 2, 40), { maxErrorRate: 0.1, maxP99Ms: 500 });
    expect(formatThresholds(checks)).toBe(
      '  thresholds  error rate 25.0% over the limit of 10.0% (crossed), p99 40ms within 500ms (ok)',
    );
  });
});
