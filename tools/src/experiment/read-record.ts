import type { DecidingSignal } from '../../../core/model/signal-paths';
import { refusalLines } from '../../../core/weights/production-weights';
import type { EventOf, EventType, RecordedOutcome, RehearsalEvent, StopTrigger } from './rehearsal-event';

/** The events of one type, in order. */
export function eventsOf<T extends EventType>(events: readonly RehearsalEvent[], type: T): EventOf<T>[] {
  return events.filter((e): e is EventOf<T> => e.type === type);
}

const firstOf = <T extends EventType>(events: readonly RehearsalEvent[], type: T): EventOf<T> | undefined =>
  events.find((e): e is EventOf<T> => e.type === type);

/** The deployment as the record tells it: every time in milliseconds since the rehearsal started. */
export interface DeploymentSummary {
  /** The first lifecycle step, or CodeDeploy creating the deployment. */
  readonly startedAtMs?: number;
  /** Green running: the rehearsal model's time zero. */
  readonly greenRunningAtMs?: number;
  /** The first stop: when the release was found bad. */
  readonly detectedAtMs?: number;
  readonly trigger?: StopTrigger;
  /** The signal that stopped it, in the rehearsal model's words. */
  readonly signal?: DecidingSignal;
  /** Why it stopped, why the start check refused it, or that every step passed. */
  readonly reason: string;
  /** Production back on blue with green gone. */
  readonly rolledBackAtMs?: number;
  readonly outcome?: RecordedOutcome;
  readonly finishedAtMs?: number;
  /** The lifecycle step in progress when the deployment stopped. */
  readonly stoppedIn?: string;
  /** Production traffic reached green before the stop (or at all, without one). */
  readonly productionShifted: boolean;
}

/**
 * When green counts as running: the first moment a green task listened or crashed (on AWS: CodeDeploy's
 * Install ending, or a poll seeing every green task running), else the first registration of a task that
 * never listened.
 */
export function greenRunningAtMs(events: readonly RehearsalEvent[]): number | undefined {
  const running = eventsOf(events, 'green-running');
  return (running.find((e) => e.basis !== 'registered') ?? running[0])?.atMs;
}

/** The verdict's facts, read from the typed events alone. */
export function summarizeDeployment(events: readonly RehearsalEvent[]): DeploymentSummary {
  const lifecycle = eventsOf(events, 'lifecycle');
  const refusal = eventsOf(events, 'start-check').find((e) => !e.ok);
  const startedAtMs = lifecycle[0]?.atMs ?? firstOf(events, 'deployment')?.atMs ?? refusal?.atMs;
  const stop = firstOf(events, 'stop');
  const before = (e: RehearsalEvent): boolean => stop === undefined || e.atMs <= stop.atMs;
  const stoppedIn = stop && lifecycle.filter((e) => e.status === 'started' && before(e)).at(-1)?.step;
  // A refused deployment moved nothing, whatever the rule pointed at before it.
  const shifted =
    !refusal &&
    eventsOf(events, 'traffic').some((e) => e.listener === 'production' && e.greenPercent > 0 && before(e));
  const outcome = eventsOf(events, 'outcome').at(-1);
  const rolledBack = eventsOf(events, 'rollback').find((e) => e.status === 'done');
  const green = greenRunningAtMs(events);
  return {
    ...(startedAtMs !== undefined && { startedAtMs }),
    ...(green !== undefined && { greenRunningAtMs: green }),
    ...(stop && { detectedAtMs: stop.atMs, trigger: stop.trigger }),
    ...(stop?.signal && { signal: stop.signal }),
    reason: stop?.detail ?? (refusal ? refusalLines(refusal)[0]! : 'every step passed'),
    ...(rolledBack && { rolledBackAtMs: rolledBack.atMs }),
    ...(outcome && { outcome: outcome.outcome, finishedAtMs: outcome.atMs }),
    ...(stoppedIn !== undefined && { stoppedIn }),
    productionShifted: shifted,
  };
}

/** The share of production traffic on green from each change, starting at none. */
export function productionTraffic(events: readonly RehearsalEvent[]): { atMs: number; green: number }[] {
  const steps = [{ atMs: 0, green: 0 }];
  for (const e of eventsOf(events, 'traffic')) {
    if (e.listener === 'production' && steps.at(-1)!.green !== e.greenPercent)
      steps.push({ atMs: e.atMs, green: e.greenPercent });
  }
  return steps;
}

/** Each alarm's state at the end of the record and the first time it went into ALARM. */
export function alarmHistory(
  events: readonly RehearsalEvent[],
): Map<string, { state: 'OK' | 'ALARM'; firedAtMs?: number }> {
  const history = new Map<string, { state: 'OK' | 'ALARM'; firedAtMs?: number }>();
  for (const e of eventsOf(events, 'alarm')) {
    const firedAtMs = history.get(e.alarm)?.firedAtMs ?? (e.state === 'ALARM' ? e.atMs : undefined);
    history.set(e.alarm, { state: e.state, ...(firedAtMs !== undefined && { firedAtMs }) });
  }
  return history;
}

/** The alarms in ALARM at the end of the record. */
export function alarmsFiring(events: readonly RehearsalEvent[]): string[] {
  return [...alarmHistory(events)].filter(([, h]) => h.state === 'ALARM').map(([name]) => name);
}

/**
 * The phase a live line shows: the outcome once there is one, else a hold or the lifecycle step in progress, else
 * blue serving alone (`steady (blue)`) or still starting.
 */
export function phaseOf(events: readonly RehearsalEvent[]): string {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const e = events[i]!;
    if (e.type === 'outcome') return e.outcome;
    if (e.type === 'stop' || e.type === 'stopped-by-hand') return 'rolling back';
    if (e.type === 'held') return 'held';
    if (e.type === 'lifecycle' && e.status === 'started') return e.step;
  }
  return events.some((e) => e.type === 'traffic' && e.listener === 'production')
    ? 'steady (blue)'
    : 'starting blue';
}
