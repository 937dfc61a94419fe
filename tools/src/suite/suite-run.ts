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
export function mismatches(runs: readonly SuiteRun[]): string[] {
  return runs.flatMap((run) => {
    if (run.state === 'done')
      return run.result.matched
        ? []
        : [`${run.entry.label}: ${run.result.outcome}, expected ${run.result.expected.outcome}`];
    if (run.state === 'failed') return [`${run.entry.label}: the rehearsal failed: ${run.error}`];
    return [`${run.entry.label}: interrupted`];
  });
}
