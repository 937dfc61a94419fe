import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { escapeHtml } from './escape-html';
import { formatDuration } from './format-duration';
import { describeEvent, EVENT_KIND, type RehearsalEvent } from './rehearsal-event';
import { describeModelled, type ExperimentVerdict } from './verdict';

/** A part of a report: prose lines, a table, or the timeline (placed where the section stands). */
export interface ReportSection {
  readonly title: string;
  readonly lines?: readonly string[];
  readonly table?: { readonly header: readonly string[]; readonly rows: readonly (readonly string[])[] };
  readonly timeline?: boolean;
}

/**
 * One rehearsal's report, whichever experiment produced it: the local stand-in or a drill on AWS. Both
 * follow hypothesis, method, observations, verdict; each source says what its sections hold.
 */
export interface ExperimentReport {
  /** `Local rehearsal`, `Rollback rehearsal on AWS: error-rate=0.5`; the outcome follows it. */
  readonly title: string;
  readonly verdict: ExperimentVerdict;
  /** How the detection time was measured, after the figure (`measured (compressed)`). */
  readonly detectionBasis: string;
  /** Further rows of the verdict table (faults, configuration, requests, ...). */
  readonly facts: readonly (readonly [string, string])[];
  readonly sections: readonly ReportSection[];
  /** The rehearsal's typed record; the timeline tables describe each event. */
  readonly events: readonly RehearsalEvent[];
  /** An inline SVG for the HTML page. */
  readonly chart?: string;
  /** What report.json holds. */
  readonly record: unknown;
}

const TIMELINE_HEADER = ['at (s)', 'kind', 'event'];
/** The record as table rows: seconds since the start, kind, event. */
const timelineRows = (events: readonly RehearsalEvent[]): string[][] =>
  events.map((e) => [(e.atMs / 1000).toFixed(2), EVENT_KIND[e.type], describeEvent(e)]);
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The verdict table every report starts with, then the source's own facts. */
function verdictRows(report: ExperimentReport): [string, string][] {
  const v = report.verdict;
  return [
    ['outcome', v.observed],
    ['expected (rehearsal model)', `${v.expected.outcome}: ${v.expected.signal}`],
    ['matched', v.matched ? 'yes' : 'no'],
    ['decided by', v.decidedBy],
    [
      'time to detection',
      `${v.detectionMs === undefined ? 'n/a' : formatDuration(v.detectionMs)} ${report.detectionBasis}`,
    ],
    ...(v.detectedAwsSeconds === undefined
      ? []
      : ([
          [
            'detection against the model (AWS s)',
            `${Math.round(v.detectedAwsSeconds)} s detected, ${v.modelled?.seconds ?? '-'} s modelled (${v.modelled?.decidedBy ?? 'no rollback'})`,
          ],
        ] as [string, string][])),
    ['modelled AWS worst case (core/model)', describeModelled(v.modelled, v.expected)],
    ...report.facts.map(([k, val]): [string, string] => [k, val]),
  ];
}

function markdownSection(section: ReportSection, events: readonly RehearsalEvent[]): string[] {
  const lines = [`## ${section.title}`, ''];
  if (section.lines) lines.push(...section.lines, '');
  const tables = [
    ...(section.table ? [section.table] : []),
    ...(section.timeline ? [{ header: TIMELINE_HEADER, rows: timelineRows(events) }] : []),
  ];
  for (const { header, rows } of tables) {
    lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---|').join('')}`);
    for (const row of rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
    lines.push('');
  }
  return lines;
}

/** The report as Markdown (`report.md`). */
export function reportMarkdown(report: ExperimentReport): string {
  const rows = verdictRows(report).map(([k, val]) => {
    const shown = k === 'matched' && val === 'no' ? '**no**' : k === 'outcome' ? `**${val}**` : val;
    return `| ${k} | ${cell(shown)} |`;
  });
  const lines = [`# ${report.title}: ${report.verdict.observed}`, '', '| | |', '|---|---|', ...rows, ''];
  for (const section of report.sections) lines.push(...markdownSection(section, report.events));
  return `${lines.join('\n').trimEnd()}\n`;
}

function htmlTable(id: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = `<tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table${id ? ` id="${id}"` : ''}>${head}${body}</table>`;
}

function htmlSection(section: ReportSection, events: readonly RehearsalEvent[]): string {
  const parts = [`<h2>${escapeHtml(section.title)}</h2>`];
  if (section.lines)
    parts.push(...section.lines.filter((l) => l !== '').map((l) => `<p>${escapeHtml(l)}</p>`));
  if (section.table) parts.push(htmlTable('', section.table.header, section.table.rows));
  if (section.timeline) {
    parts.push(htmlTable('events', TIMELINE_HEADER, timelineRows(events)));
  }
  return parts.join('\n');
}

/** A self-contained HTML page (no scripts, no external files): the verdict, the chart, the sections. */
export function reportHtml(report: ExperimentReport): string {
  const status = report.verdict.matched ? 'matched' : 'mismatch';
  const verdict = verdictRows(report)
    .map(([k, val]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(val)}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(report.title)}: ${escapeHtml(report.verdict.observed)}</title>
<style>
body { font-family: sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin-bottom: 1.5rem; }
td, th { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; font-size: 0.9rem; }
.matched { color: #1a7f37; } .mismatch { color: #c62828; }
</style>
</head>
<body>
<h1>${escapeHtml(report.title)}: <span id="outcome" class="${status}">${escapeHtml(report.verdict.observed)}</span></h1>
<table id="verdict">${verdict}</table>
${report.chart ? `<h2>Timeline chart</h2>\n${report.chart}` : ''}
${report.sections.map((s) => htmlSection(s, report.events)).join('\n')}
</body>
</html>
`;
}

/** Writes `report.md`, `report.json` and `report.html` into `dir` (created when missing); returns their paths. */
export async function writeReport(dir: string, report: ExperimentReport): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: [string, string][] = [
    ['report.md', reportMarkdown(report)],
    ['report.json', `${JSON.stringify(report.record, null, 2)}\n`],
    ['report.html', reportHtml(report)],
  ];
  await Promise.all(files.map(([name, text]) => writeFile(path.join(dir, name), text)));
  return files.map(([name]) => path.join(dir, name));
}
