import { refusalLines } from '../../../../core/weights/production-weights';
import { reportHtml, reportMarkdown } from '../../../src/experiment/report-writer';
import { localReport } from '../../../src/local/report/local-report';
import { toJson } from '../../../src/local/report/report-json';
import { formatSummary } from '../../../src/local/report/report-text';
import { FIXTURE_MS, FIXTURE_REFUSAL, resultFor } from '../../helpers/rehearsal-result';

/** The deploy step's two lines for the fixture's refusal. */
const LINES = refusalLines({ ok: false, ...FIXTURE_REFUSAL });
const reset = { controller: 'ecs', productionRuleReset: true } as const;

describe('a local rehearsal the native start check refused', () => {
  it('is the outcome the model expects for a reset production rule, with the refusal as its reason', () => {
    const result = resultFor({}, reset);
    expect(result).toMatchObject({
      outcome: 'refused',
      expected: { outcome: 'refused' },
      matched: true,
      productionRuleReset: true,
      reason: LINES[0],
    });
    expect(result.deployment).toMatchObject({
      outcome: 'refused',
      startedAtMs: FIXTURE_MS.deploymentStart,
      finishedAtMs: FIXTURE_MS.deploymentStart,
      productionShifted: false,
    });
    // Green never runs, so no fault's worst case applies, whatever the release holds.
    expect(resultFor({ 'health-fail': true }, reset).modelledAws).toBeUndefined();
    expect(resultFor({ 'health-fail': true }, reset).matched).toBe(true);
  });

  it('does not match when the model expects the release to start: no reset rule, or a release that went through', () => {
    expect(resultFor({}, { controller: 'ecs', outcome: 'refused' })).toMatchObject({
      expected: { outcome: 'succeeded' },
      matched: false,
    });
    expect(resultFor({}, { ...reset, outcome: 'succeeded' })).toMatchObject({
      expected: { outcome: 'refused' },
      matched: false,
    });
  });

  it("prints the deploy step's lines in the summary: what points where, then what to run", () => {
    const text = formatSummary(resultFor({}, reset));
    expect(text).toContain('  outcome:     refused\n');
    expect(text).toContain('  at start:    production rule reset to green, the target group with no task');
    expect(text).toMatch(/ {2}expected: {4}refused \(the native deploy step's start check: /);
    expect(text).toContain("  reason:      the native deploy step's start check\n");
    expect(text).toContain(`  start check: ${LINES[0]}\n  to fix:      ${LINES[1]}\n`);
    expect(text).toContain('  AWS model:   n/a (refused: green never starts, so no fault runs)\n');
    expect(text).not.toContain('  deployment:  ');
  });

  it('carries the refusal in the JSON and the report pages', () => {
    const result = resultFor({}, reset);
    expect(toJson(result)).toMatchObject({
      outcome: 'refused',
      expected: { outcome: 'refused' },
      matched: true,
      productionRuleReset: true,
      refusal: LINES,
      trigger: null,
    });
    expect(toJson(resultFor({}, { controller: 'ecs' }))).toMatchObject({
      productionRuleReset: false,
      refusal: null,
    });
    const report = localReport(result);
    const markdown = reportMarkdown(report);
    expect(markdown).toMatch(/^# Local rehearsal \(native ECS blue\/green\): refused\n/);
    for (const row of [
      '| outcome | **refused** |',
      '| matched | yes |',
      "| decided by | the native deploy step's start check |",
      '| modelled AWS worst case (core/model) | n/a (refused: green never starts, so no fault runs) |',
      '| production rule | reset to green, the target group with no task (aws-cdk issue 36649) |',
    ])
      expect(markdown).toContain(row);
    expect(markdown).toContain(`| fix | \`${LINES[1]}\` |`);
    expect(reportHtml(report)).toContain('<span id="outcome" class="matched">refused</span>');
  });
});
