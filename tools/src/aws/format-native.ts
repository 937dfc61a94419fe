import { clockTime, HOLD_COMMANDS, holdExpiry, OUTCOME_TEXT } from './format-watch';
import { formatWhatRuns } from './what-runs/confirm-release';
import {
  AWAITING_ACTION,
  PAUSE,
  type NativeWatchEvent,
  type NativeWatchResult,
  type RevisionView,
} from './watch-native';

const seconds = (ms: number): string => `${Math.round(ms / 1000)}s`;

/** The last part of a service deployment ARN: the id the ECS console shows. */
export const deploymentIdOf = (arn: string): string => arn.split('/').at(-1) ?? arn;

const weight = (n: number): string => `${Number.isInteger(n) ? n : n.toFixed(1)}%`;

export function formatRevisions(revisions: readonly RevisionView[]): string {
  return revisions
    .map(
      (r) =>
        `${r.role} ${weight(r.productionWeight)} (test ${weight(r.testWeight)}, ${r.running}/${r.requested} running${r.pending ? `, ${r.pending} pending` : ''})`,
    )
    .join(', ');
}

/** One line per event, prefixed with its time and the service deployment's id. */
export function formatNativeEvent(event: NativeWatchEvent): string {
  const head = `${clockTime(event.at)}  ${deploymentIdOf(event.deploymentArn)}  `;
  switch (event.type) {
    case 'status':
      return `${head}status ${event.status}${event.reason ? `: ${event.reason}` : ''}`;
    case 'stage':
      return `${head}stage ${event.stage}`;
    case 'traffic':
      return `${head}traffic ${formatRevisions(event.revisions)}`;
    case 'hook':
      if (event.targetType === PAUSE && event.status === AWAITING_ACTION)
        return `${head}held at ${event.stage} before production traffic: ${holdExpiry(event.expiresAt, event.at, `ECS takes ${event.timeoutAction ?? 'ROLLBACK'}`)} unless ended; ${HOLD_COMMANDS}`;
      if (event.targetType === PAUSE) return `${head}hold at ${event.stage} ended: ${event.status}`;
      return `${head}hook at ${event.stage} ${event.status}${event.targetArn ? ` (${event.targetArn.split(':').at(-1)})` : ''}`;
    case 'alarm':
      return `${head}alarm triggered: ${event.alarmNames.join(', ')}`;
    case 'circuit-breaker':
      return `${head}circuit breaker: ${event.failureCount} failed tasks (threshold ${event.threshold})`;
    case 'rollback':
      return `${head}rollback${event.reason ? `: ${event.reason}` : ''}${event.serviceRevisionArn ? ` (to ${deploymentIdOf(event.serviceRevisionArn)})` : ''}`;
  }
}

/** Whether the last word on the gate's pause hook is that it waits. */
function heldNow(events: readonly NativeWatchEvent[]): boolean {
  const pause = events.filter((e) => e.type === 'hook' && e.targetType === PAUSE).at(-1);
  return pause?.type === 'hook' && pause.status === AWAITING_ACTION;
}

/** The closing lines: outcome, what decided it, ECS's reason, the last stage, how long it took. */
export function formatNativeSummary(result: NativeWatchResult): string {
  const lines = [
    `Service deployment ${deploymentIdOf(result.deploymentArn)} ${OUTCOME_TEXT[result.outcome]} (status ${result.status}).`,
  ];
  if (result.decision.signal !== 'none') lines.push(`  decided by ${result.decision.detail}`);
  if (result.statusReason) lines.push(`  ECS says: ${result.statusReason}`);
  if (result.stage) lines.push(`  last stage seen: ${result.stage}`);
  if (result.outcome === 'interrupted' && heldNow(result.events))
    lines.push(`  held before production traffic; ${HOLD_COMMANDS}`);
  if (result.createTime !== undefined && result.finishTime !== undefined)
    lines.push(`  took ${seconds(result.finishTime - result.createTime)} from creation to end`);
  lines.push(...formatWhatRuns(result.whatRuns, result.reportedOutcome));
  return lines.join('\n');
}
