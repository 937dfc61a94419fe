import type { ScorecardTable } from './scorecard-layout';
import { scorecardTable } from './scorecard-table';
import type { SuiteRun } from '../plan/suite-run';

/** Column widths that fit every cell, widened where a group's heading is longer than its columns. */
function widths(table: ScorecardTable): number[] {
  const rows = [table.columns, ...table.rows.map((r) => r.cells)];
  const w = table.columns.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  let start = 0;
  for (const group of table.groups ?? []) {
    const last = start + group.span - 1;
    const span = w.slice(start, last + 1).reduce((a, b) => a + b, 0) + 2 * (group.span - 1);
    if (group.title.length > span) w[last]! += group.title.length - span;
    start = last + 1;
  }
  return w;
}

/**
 * The scorecard as an aligned text table; figures are right-aligned. When several controllers ran, a line
 * above the column names names the controller over its columns.
 */
export function formatScorecard(runs: readonly SuiteRun[]): string {
  const table = scorecardTable(runs);
  const w = widths(table);
  const render = (row: readonly string[]): string =>
    row
      .map((cell, c) => (table.numeric.has(c) ? cell.padStart(w[c]!) : cell.padEnd(w[c]!)))
      .join('  ')
      .trimEnd();
  const rule = w.map((n) => '-'.repeat(n)).join('  ');
  const lines = [render(table.columns), rule, ...table.rows.map((r) => render(r.cells))];
  if (table.groups === undefined) return lines.join('\n');
  let start = 0;
  const heading = table.groups
    .map((group) => {
      const span = w.slice(start, start + group.span).reduce((a, b) => a + b, 0) + 2 * (group.span - 1);
      start += group.span;
      return group.title.padEnd(span);
    })
    .join('  ')
    .trimEnd();
  return [heading, ...lines].join('\n');
}
