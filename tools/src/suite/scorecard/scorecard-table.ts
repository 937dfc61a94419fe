import { SCORECARD_COLUMNS, scorecardRows } from './scorecard';
import type { ScorecardTable } from './scorecard-layout';
import { sideBySide } from './side-by-side';
import { controllersOf, reportLink, type SuiteRun } from '../plan/suite-run';

/**
 * The suite's scorecard: one row per rehearsal when it ran one controller (the same columns as ever),
 * one row per fault with each controller's columns side by side when it ran several.
 */
export function scorecardTable(runs: readonly SuiteRun[]): ScorecardTable {
  const controllers = controllersOf(runs);
  if (controllers.length > 1) return sideBySide(runs, controllers);
  const cells = scorecardRows(runs);
  return {
    columns: SCORECARD_COLUMNS,
    numeric: new Set([6, 7, 8, 9]),
    verdicts: new Set([3]),
    rows: runs.map((run, i) => {
      const link = reportLink(run);
      return {
        fault: run.entry.label,
        cells: cells[i]!,
        links: new Map(link === undefined ? [] : [[0, link]]),
      };
    }),
  };
}
