/**
 * The experiment journal's moments of a native ECS service deployment, in the same labels as a CodeDeploy
 * one (`timeline.ts`), plus each lifecycle stage ECS went through under its own name.
 */
import { greenStartedAt } from '../aws/native-stages';
import type { NativeWatchEvent, NativeWatchResult, RevisionView } from '../aws/watch-native';
import type { TimelineEntry } from './timeline';

const green = (revisions: readonly RevisionView[]): RevisionView | undefined =>
  revisions.find((r) => r.role === 'green');

const HOOK_ENDED = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT']);

/** Statuses that say ECS was told to stop or roll back (ECS Developer Guide, "Stopping Amazon ECS service deployments"). */
const STOP_STATUSES = new Set(['STOP_REQUESTED', 'ROLLBACK_REQUESTED']);

/**
 * When green was up: the first poll that saw every green task running, or ECS past SCALE_UP (its
 * POST_SCALE_UP stage means "the green service revision has started"), whichever came first.
 */
export function nativeGreenRunningTime(result: NativeWatchResult): number | undefined {
  const times = result.events.flatMap((e) => {
    if (e.type === 'stage' && greenStartedAt(e.stage)) return [e.at];
    const g = e.type === 'traffic' ? green(e.revisions) : undefined;
    return g && g.requested > 0 && g.running >= g.requested ? [e.at] : [];
  });
  return times.length > 0 ? Math.min(...times) : undefined;
}

/**
 * When the release was found bad: what decided it (alarm, failed hook, circuit breaker, a stop), or the
 * rollback ECS timestamps itself, whichever is earlier.
 */
export function nativeDetectionTime(result: NativeWatchResult): number | undefined {
  const times = result.events
    .filter((e) => e.type === 'rollback' || (e.type === 'status' && STOP_STATUSES.has(e.status)))
    .map((e) => e.at);
  if (result.decision.at !== undefined) times.push(result.decision.at);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** When production was back on the old version: the end of a deployment ECS rolled back. */
export function nativeRollbackDoneTime(result: NativeWatchResult): number | undefined {
  if (result.outcome !== 'rolled-back') return undefined;
  return result.finishTime ?? result.events.filter((e) => e.type === 'status').at(-1)?.at;
}

function eventEntries(e: NativeWatchEvent, seen: { production: boolean; test: boolean }): TimelineEntry[] {
  switch (e.type) {
    case 'stage':
      return [{ at: e.at, label: 'stage', detail: e.stage }];
    case 'hook':
      return HOOK_ENDED.has(e.status)
        ? [{ at: e.at, label: 'hook result', detail: `${e.status} at ${e.stage}` }]
        : [];
    case 'alarm':
      return [{ at: e.at, label: 'alarm', detail: e.alarmNames.join(', ') }];
    case 'rollback':
      return [{ at: e.at, label: 'rollback started', detail: e.reason }];
    case 'traffic': {
      const g = green(e.revisions);
      const entries: TimelineEntry[] = [];
      if (g && g.testWeight > 0 && !seen.test) {
        seen.test = true;
        entries.push({ at: e.at, label: 'test traffic', detail: `green ${g.testWeight}%` });
      }
      if (g && g.productionWeight > 0 && !seen.production) {
        seen.production = true;
        entries.push({ at: e.at, label: 'production traffic on green', detail: `${g.productionWeight}%` });
      }
      return entries;
    }
    default:
      return [];
  }
}

/** The moments the experiment journal names, taken from what the watch saw. */
export function nativeTimeline(result: NativeWatchResult): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  if (result.createTime !== undefined)
    entries.push({ at: result.createTime, label: 'deployment created', detail: result.deploymentArn });
  const greenAt = nativeGreenRunningTime(result);
  if (greenAt !== undefined) entries.push({ at: greenAt, label: 'green tasks running' });
  const seen = { production: false, test: false };
  for (const e of result.events) entries.push(...eventEntries(e, seen));
  const { decision } = result;
  if ((decision.signal === 'stop' || decision.signal === 'circuit-breaker') && decision.at !== undefined)
    entries.push({ at: decision.at, label: 'deployment stopped', detail: decision.detail });
  const endAt = result.finishTime ?? result.events.filter((e) => e.type === 'status').at(-1)?.at;
  if (endAt !== undefined && result.outcome !== 'interrupted') {
    const rolledBack = result.outcome === 'rolled-back' || result.outcome === 'rollback-failed';
    entries.push({
      at: endAt,
      label: rolledBack ? 'rollback done' : 'deployment ended',
      detail: result.status,
    });
  }
  return entries.sort((a, b) => a.at - b.at);
}
