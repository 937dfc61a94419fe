import { escapeHtml } from '../experiment/escape-html';
import { detectionChart } from './detection-chart';
import { SCORECARD_COLUMNS, scorecardRows } from './scorecard';
import { suiteHeadline, suiteSettingsLine, type SuiteMeta } from './suite-meta';
import { mismatches, type SuiteRun } from './suite-run';

/** Where a run's own report sits, relative to `index.html`; undefined when the run wrote none. */
export const reportLink = (run: SuiteRun): string | undefined =>
  run.state === 'done' ? `${run.entry.slug}/report.html` : undefined;

function row(run: SuiteRun, cells: readonly string[]): string {
  const link = reportLink(run);
  const status = cells[3] === 'yes' ? 'matched' : 'mismatch';
  const tds = cells.map((text, c) => {
    const content =
      c === 0 && link !== undefined
        ? `<a href="${escapeHtml(link)}">${escapeHtml(text)}</a>`
        : escapeHtml(text);
    return `<td${c === 3 ? ` class="${status}"` : c >= 5 ? ' class="num"' : ''}>${content}</td>`;
  });
  return `<tr data-fault="${escapeHtml(run.entry.label)}">${tds.join('')}</tr>`;
}

/**
 * `index.html`: a self-contained page (no scripts, no external files) with the headline, the scorecard
 * (each fault linking to its rehearsal's report) and the chart of detection times.
 */
export function toIndexHtml(runs: readonly SuiteRun[], meta: SuiteMeta): string {
  const missed = mismatches(runs);
  const cells = scorecardRows(runs);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Rollback rehearsal suite: ${escapeHtml(suiteHeadline(runs))}</title>
<style>
body { font-family: sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5rem; }
td, th { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; font-size: 0.9rem; }
td:first-child, td:nth-child(2), td:nth-child(3) { white-space: nowrap; }
td.num { text-align: right; }
.matched { color: #1a7f37; } .mismatch { color: #c62828; font-weight: bold; }
</style>
</head>
<body>
<h1 id="headline" class="${missed.length === 0 ? 'matched' : 'mismatch'}">Rollback rehearsal suite: ${escapeHtml(suiteHeadline(runs))}</h1>
<p id="settings">${escapeHtml(suiteSettingsLine(meta))}</p>
<table id="scorecard"><tr>${SCORECARD_COLUMNS.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>
${runs.map((run, i) => row(run, cells[i]!)).join('\n')}
</table>
${missed.length > 0 ? `<h2>Mismatches</h2><ul id="mismatches">${missed.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>` : ''}
<h2>Time to detection</h2>
<p>Measured: from the start of the deployment to the signal that stopped it, in the rehearsal's compressed time.
Modelled: the worst case the infrastructure model predicts in AWS, from green tasks starting to the rollback trigger.
Each side has its own scale.</p>
${detectionChart(runs, meta.timeScale)}
</body>
</html>
`;
}
