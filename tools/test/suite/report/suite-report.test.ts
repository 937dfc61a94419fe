import { distinctPorts } from '../../../src/suite/run-suite';
import { formatScorecard } from '../../../src/suite/scorecard/scorecard-text';
import { toIndexHtml } from '../../../src/suite/report/index-html';
import { suitePlan } from '../../../src/suite/plan/suite-plan';
import type { SuiteRun } from '../../../src/suite/plan/suite-run';
import { toSummaryMarkdown } from '../../../src/suite/report/summary-markdown';
import { resultFor } from '../../helpers/rehearsal-result';

const [healthy, latency, crash] = suitePlan('none,latency,startup-crash');
const runs: SuiteRun[] = [
  { entry: healthy!, state: 'done', result: resultFor({}), wallMs: 30_000 },
  {
    entry: latency!,
    state: 'done',
    result: resultFor({ latency: 2000 }, { outcome: 'succeeded', failed: 3 }),
    wallMs: 30_000,
  },
  { entry: crash!, state: 'failed', error: 'blue did not become healthy', wallMs: 20_000 },
];
const meta = {
  config: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
  timeScale: 20,
  parallel: 3,
  wallMs: 41_234,
};

describe('suite reports', () => {
  test('the scorecard aligns its columns and marks each mismatch', () => {
    const lines = formatScorecard(runs).split('\n');
    expect(lines).toHaveLength(5);
    expect(
      new Set(
        lines
          .slice(0, 2)
          .map((l) => l.indexOf('expected'))
          .filter((i) => i >= 0),
      ).size,
    ).toBe(1);
    expect(lines[3]).toMatch(
      /^latency=2000 +rolled-back +succeeded +NO +every step passed +test-traffic hook +- +\d+ s +200 +3$/,
    );
    expect(lines[4]).toMatch(/^startup-crash +error: blue did not become healthy +NO +the rehearsal failed/);
  });

  test('summary.md is a Markdown table with the headline and the mismatches, for a CI job summary', () => {
    const md = toSummaryMarkdown(runs, meta);
    expect(md).toMatch(
      /^## Rollback rehearsal suite: 2 of 3 rehearsals did not match the catalogue on codedeploy$/m,
    );
    expect(md).toContain('| fault | expected | outcome | matched | decided by |');
    expect(md).toMatch(/^\| latency=2000 \| rolled-back \| succeeded \| \*\*NO\*\* \|/m);
    expect(md).toContain('- latency=2000: succeeded, expected rolled-back');
    expect(md).toContain('wall time 41.2 s');
    // The detection column is AWS seconds from green running, as the scorecard's header says.
    expect(md).toContain(
      "counted from green's first task running (the model's time zero) and converted to AWS seconds",
    );
    expect(md).not.toContain('in compressed time');
  });

  test('index.html links each finished rehearsal to its own report and charts its detection time', () => {
    const html = toIndexHtml(runs, meta);
    expect(html).toContain('<a href="healthy/report.html">none</a>');
    expect(html).toContain('<a href="latency-2000/report.html">latency=2000</a>');
    expect(html).not.toContain('startup-crash/report.html');
    expect(html).toContain('<svg id="detection-chart"');
    expect(html).toContain('converted to AWS seconds with the time scale');
    expect(html).not.toContain("rehearsal's compressed time");
  });

  test('hands out each port once, asking again when the OS offers one it already gave', async () => {
    const offered = [4000, 4001, 4000, 4000, 4002];
    const allocate = distinctPorts(() => Promise.resolve(offered.shift()!));
    const ports = [await allocate(), await allocate(), await allocate()];
    expect(ports).toEqual([4000, 4001, 4002]);
  });
});
