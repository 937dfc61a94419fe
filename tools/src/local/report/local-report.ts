import type { ExperimentReport, ReportSection } from '../../experiment/report-writer';
import { formatCounts, formatDuration } from '../../experiment/format-duration';
import { alarmHistory, eventsOf } from '../../experiment/read-record';
import type { RehearsalResult } from '../rehearsal/rehearsal';
import { toJson } from './report-json';
import { describeHold } from '../result/hand-decisions';
import { timelineChart } from './timeline-chart';
import { startRefusal, verdictOf } from './verdict';
import { CONTROLLER_NAME, deploymentLabel, hookAnswer, HOOK_STAGE } from '../controllers/controller-label';

const maybe = (ms: number | undefined): string => (ms === undefined ? 'n/a' : formatDuration(ms));

function hookSection(result: RehearsalResult): ReportSection[] {
  const hook = result.hook;
  if (!hook) return [];
  return [
    {
      title: `${HOOK_STAGE[result.controller]} hook`,
      lines: [
        hookAnswer(result.events) ?? `${hook.ok ? 'Succeeded' : 'Failed'}: ${hook.reason}`,
        ...hook.checks.map((c) => `- ${c.ok ? 'pass' : 'FAIL'} ${c.name}: ${c.detail}`),
      ],
    },
  ];
}

/** The local rehearsal as an experiment report: the verdict, the local figures, hook, alarms, timeline. */
export function localReport(result: RehearsalResult): ExperimentReport {
  const v = verdictOf(result);
  const history = alarmHistory(result.events);
  const alarms: ReportSection = {
    title: 'Alarms',
    table: {
      header: ['alarm', 'condition', 'state at end', 'first ALARM at'],
      rows: result.alarms.map((a) => {
        const h = history.get(a.name);
        return [
          a.name,
          a.description,
          h?.state ?? 'OK',
          h?.firedAtMs === undefined ? '' : maybe(h.firedAtMs),
        ];
      }),
    },
  };
  const notes = eventsOf(result.events, 'note').map((n) => `- ${n.text}`);
  const refusal = startRefusal(result);
  return {
    title: `Local rehearsal (${CONTROLLER_NAME[result.controller]})`,
    verdict: v,
    detectionBasis: 'measured (compressed), from the start of the deployment',
    facts: [
      ['faults (green)', `\`${result.faults || 'none'}\``],
      ['controller', CONTROLLER_NAME[result.controller]],
      ['deployment configuration', deploymentLabel(result.controller, result.config)],
      ['time scale', `${result.timeScale}, one clock for every wait that takes part in a race`],
      ...(result.productionRuleReset
        ? ([
            ['production rule', 'reset to green, the target group with no task (aws-cdk issue 36649)'],
          ] as const)
        : []),
      ['reason', result.reason],
      ...(refusal?.[1] === undefined ? [] : ([['fix', `\`${refusal[1]}\``]] as const)),
      ['time to rollback', `${maybe(v.rollbackMs)} measured (compressed)`],
      ['stopped in', result.deployment.stoppedIn ?? 'n/a'],
      ...(v.waitNote ? ([['note', v.waitNote]] as const) : []),
      ['production traffic reached green', result.deployment.productionShifted ? 'yes' : 'no'],
      ...(result.hold ? ([['gate', describeHold(result.hold)]] as const) : []),
      ...(result.handStop
        ? ([
            ['stopped by hand', `${result.handStop.command} --local at ${maybe(result.handStop.atMs)}`],
          ] as const)
        : []),
      ...(result.outsideModel
        ? ([['model comparison', `not compared: ${result.outsideModel}`]] as const)
        : []),
      ['requests (failed)', `${result.load.requests} (${result.load.failed})`],
      ['answered by', formatCounts(result.load.byVersion)],
      ['failed by', formatCounts(result.load.failedByVersion)],
    ],
    sections: [
      ...hookSection(result),
      alarms,
      { title: 'Timeline (measured seconds since start)', timeline: true },
      ...(notes.length > 0 ? [{ title: 'Notes', lines: notes }] : []),
    ],
    events: result.events,
    chart: timelineChart(result),
    record: toJson(result),
  };
}
