import type { RehearsalResult } from '../local/rehearsal';
import type { SuiteEntry } from './suite-plan';

/** How one rehearsal of the suite ended. */
export type SuiteRun =
  | {
      readonly entry: SuiteEntry;
      readonly state: 'done';
      readonly result: RehearsalResult;
      readonly wallMs: number;
    }
  /** The rehearsal itself broke (e.g. blue never became healthy): no verdict, counted as a mismatch. */
  | { readonly entry: SuiteEntry; readonly state: 'failed'; readonly error: string; readonly wallMs: number }
  /** Never started, or stopped part-way, because the suite was interrupted. */
  | { readonly entry: SuiteEntry; readonly state: 'interrupted' };

/** The runs that did not match the catalogue, by label, with why. */
/** How a result differs from the model: its outcome, or for the same outcome, its deciding signal. */
function mismatchOf(r: RehearsalResult): string {
  if (r.outcome !== r.expected.outcome) return `${r.outcome}, expected ${r.expected.outcome}`;
  return `${r.outcome} by the ${r.decidedBy ?? 'unknown signal'}, expected by the ${r.modelledAws?.decidedBy ?? 'unknown signal'}`;
}

export function mismatches(runs: readonly SuiteRun[]): string[] {
  return runs.flatMap((run) => {
    if (run.state === 'done')
      return run.result.matched ? [] : [`${run.entry.label}: ${mismatchOf(run.result)}`];
    if (run.state === 'failed') return [`${run.entry.label}: the rehearsal failed: ${run.error}`];
    return [`${run.entry.label}: interrupted`];
  });
}
