import { formatCounts, formatDuration } from '../../experiment/format-duration';
import { eventsOf } from '../../experiment/read-record';
import type { RehearsalResult } from '../rehearsal/rehearsal';
import { describeModelled } from '../../experiment/verdict';
import { startRefusal, verdictOf } from './verdict';
import { deploymentLabel, hookAnswer, HOOK_STAGE } from '../controllers/controller-label';
import { PLAIN_STYLE, type OutputStyle } from '../../terminal/output-style';
import { describeHold } from '../result/hand-decisions';

const maybe = (ms: number | undefined): string => (ms === undefined ? 'n/a' : formatDuration(ms));

/** The end-of-run summary for a terminal or a log; `style` colours the verdict (green matched, red not). */
export function formatSummary(result: RehearsalResult, style: OutputStyle = PLAIN_STYLE): string {
  const v = verdictOf(result);
  const lines = [
    '',
    `Release of green (FAULTS=${result.faults || 'none'}) with ${deploymentLabel(result.controller, result.config)}, time scale ${result.timeScale}`,
    `  outcome:     ${result.outcome}`,
    ...(result.alarmAtStart === undefined
      ? []
      : [`  at start:    ${result.alarmAtStart} already in ALARM when the deployment started`]),
    ...(result.productionRuleReset
      ? ['  at start:    production rule reset to green, the target group with no task (aws-cdk issue 36649)']
      : []),
    `  expected:    ${result.expected.outcome} (${result.expected.signal})`,
    result.outsideModel === undefined
      ? `  matched:     ${result.matched ? style.paint('green', 'yes') : style.paint('red', 'NO')}`
      : `  matched:     not compared: ${result.outsideModel}`,
    `  reason:      ${result.outcome === 'succeeded' ? result.reason : v.decidedBy}`,
  ];
  const refusal = startRefusal(result);
  if (refusal) {
    // The deploy step's own lines, so what a user reads here is what the pipeline's log would say.
    lines.push(...refusal.map((line, i) => `  ${i === 0 ? 'start check:' : 'to fix:     '} ${line}`));
  } else if (result.outcome === 'rolled-back') {
    lines.push(
      `  detection:   ${maybe(v.detectionMs)} after the deployment started (measured, compressed)`,
      `  rolled back: ${maybe(v.rollbackMs)} after the deployment started (measured, compressed)`,
      `  stopped in:  ${result.deployment.stoppedIn ?? 'n/a'}; production traffic reached green: ${result.deployment.productionShifted ? 'yes' : 'no'}`,
    );
    if (v.waitNote) lines.push(`  note:        ${v.waitNote}`);
  } else {
    lines.push(`  deployment:  ${formatDuration(v.deploymentMs)} (measured, compressed)`);
  }
  lines.push(`  AWS model:   ${describeModelled(v.modelled, result.expected)}`);
  lines.push(
    `  users saw:   ${result.load.requests} requests, ${result.load.failed} failed; answered by ${formatCounts(result.load.byVersion)}; failed by ${formatCounts(result.load.failedByVersion)}`,
  );
  if (result.hold) lines.push(`  gate:        ${describeHold(result.hold)}`);
  if (result.handStop)
    lines.push(
      `  by hand:     ${result.handStop.command} at ${maybe(result.handStop.atMs)}${result.handStop.detail ? `: ${result.handStop.detail}` : ''}`,
    );
  const hook = hookAnswer(result.events);
  if (hook) lines.push(`  hook:        ${HOOK_STAGE[result.controller]} ${hook}`);
  const stops = eventsOf(result.events, 'task-stopped').filter((s) => s.abnormal);
  if (stops.length > 0) {
    lines.push(`  task stops:  ${stops.length}; first: ${stops[0]?.taskId} ${stops[0]?.reason}`);
  }
  for (const note of eventsOf(result.events, 'note')) lines.push(`  note:        ${note.text}`);
  return `${lines.join('\n')}\n`;
}
