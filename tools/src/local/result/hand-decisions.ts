/**
 * What a person (or the gate's time-out) decided in a rehearsal, read from its record: the hold before
 * production traffic and how it ended, and a stop by hand. The rehearsal model predicts neither.
 */
import { eventsOf } from '../../experiment/read-record';
import type {
  HandCommand,
  HoldEnd,
  HoldTimeoutAction,
  RehearsalEvent,
} from '../../experiment/rehearsal-event';

/** The gate's hold as the record tells it, in rehearsal milliseconds. */
export interface HoldSummary {
  readonly heldAtMs: number;
  /** The hold's time-out, in AWS seconds. */
  readonly waitSeconds: number;
  readonly onTimeout: HoldTimeoutAction;
  /** When and how it ended: a person's `continue` or `rollback`, its time-out, or another stop (`stop-call`). */
  readonly endedAtMs?: number;
  readonly endedBy?: HoldEnd;
  readonly detail?: string;
}

/** A stop a person's command made, written down by that command. */
export interface HandStop {
  readonly atMs: number;
  readonly command: HandCommand;
  readonly detail?: string;
}

/** The hold, when the deployment held at the gate. */
export function holdOf(events: readonly RehearsalEvent[]): HoldSummary | undefined {
  const held = eventsOf(events, 'held')[0];
  if (held === undefined) return undefined;
  const ended = eventsOf(events, 'hold-released')[0];
  return {
    heldAtMs: held.atMs,
    waitSeconds: held.waitSeconds,
    onTimeout: held.onTimeout,
    ...(ended && { endedAtMs: ended.atMs, endedBy: ended.by }),
    ...(ended?.detail !== undefined && { detail: ended.detail }),
  };
}

/** The stop by hand, when a person's command stopped the deployment before anything else did. */
export function handStopOf(events: readonly RehearsalEvent[]): HandStop | undefined {
  const byHand = eventsOf(events, 'stopped-by-hand')[0];
  const stop = eventsOf(events, 'stop')[0];
  if (byHand === undefined || (stop !== undefined && stop.trigger !== 'stop-call')) return undefined;
  return {
    atMs: byHand.atMs,
    command: byHand.command,
    ...(byHand.detail !== undefined && { detail: byHand.detail }),
  };
}

/**
 * Why the model's expectation does not apply to this rehearsal, or undefined when it does: a person
 * stopped the deployment, or the gate's hold timed out with rollback, before any signal the model knows.
 */
export function outsideModel(events: readonly RehearsalEvent[]): string | undefined {
  const byHand = handStopOf(events);
  if (byHand)
    return `a person stopped the deployment (${byHand.command} --local), which the model does not predict`;
  const stop = eventsOf(events, 'stop')[0];
  if (stop?.trigger === 'hold-timeout')
    return "nobody ended the gate's hold and its time-out rolled back, which the model does not predict";
  return undefined;
}

/** The hold in one line: when, its time-out, and who ended it. */
export function describeHold(hold: HoldSummary): string {
  const at = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const ended =
    hold.endedAtMs === undefined
      ? 'never ended'
      : `ended at ${at(hold.endedAtMs)} by ${HOLD_END[hold.endedBy!]}${hold.detail ? ` (${hold.detail})` : ''}`;
  return `held at ${at(hold.heldAtMs)} (time-out ${hold.waitSeconds} s AWS, then ${hold.onTimeout}); ${ended}`;
}

const HOLD_END: Record<HoldEnd, string> = {
  continue: 'a person: continue',
  rollback: 'a person: rollback',
  timeout: 'its time-out',
  'stop-call': 'the deployment stopping',
};
