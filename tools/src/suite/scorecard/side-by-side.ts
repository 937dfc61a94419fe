import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import { decidedBy, detectionCell, modelledCell, outcomeCell } from './scorecard';
import type { ScorecardTable } from './scorecard-layout';
import { reportLink, type SuiteRun } from '../plan/suite-run';

/** Each controller's columns in a side-by-side scorecard, in order. */
export const CONTROLLER_COLUMNS = [
  'outcome',
  'matched',
  'decided by',
  'detection (AWS s)',
  'modelled (AWS s)',
] as const;

const COMMON_COLUMNS = ['fault', 'expected'] as const;

function controllerCells(run: SuiteRun | undefined): string[] {
  if (run === undefined) return ['not run', 'NO', '-', '-', '-'];
  const matched = run.state === 'done' && run.result.matched;
  return [outcomeCell(run), matched ? 'yes' : 'NO', decidedBy(run), detectionCell(run), modelledCell(run)];
}

/** The model's outcome for the fault: one word when every controller expects the same, else each one's. */
function expectedCell(
  runs: ReadonlyMap<DeploymentControllerName, SuiteRun>,
  controllers: readonly DeploymentControllerName[],
): string {
  const expected = controllers.flatMap((c) => {
    const run = runs.get(c);
    return run?.state === 'done' ? [[c, run.result.expected.outcome] as const] : [];
  });
  const distinct = new Set(expected.map(([, outcome]) => outcome));
  if (distinct.size <= 1) return [...distinct][0] ?? '';
  return expected.map(([c, outcome]) => `${c}: ${outcome}`).join(', ');
}

/**
 * The scorecard of a suite that ran several controllers: one row per fault, in the plan's order, with the
 * expected outcome and then each controller's outcome, verdict, deciding signal, detection and modelled
 * AWS seconds, each outcome linking to that rehearsal's own report.
 */
export function sideBySide(
  runs: readonly SuiteRun[],
  controllers: readonly DeploymentControllerName[],
): ScorecardTable {
  const byFault = new Map<string, Map<DeploymentControllerName, SuiteRun>>();
  for (const run of runs) {
    const row = byFault.get(run.entry.label) ?? new Map<DeploymentControllerName, SuiteRun>();
    row.set(run.entry.controller, run);
    byFault.set(run.entry.label, row);
  }
  const width = CONTROLLER_COLUMNS.length;
  const first = COMMON_COLUMNS.length;
  return {
    groups: [{ title: '', span: first }, ...controllers.map((title) => ({ title, span: width }))],
    columns: [...COMMON_COLUMNS, ...controllers.flatMap(() => CONTROLLER_COLUMNS)],
    numeric: new Set(controllers.flatMap((_, g) => [first + g * width + 3, first + g * width + 4])),
    verdicts: new Set(controllers.map((_, g) => first + g * width + 1)),
    rows: [...byFault].map(([fault, byController]) => ({
      fault,
      cells: [
        fault,
        expectedCell(byController, controllers),
        ...controllers.flatMap((c) => controllerCells(byController.get(c))),
      ],
      links: new Map(
        controllers.flatMap((c, g) => {
          const run = byController.get(c);
          const link = run && reportLink(run);
          return link === undefined ? [] : [[first + g * width, link] as const];
        }),
      ),
    })),
  };
}
