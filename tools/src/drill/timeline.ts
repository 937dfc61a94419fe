import type { WatchEvent, WatchResult } from '../aws/watch-deployment';

/** One moment of the rehearsal, in clock time (epoch ms). */
export interface TimelineEntry {
  at: number;
  label: string;
  detail?: string;
}

const TEST_TRAFFIC = 'AllowTestTraffic';
const TEST_HOOK = 'AfterAllowTestTraffic';

function allEvents(result: WatchResult): WatchEvent[] {
  return [...result.events, ...(result.rollback ? allEvents(result.rollback) : [])];
}

/** The moments the experiment journal names, taken from what the watcher saw. */
export function deploymentTimeline(result: WatchResult): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const events = allEvents(result);
  const own = result.events;
  if (result.createTime !== undefined)
    entries.push({ at: result.createTime, label: 'deployment created', detail: result.deploymentId });

  const greenAt = greenRunningTime(result);
  if (greenAt !== undefined) entries.push({ at: greenAt, label: 'green tasks running' });

  for (const e of own) {
    if (e.type !== 'lifecycle' || e.status === 'InProgress') continue;
    if (e.name === TEST_TRAFFIC) entries.push({ at: e.at, label: 'test traffic', detail: e.status });
    if (e.name === TEST_HOOK)
      entries.push({
        at: e.at,
        label: 'hook result',
        detail: `${e.status}${e.diagnostics ? `: ${e.diagnostics}` : ''}`,
      });
  }
  const shifted = own.find(
    (e) => e.type === 'traffic' && e.taskSets.some((s) => s.label === 'Green' && s.trafficWeight > 0),
  );
  if (shifted) entries.push({ at: shifted.at, label: 'production traffic on green' });

  const stop = own.find((e) => e.type === 'error');
  if (stop?.type === 'error') {
    entries.push({
      at: stop.at,
      label: stop.code === 'ALARM_ACTIVE' ? 'alarm' : 'deployment stopped',
      detail: `${stop.code}: ${stop.message}`,
    });
  }
  const rollback = own.find((e) => e.type === 'rollback');
  if (rollback?.type === 'rollback')
    entries.push({
      at: rollback.at,
      label: 'rollback started',
      detail: rollback.rollbackDeploymentId ?? rollback.message,
    });

  const end = events.filter((e) => e.type === 'status').at(-1);
  if (result.outcome === 'rolled-back' || result.outcome === 'rollback-failed') {
    const doneAt = result.rollback?.completeTime ?? result.completeTime ?? end?.at;
    if (doneAt !== undefined)
      entries.push({ at: doneAt, label: 'rollback done', detail: result.rollback?.status ?? result.status });
  } else if (result.completeTime !== undefined || end) {
    entries.push({ at: result.completeTime ?? end!.at, label: 'deployment ended', detail: result.status });
  }
  return entries.sort((a, b) => a.at - b.at);
}

/**
 * When the green task set was up: the end of the Install event (CodeDeploy creates the replacement task set
 * and waits for it there), or else the first poll that saw every green task running.
 */
export function greenRunningTime(result: WatchResult): number | undefined {
  const install = result.events.find(
    (e) => e.type === 'lifecycle' && e.name === 'Install' && e.status === 'Succeeded',
  );
  if (install?.type === 'lifecycle' && install.endTime !== undefined) return install.endTime;
  return result.events.find(
    (e) =>
      e.type === 'traffic' &&
      e.taskSets.some((s) => s.label === 'Green' && s.desired > 0 && s.running >= s.desired),
  )?.at;
}

/** When the release was found bad: the first failed lifecycle event or the error that stopped it. */
export function detectionTime(result: WatchResult): number | undefined {
  const times = result.events
    .filter((e) => e.type === 'error' || (e.type === 'lifecycle' && e.status === 'Failed'))
    .map((e) => e.at);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** When production was back on the old version: the end of the rollback. */
export function rollbackDoneTime(result: WatchResult): number | undefined {
  if (result.outcome !== 'rolled-back') return undefined;
  return (
    result.rollback?.completeTime ??
    result.completeTime ??
    result.events.filter((e) => e.type === 'status').at(-1)?.at
  );
}
