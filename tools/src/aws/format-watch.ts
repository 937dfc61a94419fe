import { HELD_STATUS, type TaskSetView, type WatchEvent, type WatchResult } from './watch-deployment';
import { formatWhatRuns } from './what-runs/confirm-release';

/** HH:MM:SS in UTC, the clock CodeDeploy's console and CloudWatch show by default. */
export const clockTime = (epochMs: number): string => new Date(epochMs).toISOString().slice(11, 19);

const seconds = (ms: number): string => `${Math.round(ms / 1000)}s`;

/** The two commands that end a hold, as a person types them. */
export const HOLD_COMMANDS =
  'go on: npm run rehearse -- continue; take it back: npm run rehearse -- rollback';

/** When a hold ends on its own, as seen at `at`: the clock time and the minutes left. */
export function holdExpiry(expiresAt: number | undefined, at: number, action: string): string {
  if (expiresAt === undefined) return 'no time-out known';
  const left = Math.max(0, Math.round((expiresAt - at) / 60_000));
  return `${action} at ${clockTime(expiresAt)} UTC (in ${left} min)`;
}

export function formatTaskSets(taskSets: readonly TaskSetView[]): string {
  return taskSets
    .map(
      (set) =>
        `${set.label} ${set.trafficWeight}% (${set.running}/${set.desired} running${set.pending ? `, ${set.pending} pending` : ''})`,
    )
    .join(', ');
}

/** One line per event, prefixed with its time and the deployment it belongs to. */
export function formatWatchEvent(event: WatchEvent): string {
  const head = `${clockTime(event.at)}  ${event.deploymentId}  `;
  switch (event.type) {
    case 'status':
      return `${head}status ${event.status}`;
    case 'lifecycle': {
      const took =
        event.startTime !== undefined && event.endTime !== undefined
          ? ` in ${seconds(event.endTime - event.startTime)}`
          : '';
      return `${head}${event.name} ${event.status}${took}${event.diagnostics ? `: ${event.diagnostics}` : ''}`;
    }
    case 'traffic':
      return `${head}traffic ${formatTaskSets(event.taskSets)}`;
    case 'held':
      return `${head}held before production traffic: ${holdExpiry(event.expiresAt, event.at, 'CodeDeploy stops it')} unless ended; ${HOLD_COMMANDS}`;
    case 'error':
      return `${head}stopped by ${event.code}: ${event.message}`;
    case 'rollback':
      return `${head}rollback${event.rollbackDeploymentId ? ` by deployment ${event.rollbackDeploymentId}` : ''}${event.message ? `: ${event.message}` : ''}`;
  }
}

/** How each outcome reads in a closing line. */
export const OUTCOME_TEXT: Record<WatchResult['outcome'], string> = {
  succeeded: 'succeeded',
  'rolled-back': 'failed and was rolled back',
  failed: 'failed (no rollback)',
  stopped: 'was stopped (no rollback)',
  'rollback-failed': 'failed and its rollback failed too',
  interrupted: 'is still running (watch interrupted)',
  mismatch: 'ended, but the service does not run what its controller reported',
};

/** The closing lines: outcome, what stopped it, how long it took. */
export function formatWatchSummary(result: WatchResult): string {
  const lines = [
    `Deployment ${result.deploymentId} ${OUTCOME_TEXT[result.outcome]} (status ${result.status}).`,
  ];
  if (result.outcome === 'interrupted' && result.status === HELD_STATUS)
    lines.push(`  held before production traffic; ${HOLD_COMMANDS}`);
  if (result.error) lines.push(`  stopped by ${result.error.code}: ${result.error.message}`);
  if (result.rollbackMessage) lines.push(`  rollback: ${result.rollbackMessage}`);
  if (result.createTime !== undefined && result.completeTime !== undefined) {
    lines.push(`  took ${seconds(result.completeTime - result.createTime)} from creation to end`);
  }
  if (result.rollback) {
    lines.push(`  rollback deployment ${result.rollback.deploymentId}: ${result.rollback.status}`);
  }
  lines.push(...formatWhatRuns(result.whatRuns, result.reportedOutcome));
  return lines.join('\n');
}
