import { formatCounts, formatDuration } from './format-duration';
import type { RehearsalResult } from './rehearsal';
import { verdictOf } from './verdict';

const maybe = (ms: number | undefined): string => (ms === undefined ? 'n/a' : formatDuration(ms));
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown report (`report.md`). */
export function toMarkdown(result: RehearsalResult): string {
  const v = verdictOf(result);
  const rows: [string, string][] = [
    ['faults (green)', `\`${result.faults || 'none'}\``],
    ['deployment configuration', result.config],
    ['time scale', `${result.timeScale} (health checks ${result.timings.healthScale})`],
    ['outcome', `**${result.outcome}**`],
    ['expected (catalogue)', `${result.expected.outcome}: ${result.expected.signal}`],
    ['matched', result.matched ? 'yes' : '**no**'],
    ['reason', result.outcome === 'rolled-back' ? v.trigger : result.reason],
    ['time to detection', `${maybe(v.detectionMs)} measured (compressed)`],
    ['time to rollback', `${maybe(v.rollbackMs)} measured (compressed)`],
    ['stopped in', result.deployment.stoppedIn ?? 'n/a'],
    ['modelled AWS time (tools/src/model/rollback-time.ts)', v.modelledAws],
    ...(v.waitNote ? ([['note', v.waitNote]] as [string, string][]) : []),
    ['production traffic reached green', result.deployment.productionShifted ? 'yes' : 'no'],
    ['requests (failed)', `${result.load.requests} (${result.load.failed})`],
    ['answered by', formatCounts(result.load.byVersion)],
    ['failed by', formatCounts(result.load.failedByVersion)],
  ];
  const lines = [
    `# Local rehearsal: ${result.outcome}`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([k, val]) => `| ${k} | ${cell(val)} |`),
    '',
  ];
  if (result.hook) {
    lines.push(
      '## AfterAllowTestTraffic hook',
      '',
      `${result.hook.ok ? 'Succeeded' : 'Failed'}: ${result.hook.reason}`,
      '',
    );
    for (const c of result.hook.checks) lines.push(`- ${c.ok ? 'pass' : 'FAIL'} ${c.name}: ${c.detail}`);
    lines.push('');
  }
  lines.push('## Alarms', '', '| alarm | condition | state at end | first ALARM at |', '|---|---|---|---|');
  for (const a of result.alarms) {
    lines.push(
      `| ${a.name} | ${cell(a.description)} | ${a.state} | ${a.firedAtMs === undefined ? '' : maybe(a.firedAtMs)} |`,
    );
  }
  lines.push('', '## Timeline (measured seconds since start)', '', '| at | kind | event |', '|---|---|---|');
  for (const e of result.timeline)
    lines.push(`| ${(e.atMs / 1000).toFixed(2)} | ${e.kind} | ${cell(e.message)} |`);
  if (result.notes.length > 0) {
    lines.push('', '## Notes', '', ...result.notes.map((n) => `- ${n}`));
  }
  return `${lines.join('\n')}\n`;
}
