import { isFailed, statusKey, type LoadRequestResult } from '../../load/load-loop';

/** Before the push (steady state), while the release is deployed, and after it ended (steady state again). */
export type Phase = 'before' | 'during' | 'after';

/** What users saw in one phase: request counts by status and by version (x-app-version). */
export interface PhaseStats {
  requests: number;
  failed: number;
  byStatus: Record<string, number>;
  byVersion: Record<string, number>;
  /** Clock time of the first and last failed request in the phase. */
  firstFailureAt?: number;
  lastFailureAt?: number;
}

const emptyStats = (): PhaseStats => ({ requests: 0, failed: 0, byStatus: {}, byVersion: {} });

/** Splits the load loop's results by drill phase and notes when each version was first and last seen. */
export class LoadPhases {
  phase: Phase = 'before';
  readonly stats: Record<Phase, PhaseStats> = {
    before: emptyStats(),
    during: emptyStats(),
    after: emptyStats(),
  };
  readonly versions: Record<string, { firstAt: number; lastAt: number; requests: number }> = {};

  readonly record = (r: LoadRequestResult): void => {
    const stats = this.stats[this.phase];
    stats.requests += 1;
    const key = statusKey(r);
    stats.byStatus[key] = (stats.byStatus[key] ?? 0) + 1;
    if (isFailed(r)) {
      stats.failed += 1;
      stats.firstFailureAt ??= r.startedAt;
      stats.lastFailureAt = r.startedAt;
    }
    if (r.version !== undefined) {
      stats.byVersion[r.version] = (stats.byVersion[r.version] ?? 0) + 1;
      const seen = (this.versions[r.version] ??= { firstAt: r.startedAt, lastAt: r.startedAt, requests: 0 });
      seen.lastAt = r.startedAt;
      seen.requests += 1;
    }
  };
}
