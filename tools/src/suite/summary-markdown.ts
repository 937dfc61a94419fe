import { SCORECARD_COLUMNS, scorecardRows } from './scorecard';
import { suiteHeadline, suiteSettingsLine, type SuiteMeta } from './suite-meta';
import { mismatches, type SuiteRun } from './suite-run';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** `summary.md`: the headline, the scorecard and the mismatches, in Markdown a CI job summary shows. */
export function toSummaryMarkdown(runs: readonly SuiteRun[], meta: SuiteMeta): string {
  const missed = mismatches(runs);
  const rows = scorecardRows(runs).map((row) =>
    row.map((text, c) => (c === 3 && text === 'NO' ? '**NO**' : cell(text))),
  );
  const lines = [
    `## Rollback rehearsal suite: ${suiteHeadline(runs)}`,
    '',
    suiteSettingsLine(meta),
    '',
    `| ${SCORECARD_COLUMNS.join(' | ')} |`,
    `|${SCORECARD_COLUMNS.map((_, c) => (c >= 5 ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  if (missed.length > 0) lines.push('### Mismatches', '', ...missed.map((m) => `- ${cell(m)}`), '');
  lines.push(
    "Detection is measured from the start of the deployment, in compressed time; the AWS worst case is the model's, in real AWS seconds from green tasks starting. `index.html` in the report folder links each rehearsal's own report.",
    '',
  );
  return lines.join('\n');
}
