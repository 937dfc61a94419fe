import { escapeHtml } from './escape-html';
import { formatCounts, formatDuration } from './format-duration';
import type { RehearsalResult } from './rehearsal';
import { timelineChart } from './timeline-chart';
import { verdictOf } from './verdict';

const maybe = (ms: number | undefined): string => (ms === undefined ? 'n/a' : formatDuration(ms));

/** A self-contained HTML page (no scripts, no external files) with the verdict, the chart and the timeline. */
export function toHtml(result: RehearsalResult): string {
  const v = verdictOf(result);
  const rows: [string, string][] = [
    ['Faults (green)', result.faults || 'none'],
    ['Deployment configuration', result.config],
    ['Time scale', String(result.timeScale)],
    ['Outcome', result.outcome],
    ['Expected', `${result.expected.outcome}: ${result.expected.signal}`],
    ['Matched', result.matched ? 'yes' : 'no'],
    ['Reason', result.outcome === 'rolled-back' ? v.trigger : result.reason],
    ['Time to detection', `${maybe(v.detectionMs)} measured (compressed)`],
    ['Time to rollback', `${maybe(v.rollbackMs)} measured (compressed)`],
    ['Modelled AWS time', v.modelledAws],
    ...(v.waitNote ? ([['Note', v.waitNote]] as [string, string][]) : []),
    ['Requests (failed)', `${result.load.requests} (${result.load.failed})`],
    ['Answered by', formatCounts(result.load.byVersion)],
    ['Failed by', formatCounts(result.load.failedByVersion)],
  ];
  const status = result.matched ? 'matched' : 'mismatch';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Local rehearsal: ${escapeHtml(result.outcome)}</title>
<style>
body { font-family: sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5rem; }
td, th { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; font-size: 0.9rem; }
.matched { color: #1a7f37; } .mismatch { color: #c62828; }
</style>
</head>
<body>
<h1>Local rehearsal: <span id="outcome" class="${status}">${escapeHtml(result.outcome)}</span></h1>
<table id="verdict">${rows.map(([k, val]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(val)}</td></tr>`).join('')}</table>
<h2>Timeline chart</h2>
${timelineChart(result)}
<h2>Events</h2>
<table id="events"><tr><th>at (s)</th><th>kind</th><th>event</th></tr>${result.timeline
    .map(
      (e) =>
        `<tr><td>${(e.atMs / 1000).toFixed(2)}</td><td>${escapeHtml(e.kind)}</td><td>${escapeHtml(e.message)}</td></tr>`,
    )
    .join('')}</table>
${result.notes.length > 0 ? `<h2>Notes</h2><ul>${result.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
</body>
</html>
`;
}
