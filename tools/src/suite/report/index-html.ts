import { escapeHtml } from '../../experiment/escape-html';
import { detectionChart } from './detection-chart';
import type { ScorecardRow, ScorecardTable } from '../scorecard/scorecard-layout';
import { scorecardTable } from '../scorecard/scorecard-table';
import { suiteHeadline, suiteSettingsLine, type SuiteMeta } from './suite-meta';
import { mismatches, type SuiteRun } from '../plan/suite-run';

function row(table: ScorecardTable, r: ScorecardRow): string {
  const tds = r.cells.map((text, c) => {
    const link = r.links.get(c);
    const content =
      link !== undefined ? `<a href="${escapeHtml(link)}">${escapeHtml(text)}</a>` : escapeHtml(text);
    const css = table.verdicts.has(c)
      ? ` class="${text === 'yes' ? 'matched' : 'mismatch'}"`
      : table.numeric.has(c)
        ? ' class="num"'
        : '';
    return `<td${css}>${content}</td>`;
  });
  return `<tr data-fault="${escapeHtml(r.fault)}">${tds.join('')}</tr>`;
}

/** The heading rows: each controller's name over its columns when several ran, then the column names. */
function head(table: ScorecardTable): string {
  const names = `<tr>${table.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  if (table.groups === undefined) return names;
  const groups = table.groups
    .map(
      (g) =>
        `<th colspan="${g.span}"${g.title ? ` data-controller="${escapeHtml(g.title)}"` : ''}>${escapeHtml(g.title)}</th>`,
    )
    .join('');
  return `<tr class="controllers">${groups}</tr>\n${names}`;
}

/**
 * `index.html`: a self-contained page (no scripts, no external files) with the headline, the scorecard
 * (each rehearsal's outcome or fault linking to its own report; with several controllers, one row per
 * fault and each controller's columns side by side) and the chart of detection times.
 */
export function toIndexHtml(runs: readonly SuiteRun[], meta: SuiteMeta): string {
  const missed = mismatches(runs);
  const table = scorecardTable(runs);
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
tr.controllers th { text-align: center; background: #f4f4f4; }
td a { white-space: nowrap; }
td.num { text-align: right; }
.matched { color: #1a7f37; } .mismatch { color: #c62828; font-weight: bold; }
</style>
</head>
<body>
<h1 id="headline" class="${missed.length === 0 ? 'matched' : 'mismatch'}">Rollback rehearsal suite: ${escapeHtml(suiteHeadline(runs))}</h1>
<p id="settings">${escapeHtml(suiteSettingsLine(meta))}</p>
<table id="scorecard">${head(table)}
${table.rows.map((r) => row(table, r)).join('\n')}
</table>
${missed.length > 0 ? `<h2>Mismatches</h2><ul id="mismatches">${missed.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>` : ''}
<h2>Time to detection</h2>
<p>Detection: from green's first task running (the model's time zero) to the signal that stopped it, converted to AWS seconds with the time scale.
Modelled: the worst case the rehearsal model predicts on AWS, from green tasks starting to the rollback trigger.
Both sides are on one scale.</p>
${detectionChart(runs, meta.timeScale)}
</body>
</html>
`;
}
