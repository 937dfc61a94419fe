import type { LoadRequestResult } from '../../load/load-loop';
import { isFailed } from '../../load/load-loop';

/** Requests and failures of one second, by the version that answered. */
export interface VersionSecond {
  readonly second: number;
  readonly requests: Record<string, number>;
  readonly failed: Record<string, number>;
}

/**
 * Who answered a request, for counting by version: the `x-app-version` header, `load-balancer` when the
 * load balancer answered itself, `no answer` for refused connections and timeouts.
 */
export function answeredBy(r: LoadRequestResult): string {
  if (r.version !== undefined) return r.version;
  return r.status === undefined ? 'no answer' : 'load-balancer';
}

/** Builds a per-second series of the load loop's results, keyed by the second the request ended. */
export class LoadSeries {
  private readonly seconds = new Map<number, VersionSecond>();
  readonly failedByVersion: Record<string, number> = {};

  add(r: LoadRequestResult): void {
    const second = Math.max(0, Math.floor((r.startedAt + r.durationMs) / 1000));
    let bucket = this.seconds.get(second);
    if (!bucket) this.seconds.set(second, (bucket = { second, requests: {}, failed: {} }));
    const who = answeredBy(r);
    bucket.requests[who] = (bucket.requests[who] ?? 0) + 1;
    if (isFailed(r)) {
      bucket.failed[who] = (bucket.failed[who] ?? 0) + 1;
      this.failedByVersion[who] = (this.failedByVersion[who] ?? 0) + 1;
    }
  }

  /** The most recent complete-or-current second's totals, for live progress. */
  latest(nowSecond: number): { requests: number; failed: number } {
    const bucket = this.seconds.get(nowSecond - 1);
    const sum = (counts: Record<string, number> | undefined): number =>
      Object.values(counts ?? {}).reduce((a, b) => a + b, 0);
    return { requests: sum(bucket?.requests), failed: sum(bucket?.failed) };
  }

  /** Every second up to the last one with data, gaps filled. */
  series(): VersionSecond[] {
    const last = Math.max(-1, ...this.seconds.keys());
    return Array.from(
      { length: last + 1 },
      (_, second) => this.seconds.get(second) ?? { second, requests: {}, failed: {} },
    );
  }
}
