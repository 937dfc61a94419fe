import { eventsOf, summarizeDeployment } from '../../experiment/read-record';
import type { EventOf, RehearsalEvent } from '../../experiment/rehearsal-event';

/** What the drill's verdict reads from its record: detection and rollback times and what decided. */
export interface DrillFigures {
  /** Seconds from the push, and from green tasks running (the model's origin), to detection. */
  readonly detection?: { readonly fromPushSeconds?: number; readonly fromGreenSeconds?: number };
  readonly rollbackDoneFromPushSeconds?: number;
  /** What stopped the deployment: the model's signal when CodeDeploy's error names one, else its words. */
  readonly decidedBy: string;
}

const seconds = (ms: number): number => Math.round(ms / 1000);

/** The drill's figures as functions of its record (the person's steps and AWS's events, mapped). */
export function drillFigures(events: readonly RehearsalEvent[]): DrillFigures {
  const summary = summarizeDeployment(events);
  const pushAt = eventsOf(events, 'drill').find(
    (e) => e.action === 'pushed' || e.action === 'waiting-for-push',
  )?.atMs;
  const fromPush = (ms: number | undefined): number | undefined =>
    ms === undefined || pushAt === undefined ? undefined : seconds(ms - pushAt);
  const { detectedAtMs, greenRunningAtMs, rolledBackAtMs } = summary;
  // A person's stop is no detection: nothing the model times noticed the release.
  const detection =
    detectedAtMs === undefined || stoppedByHand(events)
      ? undefined
      : {
          ...(fromPush(detectedAtMs) !== undefined && { fromPushSeconds: fromPush(detectedAtMs)! }),
          ...(greenRunningAtMs !== undefined && {
            fromGreenSeconds: seconds(detectedAtMs - greenRunningAtMs),
          }),
        };
  const rollbackDone = fromPush(rolledBackAtMs);
  return {
    ...(detection && { detection }),
    ...(rollbackDone !== undefined && { rollbackDoneFromPushSeconds: rollbackDone }),
    decidedBy: decidedBy(events),
  };
}

/**
 * The drill's record: the person's steps and AWS's events in time order. A hold the drill ended is named by
 * the drill; the watch can only name the call (`stop-call`), so its own end of the hold is left out.
 */
export function drillRecord(
  own: readonly RehearsalEvent[],
  watched: readonly RehearsalEvent[],
): RehearsalEvent[] {
  const ownHoldEnd = own.some((e) => e.type === 'hold-released');
  const fromAws = watched.filter((e) => !(ownHoldEnd && e.type === 'hold-released'));
  return [...own, ...fromAws].sort((a, b) => a.atMs - b.atMs);
}

/** The person's stop, when it came before any stop the controller reports (which is then the same stop). */
function stoppedByHand(events: readonly RehearsalEvent[]): EventOf<'stopped-by-hand'> | undefined {
  const stop = eventsOf(events, 'stop')[0];
  const byHand = eventsOf(events, 'stopped-by-hand')[0];
  return byHand && (!stop || stop.atMs >= byHand.atMs) ? byHand : undefined;
}

function decidedBy(events: readonly RehearsalEvent[]): string {
  const stop = eventsOf(events, 'stop')[0];
  const byHand = stoppedByHand(events);
  if (byHand) return `a person: ${byHand.command}${byHand.detail ? ` (${byHand.detail})` : ''}`;
  if (stop) return stop.signal ?? `${stop.code ?? stop.trigger}: ${stop.detail}`;
  const outcome = eventsOf(events, 'outcome').at(-1)?.outcome;
  if (outcome === 'succeeded') return 'none (every step passed)';
  return eventsOf(events, 'rollback').find((e) => e.status === 'started')?.detail ?? outcome ?? 'unknown';
}
