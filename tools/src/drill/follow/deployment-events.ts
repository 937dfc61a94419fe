import type { EventInput, RehearsalEvent, StopTrigger } from '../../experiment/rehearsal-event';
import type { DecidingSignal } from '../../../../core/model/signal-paths';
import type { WatchEvent, WatchResult } from '../../aws/watch-deployment';

const TEST_TRAFFIC = 'AllowTestTraffic';
const TEST_HOOK = 'AfterAllowTestTraffic';

/**
 * CodeDeploy's error codes for a stopped deployment, as the record's stop triggers (CodeDeploy API
 * Reference, "ErrorInformation"): an alarm on the deployment group, a failed lifecycle hook, and
 * StopDeployment, which the stopped-task guard and a person's `rollback` both call with the same code: the
 * call is named, its caller is not.
 */
const TRIGGERS: Record<string, { trigger: StopTrigger; signal?: DecidingSignal }> = {
  ALARM_ACTIVE: { trigger: 'alarm' },
  HOOK_EXECUTION_FAILURE: { trigger: 'hook', signal: 'test-traffic hook' },
  MANUAL_STOP: { trigger: 'stop-call' },
};

const LIFECYCLE_STATUS: Record<string, 'started' | 'succeeded' | 'failed'> = {
  InProgress: 'started',
  Succeeded: 'succeeded',
  Failed: 'failed',
};

type Lifecycle = Extract<WatchEvent, { type: 'lifecycle' }>;

/** One AWS moment, in clock time (epoch ms), before it is placed on the drill's time line. */
export type Timed = EventInput & { readonly at: number };

/** AWS moments placed on the drill's time line: milliseconds since `startedAt`, in time order. */
export function onDrillTimeline(timed: readonly (Timed | undefined)[], startedAt: number): RehearsalEvent[] {
  return timed
    .filter((e): e is Timed => e !== undefined)
    .map(({ at, ...event }) => ({ ...event, atMs: Math.round(at - startedAt) }))
    .sort((a, b) => a.atMs - b.atMs);
}

function lifecycleEvents(e: Lifecycle): Timed[] {
  const status = LIFECYCLE_STATUS[e.status];
  if (status === undefined) return [];
  const at = status === 'started' ? (e.startTime ?? e.at) : (e.endTime ?? e.at);
  const events: Timed[] = [
    { at, type: 'lifecycle', step: e.name, status, ...(e.diagnostics && { detail: e.diagnostics }) },
  ];
  if (e.name === TEST_TRAFFIC && status === 'succeeded')
    events.push({ at, type: 'traffic', listener: 'test', greenPercent: 100 });
  if (e.name === TEST_HOOK && status !== 'started')
    events.push({ at, type: 'hook', ok: status === 'succeeded', reason: e.diagnostics ?? e.status });
  return events;
}

/** The first stop: the error that stopped the deployment or the first failed lifecycle event. */
function stopEvent(result: WatchResult): Timed | undefined {
  const error = result.events.find((e) => e.type === 'error');
  const failed = result.events.find((e): e is Lifecycle => e.type === 'lifecycle' && e.status === 'Failed');
  if (error?.type === 'error' && (failed === undefined || error.at <= failed.at)) {
    const { trigger, signal } = TRIGGERS[error.code] ?? { trigger: 'other' as const };
    return {
      at: error.at,
      type: 'stop',
      trigger,
      ...(signal && { signal }),
      detail: error.message,
      code: error.code,
    };
  }
  if (failed === undefined) return undefined;
  const hook = failed.name === TEST_HOOK;
  return {
    at: failed.at,
    type: 'stop',
    trigger: hook ? 'hook' : 'other',
    ...(hook && { signal: 'test-traffic hook' as const }),
    detail: `${failed.name} failed${failed.diagnostics ? `: ${failed.diagnostics}` : ''}`,
  };
}

/**
 * When the green task set was up: the end of the Install event (CodeDeploy creates the replacement task set
 * and waits for it there), or else the first poll that saw every green task running.
 */
function greenRunning(result: WatchResult): Timed | undefined {
  const install = result.events.find(
    (e): e is Lifecycle => e.type === 'lifecycle' && e.name === 'Install' && e.status === 'Succeeded',
  );
  if (install?.endTime !== undefined)
    return { at: install.endTime, type: 'green-running', basis: 'install-done' };
  const poll = result.events.find(
    (e) =>
      e.type === 'traffic' &&
      e.taskSets.some((s) => s.label === 'Green' && s.desired > 0 && s.running >= s.desired),
  );
  return poll && { at: poll.at, type: 'green-running', basis: 'tasks-running' };
}

/**
 * The gate's hold: status Ready, then the status that ended it. InProgress is ContinueDeployment; Stopped
 * by StopDeployment (MANUAL_STOP) has a caller the watch does not know; any other stop is the wait's end.
 */
function holdEvents(result: WatchResult): Timed[] {
  const index = result.events.findIndex((e) => e.type === 'held');
  const held = result.events[index];
  if (held?.type !== 'held') return [];
  const events: Timed[] = [
    {
      at: held.at,
      type: 'held',
      waitSeconds: (held.waitMinutes ?? 0) * 60,
      onTimeout: 'rollback',
      deploymentId: result.deploymentId,
    },
  ];
  const next = result.events.slice(index + 1).find((e) => e.type === 'status');
  if (next?.type === 'status')
    events.push({
      at: next.at,
      type: 'hold-released',
      by:
        next.status !== 'Stopped'
          ? 'continue'
          : result.error?.code === 'MANUAL_STOP'
            ? 'stop-call'
            : 'timeout',
      detail: `status ${next.status}`,
    });
  return events;
}

function trafficEvents(result: WatchResult): Timed[] {
  const events: Timed[] = [];
  let last = 0;
  for (const e of result.events) {
    if (e.type !== 'traffic') continue;
    const green = e.taskSets.find((s) => s.label === 'Green')?.trafficWeight;
    if (green === undefined || green === last) continue;
    last = green;
    events.push({ at: e.at, type: 'traffic', listener: 'production', greenPercent: green });
  }
  return events;
}

function endEvents(result: WatchResult): Timed[] {
  const statuses = [...result.events, ...(result.rollback?.events ?? [])].filter((e) => e.type === 'status');
  const end = statuses.at(-1)?.at;
  const events: Timed[] = [];
  // A mismatch is read after the deployment ended: the rollback CodeDeploy reported still happened.
  const reported = result.reportedOutcome ?? result.outcome;
  if (reported === 'rolled-back' || reported === 'rollback-failed') {
    const doneAt = result.rollback?.completeTime ?? result.completeTime ?? end;
    if (doneAt !== undefined && reported === 'rolled-back')
      events.push({
        at: doneAt,
        type: 'rollback',
        status: 'done',
        detail: result.rollback?.status ?? result.status,
      });
    if (doneAt !== undefined) events.push({ at: doneAt, type: 'outcome', outcome: result.outcome });
  } else if (result.outcome !== 'interrupted') {
    const endAt = result.completeTime ?? end;
    if (endAt !== undefined) events.push({ at: endAt, type: 'outcome', outcome: result.outcome });
  }
  return events;
}

/**
 * What the watcher saw of a deployment (CodeDeploy's deployment, lifecycle events, task sets' traffic and
 * the rollback), mapped once into the rehearsal record: milliseconds since `startedAt`, in time order.
 */
export function deploymentEvents(result: WatchResult, startedAt: number): RehearsalEvent[] {
  const own = result.events;
  const rollback = own.find((e) => e.type === 'rollback');
  const timed: (Timed | undefined)[] = [
    result.createTime === undefined
      ? undefined
      : { at: result.createTime, type: 'deployment', status: 'Created', deploymentId: result.deploymentId },
    greenRunning(result),
    ...own.flatMap((e) => (e.type === 'lifecycle' ? lifecycleEvents(e) : [])),
    ...trafficEvents(result),
    ...holdEvents(result),
    stopEvent(result),
    rollback?.type === 'rollback'
      ? {
          at: rollback.at,
          type: 'rollback',
          status: 'started',
          detail: rollback.rollbackDeploymentId ?? rollback.message,
        }
      : undefined,
    ...endEvents(result),
  ];
  return onDrillTimeline(timed, startedAt);
}
