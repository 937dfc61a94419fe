import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import type { RehearsalResult } from '../../local/rehearsal/rehearsal';
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

/** How a result differs from the model: its outcome, or for the same outcome, its deciding signal. */
function mismatchOf(r: RehearsalResult): string {
  if (r.outcome !== r.expected.outcome) return `${r.outcome}, expected ${r.expected.outcome}`;
  return `${r.outcome} by the ${r.decidedBy ?? 'unknown signal'}, expected by the ${r.modelledAws?.decidedBy ?? 'unknown signal'}`;
}

/** The runs that did not match the catalogue, by name, with why. */
export function mismatches(runs: readonly SuiteRun[]): string[] {
  return runs.flatMap((run) => {
    if (run.state === 'done')
      return run.result.matched ? [] : [`${run.entry.name}: ${mismatchOf(run.result)}`];
    if (run.state === 'failed') return [`${run.entry.name}: the rehearsal failed: ${run.error}`];
    return [`${run.entry.name}: interrupted`];
  });
}

/** Where a run's own report sits, relative to the suite's `index.html`; undefined when the run wrote none. */
export const reportLink = (run: SuiteRun): string | undefined =>
  run.state === 'done' ? `${run.entry.folder}/report.html` : undefined;

/** The controllers the runs were rehearsed on, in the order they first appear. */
export function controllersOf(runs: readonly SuiteRun[]): DeploymentControllerName[] {
  return [...new Set(runs.map((run) => run.entry.controller))];
}
