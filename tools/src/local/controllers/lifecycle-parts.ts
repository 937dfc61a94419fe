/**
 * What the two local controllers (CodeDeploy's lifecycle and native ECS blue/green's stages) share: why a
 * deployment stopped, how a stop interrupts the step in progress, the traffic moves as the record keeps
 * them, the rollback, and the outcome read back from the record.
 */
import type { ShiftStep } from '../../../../contract/deployment-configs';
import type { DecidingSignal } from '../../../../core/model/signal-paths';
import type { ProbeResult } from '../../../../core/probe/release-probe';
import { summarizeDeployment, type DeploymentSummary } from '../../experiment/read-record';
import type { StopTrigger } from '../../experiment/rehearsal-event';
import type { RehearsalRecord } from '../../experiment/rehearsal-record';
import { Aborted, sleep, waitUntil, type Clock } from '../clock';
import type { GroupName } from '../cloudwatch/lb-metrics';
import type { Weights } from '../elb/load-balancer';

export type { StopTrigger } from '../../experiment/rehearsal-event';

/** Passed as the abort reason when an alarm, the guard or the watcher stops the deployment. */
export interface StopReason {
  readonly trigger: StopTrigger;
  /** The signal that stopped it, in the rehearsal model's words; none for a timeout or an interrupt. */
  readonly signal?: DecidingSignal;
  readonly detail: string;
  /** A person's command stopped it (`rollback --local`), which wrote that down. */
  readonly byHand?: boolean;
}

/** The deployment as the record tells it, with the hook's full answer. */
export interface DeploymentOutcome extends DeploymentSummary {
  /** `refused`: the native start check never let it start (no step ran). */
  readonly outcome: 'succeeded' | 'rolled-back' | 'refused';
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly hook?: ProbeResult;
}

/** One hold of the gate in progress, as a lifecycle sees it (see `hold-gate.ts`). */
export interface Hold {
  /** Resolves when the hold lets production traffic move: `continue`, or a time-out whose action is continue. */
  readonly released: Promise<void>;
  /** Ends the hold because the deployment stopped (an alarm, the hook, a person's rollback): writes why. */
  end(reason: StopReason): void;
}

/** What either controller drives: the listeners, the two task sets and the readiness of green. */
export interface ControllerDeps {
  readonly clock: Clock;
  /** Where every step, traffic move, hook verdict and stop goes; the outcome is read back from it. */
  readonly record: RehearsalRecord;
  readonly routing: { setProduction(weights: Weights): void; setTest(group: GroupName): void };
  readonly green: { start(): Promise<void>; stop(): Promise<void> };
  readonly blue: { stop(): Promise<void> };
  /** Whether every desired green task is healthy in the green target group. */
  readonly greenReady: () => boolean;
  readonly readyWaitMs: number;
  readonly readyPollMs: number;
  /** Aborted (with a {@link StopReason}) when an alarm, the guard or the watcher stops the deployment. */
  readonly signal: AbortSignal;
  /** The gate, when the rehearsal has one: a hold before production traffic moves. @default none */
  readonly gate?: { hold(): Hold };
}

/** The record's summary of a deployment that ended; throws when the record holds no outcome. */
export function deploymentOutcome(summary: DeploymentSummary, hook?: ProbeResult): DeploymentOutcome {
  const { outcome, startedAtMs, finishedAtMs } = summary;
  const ended = outcome === 'succeeded' || outcome === 'rolled-back' || outcome === 'refused';
  if (!ended || startedAtMs === undefined)
    throw new Error(`the record holds no finished local deployment (outcome ${outcome ?? 'none'})`);
  return {
    ...summary,
    outcome,
    startedAtMs,
    finishedAtMs: finishedAtMs ?? startedAtMs,
    ...(hook && { hook }),
  };
}

/** A stop from inside the lifecycle (a failed hook, green never ready), carried like an abort's reason. */
export class Stop extends Error {
  constructor(readonly reason: StopReason) {
    super(reason.detail);
  }
}

function asStop(error: unknown): Stop {
  if (error instanceof Stop) return error;
  if (error instanceof Aborted) return new Stop(error.reason as StopReason);
  throw error;
}

/** Resolves with the promise, or rejects with {@link Aborted} as soon as the signal aborts. */
export function raced<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Aborted(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Aborted(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Moves the listeners and writes each move to the record. */
export function trafficMoves(deps: Pick<ControllerDeps, 'record' | 'routing'>) {
  const { record, routing } = deps;
  return {
    production(greenPercent: number): void {
      routing.setProduction({ blue: 100 - greenPercent, green: greenPercent });
      record.add({ type: 'traffic', listener: 'production', greenPercent });
    },
    test(group: GroupName): void {
      routing.setTest(group);
      record.add({ type: 'traffic', listener: 'test', greenPercent: group === 'green' ? 100 : 0 });
    },
  };
}

/** Writes the start of a step (CodeDeploy's lifecycle event, or ECS's stage) to the record. */
export function stepStarted(record: RehearsalRecord, step: string, detail?: string): void {
  record.add({ type: 'lifecycle', step, status: 'started', ...(detail !== undefined && { detail }) });
}

/** Moves production traffic to green step by step, waiting each step's wait; a stop ends it. */
export async function shiftProduction(deps: ControllerDeps, steps: readonly ShiftStep[]): Promise<void> {
  const move = trafficMoves(deps);
  for (const step of steps) {
    move.production(step.percent);
    if (step.waitMs > 0) await pause(deps, step.waitMs);
  }
}

/**
 * Starts green and waits, polling, until every desired task is healthy; a stop ends the wait, and green
 * never getting ready within the (local, capped) wait stops the deployment.
 */
export async function startGreen(deps: ControllerDeps, controllerWait: string): Promise<void> {
  await raced(deps.green.start(), deps.signal);
  const ready = await waitUntil(deps.clock, deps.greenReady, {
    everyMs: deps.readyPollMs,
    limitMs: deps.readyWaitMs,
    signal: deps.signal,
  });
  if (!ready) {
    throw new Stop({
      trigger: 'ready-timeout',
      detail: `green did not become healthy within the local cap of ${Math.round(deps.readyWaitMs / 1000)} s (${controllerWait})`,
    });
  }
}

/**
 * Runs the controller's steps; when they throw a stop (an abort, a failed hook, green never ready), records
 * it and rolls back: production and test traffic return to blue and green is stopped. Either way the record
 * ends with the outcome, which is what the result is read from.
 */
export async function withRollback(
  deps: ControllerDeps,
  steps: () => Promise<void>,
  hook: () => ProbeResult | undefined,
): Promise<DeploymentOutcome> {
  const { record } = deps;
  const move = trafficMoves(deps);
  try {
    await steps();
    record.add({ type: 'outcome', outcome: 'succeeded' });
  } catch (error) {
    const { reason } = asStop(error);
    record.add({
      type: 'stop',
      trigger: reason.trigger,
      ...(reason.signal && { signal: reason.signal }),
      detail: reason.detail,
    });
    move.production(0);
    move.test('blue');
    await deps.green.stop();
    record.add({ type: 'rollback', status: 'done', detail: 'green stopped, blue serving' });
    record.add({ type: 'outcome', outcome: 'rolled-back' });
  }
  return deploymentOutcome(summarizeDeployment(record.events), hook());
}

/**
 * Runs `during` (the test-traffic hook) inside the gate's hold, when there is a gate: production traffic
 * may move only once `during` passed and the hold let it go on. A stop while either runs ends the hold.
 */
export async function heldWhile(deps: ControllerDeps, during: () => Promise<void>): Promise<void> {
  const hold = deps.gate?.hold();
  if (!hold) return during();
  try {
    await during();
    await raced(hold.released, deps.signal);
  } catch (error) {
    hold.end(
      error instanceof Stop || error instanceof Aborted
        ? asStop(error).reason
        : { trigger: 'other', detail: String(error) },
    );
    throw error;
  }
}

/** Sleeps on the rehearsal clock; a stop ends it with {@link Aborted}. */
export const pause = (deps: Pick<ControllerDeps, 'clock' | 'signal'>, ms: number): Promise<void> =>
  sleep(deps.clock, ms, deps.signal);
