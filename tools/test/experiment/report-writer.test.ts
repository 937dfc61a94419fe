import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { reportHtml, reportMarkdown, writeReport } from '../../src/experiment/report-writer';
import { localReport } from '../../src/local/report/local-report';
import { resultFor } from '../helpers/rehearsal-result';

describe('the experiment report writer', () => {
  const rolledBack = localReport(resultFor({ 'health-fail': true }));

  it('starts every report with the verdict: outcome, expectation, match, deciding signal, both times', () => {
    const markdown = reportMarkdown(rolledBack);
    expect(markdown).toMatch(/^# Local rehearsal \(CodeDeploy\): rolled-back\n/);
    for (const row of [
      '| outcome | **rolled-back** |',
      '| matched | yes |',
      '| decided by | target-health watcher |',
      '| time to detection | 3.4 s measured (compressed), from the start of the deployment |',
      '| detection against the model (AWS s) | 60 s detected, 21 s modelled (target-health watcher) |',
    ])
      expect(markdown).toContain(row);
    expect(markdown).toMatch(/\| modelled AWS worst case \(core\/model\) \| rolled-back about \d+ s/);
  });

  it('places the timeline where its section stands and escapes table cells', () => {
    const markdown = reportMarkdown({
      ...rolledBack,
      sections: [{ title: 'Observations', timeline: true, lines: ['before the table'] }],
      events: [{ atMs: 1500, type: 'note', text: 'a | b' }],
    });
    expect(markdown).toContain('## Observations\n\nbefore the table\n\n| at (s) | kind | event |');
    expect(markdown).toContain('| 1.50 | note | a \\| b |');
  });

  it('marks a mismatch in the page and escapes what the rehearsal reported', () => {
    const html = reportHtml({
      ...rolledBack,
      verdict: { ...rolledBack.verdict, matched: false, decidedBy: '<script>' },
    });
    expect(html).toContain('<span id="outcome" class="mismatch">rolled-back</span>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
  });

  it('writes report.md, report.json (the source record) and report.html', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'experiment-report-'));
    try {
      const files = await writeReport(dir, rolledBack);
      expect(files.map((f) => path.basename(f))).toEqual(['report.md', 'report.json', 'report.html']);
      expect(JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8'))).toEqual(rolledBack.record);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
