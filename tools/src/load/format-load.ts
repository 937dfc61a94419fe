import type { LoadResult, LoadSecond } from './load-loop';
import type { ThresholdCheck } from './thresholds';

const counts = (byKey: Record<string, number>): string =>
  Object.entries(byKey)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key}:${n}`)
    .join(' ') || '-';

const percent = (part: number, whole: number): string =>
  whole === 0 ? '0.0%' : `${((100 * part) / whole).toFixed(1)}%`;

const ms = (value: number): string => `${value < 10 ? value.toFixed(1) : Math.round(value)}ms`;

/** One line for one second of load: requests, status counts, error rate, p50/p99, versions seen. */
export function formatSecond(s: LoadSecond): string {
  return [
    `${String(s.second + 1).padStart(4)}s`,
    `${String(s.requests).padStart(5)} req`,
    `status ${counts(s.byStatus)}`,
    `err ${percent(s.failed, s.requests)}`,
    `p50 ${ms(s.p50Ms)} p99 ${ms(s.p99Ms)}`,
    `versions ${counts(s.byVersion)}`,
  ].join('  ');
}

/** The end-of-run summary, several lines. */
export function formatSummary(r: LoadResult): string {
  const seconds = r.durationMs / 1000;
  const rate = seconds > 0 ? (r.requests / seconds).toFixed(1) : '0.0';
  return [
    `${r.requests} requests in ${seconds.toFixed(1)}s (${rate} req/s), ${r.failed} failed (${percent(r.failed, r.requests)})`,
    `  status    ${counts(r.byStatus)}`,
    `  errors    connection ${r.errors.connection}, timeout ${r.errors.timeout}`,
    `  versions  ${counts(r.byVersion)}`,
    `  latency   p50 ${ms(r.latency.p50Ms)}, p90 ${ms(r.latency.p90Ms)}, p99 ${ms(r.latency.p99Ms)}, max ${ms(r.latency.maxMs)}`,
  ].join('\n');
}

/** One threshold in words: `error rate 25.0% over the limit of 10.0%`, `p99 40ms within 500ms`. */
export function describeThreshold(c: ThresholdCheck): string {
  const show = (value: number): string => (c.name === 'error-rate' ? percent(value, 1) : ms(value));
  const label = c.name === 'error-rate' ? 'error rate' : 'p99';
  return c.crossed
    ? `${label} ${show(c.actual)} over the limit of ${show(c.limit)}`
    : `${label} ${show(c.actual)} within ${show(c.limit)}`;
}

/** The summary's line for the thresholds a run was given. */
export function formatThresholds(checks: readonly ThresholdCheck[]): string {
  return `  thresholds  ${checks.map((c) => `${describeThreshold(c)} (${c.crossed ? 'crossed' : 'ok'})`).join(', ')}`;
}
