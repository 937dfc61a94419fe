import type { ScorecardTable } from '../scorecard/scorecard-layout';
import { scorecardTable } from '../scorecard/scorecard-table';
import { suiteHeadline, suiteSettingsLine, type SuiteMeta } from './suite-meta';
import { mismatches, type SuiteRun } from '../plan/suite-run';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Column names, each prefixed with its controller when several ran: Markdown tables have no spanning heading. */
function columnNames(table: ScorecardTable): string[] {
  const titles = (table.groups ?? []).flatMap((g) => Array.from({ length: g.span }, () => g.title));
  return table.columns.map((name, c) => (titles[c] ? `${titles[c]} ${name}` : name));
}

/** `summary.md`: the headline, the scorecard and the mismatches, in Markdown a CI job summary shows. */
export function toSummaryMarkdown(runs: readonly SuiteRun[], meta: SuiteMeta): string {
  const missed = mismatches(runs);
  const table = scorecardTable(runs);
  const rows = table.rows.map((row) =>
    row.cells.map((text, c) => (table.verdicts.has(c) && text === 'NO' ? '**NO**' : cell(text))),
  );
  const columns = columnNames(table);
  const lines = [
    `## Rollback rehearsal suite: ${suiteHeadline(runs)}`,
    '',
    suiteSettingsLine(meta),
    '',
    `| ${columns.join(' | ')} |`,
    `|${columns.map((_, c) => (table.numeric.has(c) ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  if (missed.length > 0) lines.push('### Mismatches', '', ...missed.map((m) => `- ${cell(m)}`), '');
  lines.push(
    "Detection is counted from green's first task running (the model's time zero) and converted to AWS seconds with the time scale; the AWS worst case is the model's, in AWS seconds from green tasks starting. `index.html` in the report folder links each rehearsal's own report.",
    '',
  );
  return lines.join('\n');
}
