/**
 * A native ECS service deployment, as the watch saw it, mapped once into the rehearsal record: the same
 * event types as a CodeDeploy one (`deployment-events.ts`), with each lifecycle stage ECS went through
 * under its own name.
 */
import type { DecidingSignal } from '../../../../core/model/signal-paths';
import { greenStartedAt } from '../../aws/native-stages';
import {
  AWAITING_ACTION,
  PAUSE,
  type NativeSignal,
  type NativeWatchEvent,
  type NativeWatchResult,
  type RevisionView,
} from '../../aws/watch-native';
import type { HoldEnd, RehearsalEvent, StopTrigger } from '../../experiment/rehearsal-event';
import { onDrillTimeline, type Timed } from './deployment-events';

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
  if ((result.reportedOutcome ?? result.outcome) !== 'rolled-back') return undefined;
  return result.finishTime ?? result.events.filter((e) => e.type === 'status').at(-1)?.at;
}

/**
 * What told ECS to stop, as the record's stop trigger. A hook's failure is the test-traffic hook; a stop by
 * StopServiceDeployment may be the stopped-task guard's call or a person's `rollback`, which look the same,
 * so the call is named and its caller is not, as for CodeDeploy's MANUAL_STOP.
 */
const TRIGGERS: Record<Exclude<NativeSignal, 'none'>, { trigger: StopTrigger; signal?: DecidingSignal }> = {
  alarm: { trigger: 'alarm' },
  hook: { trigger: 'hook', signal: 'test-traffic hook' },
  'circuit-breaker': { trigger: 'other' },
  stop: { trigger: 'stop-call' },
};

/** The pause hook ends by ContinueServiceDeployment CONTINUE, its time-out, or a stop of unknown caller. */
const HOLD_ENDS: Readonly<Record<string, HoldEnd>> = {
  SUCCEEDED: 'continue',
  TIMED_OUT: 'timeout',
  FAILED: 'stop-call',
};

/** The gate's pause hook as the record's hold and its end. */
function holdEntries(e: Extract<NativeWatchEvent, { type: 'hook' }>): Timed[] {
  if (e.status === AWAITING_ACTION)
    return [
      {
        at: e.at,
        type: 'held',
        waitSeconds: e.expiresAt === undefined ? 0 : Math.round((e.expiresAt - e.at) / 1000),
        onTimeout: e.timeoutAction === 'CONTINUE' ? 'continue' : 'rollback',
        deploymentId: e.deploymentArn,
      },
    ];
  const by = HOLD_ENDS[e.status];
  return by === undefined
    ? []
    : [{ at: e.at, type: 'hold-released', by, detail: `${e.status} at ${e.stage}` }];
}

function eventEntries(e: NativeWatchEvent, seen: { production: boolean; test: boolean }): Timed[] {
  switch (e.type) {
    case 'stage':
      return [{ at: e.at, type: 'lifecycle', step: e.stage, status: 'started' }];
    case 'hook':
      if (e.targetType === PAUSE) return holdEntries(e);
      return HOOK_ENDED.has(e.status)
        ? [{ at: e.at, type: 'hook', ok: e.status === 'SUCCEEDED', reason: `${e.status} at ${e.stage}` }]
        : [];
    case 'alarm':
      return e.alarmNames.map((alarm) => ({ at: e.at, type: 'alarm', alarm, state: 'ALARM' }));
    case 'rollback':
      return [{ at: e.at, type: 'rollback', status: 'started', detail: e.reason }];
    case 'traffic': {
      const g = green(e.revisions);
      const entries: Timed[] = [];
      if (g && g.testWeight > 0 && !seen.test) {
        seen.test = true;
        entries.push({ at: e.at, type: 'traffic', listener: 'test', greenPercent: g.testWeight });
      }
      if (g && g.productionWeight > 0 && !seen.production) {
        seen.production = true;
        entries.push({ at: e.at, type: 'traffic', listener: 'production', greenPercent: g.productionWeight });
      }
      return entries;
    }
    default:
      return [];
  }
}

function stopEvent(result: NativeWatchResult): Timed | undefined {
  const at = nativeDetectionTime(result);
  const { decision } = result;
  if (at === undefined) return undefined;
  const { trigger, signal } =
    decision.signal === 'none' ? { trigger: 'other' as const } : TRIGGERS[decision.signal];
  return { at, type: 'stop', trigger, ...(signal && { signal }), detail: decision.detail };
}

/** What the watch saw, as rehearsal events: milliseconds since `startedAt`, in time order. */
export function nativeDeploymentEvents(result: NativeWatchResult, startedAt: number): RehearsalEvent[] {
  const entries: (Timed | undefined)[] = [];
  if (result.createTime !== undefined)
    entries.push({
      at: result.createTime,
      type: 'deployment',
      status: 'Created',
      deploymentId: result.deploymentArn,
    });
  const greenAt = nativeGreenRunningTime(result);
  if (greenAt !== undefined) entries.push({ at: greenAt, type: 'green-running', basis: 'tasks-running' });
  const seen = { production: false, test: false };
  for (const e of result.events) entries.push(...eventEntries(e, seen));
  entries.push(stopEvent(result));
  const rolledBackAt = nativeRollbackDoneTime(result);
  if (rolledBackAt !== undefined)
    entries.push({ at: rolledBackAt, type: 'rollback', status: 'done', detail: result.status });
  const endAt = result.finishTime ?? result.events.filter((e) => e.type === 'status').at(-1)?.at;
  if (endAt !== undefined && result.outcome !== 'interrupted')
    entries.push({ at: endAt, type: 'outcome', outcome: result.outcome });
  return onDrillTimeline(entries, startedAt);
}
