import type { DecidingSignal } from '../../../core/model/signal-paths';
import type { ProbeResult } from '../../../core/probe/release-probe';
import { Aborted, type Clock, sleep, waitUntil } from './clock';
import type { ShiftStep } from '../../../contract/deployment-configs';
import type { Weights } from './load-balancer';
import type { GroupName } from './lb-metrics';
import type { Timeline } from '../experiment/timeline';

/**
 * Why a deployment stopped: an alarm, the hook, the stopped-task guard, the target-health watcher, green
 * never getting ready within the (capped) wait, or the person running the rehearsal interrupting it.
 */
export type StopTrigger = 'alarm' | 'hook' | 'guard' | 'watcher' | 'ready-timeout' | 'interrupt';

/** Passed as the abort reason when an alarm or the guard stops the deployment. */
export interface StopReason {
  readonly trigger: StopTrigger;
  /** The signal that stopped it, in the rehearsal model's words; none for a timeout or an interrupt. */
  readonly signal?: DecidingSignal;
  readonly detail: string;
}

/** CodeDeploy's lifecycle steps for ECS, as the local stand-in runs them. */
export type LifecycleStep =
  'Install' | 'AllowTestTraffic' | 'AfterAllowTestTraffic' | 'AllowTraffic' | 'Bake' | 'Terminating blue';

export interface LifecycleDeps {
  readonly clock: Clock;
  readonly timeline: Timeline;
  readonly routing: { setProduction(weights: Weights): void; setTest(group: GroupName): void };
  readonly green: { start(): Promise<void>; stop(): Promise<void> };
  readonly blue: { stop(): Promise<void> };
  /** Whether every desired green task is healthy in the green target group. */
  readonly greenReady: () => boolean;
  /** The AfterAllowTestTraffic hook; resolves with the probe's verdict. */
  readonly hook: () => Promise<ProbeResult>;
  readonly steps: readonly ShiftStep[];
  /** CodeDeploy moves the test listener to green this long after green is ready. @default 0 */
  readonly stepDelayMs?: number;
  /** The hook Lambda starts this long after CodeDeploy invokes it. @default 0 */
  readonly hookColdStartMs?: number;
  /** Called as each step begins. */
  readonly onStep?: (step: LifecycleStep) => void;
  readonly terminationWaitMs: number;
  readonly readyWaitMs: number;
  readonly readyPollMs: number;
  /** Aborted (with a {@link StopReason}) when an alarm goes into ALARM. */
  readonly signal: AbortSignal;
}

export interface DeploymentOutcome {
  readonly outcome: 'succeeded' | 'rolled-back';
  readonly reason: string;
  readonly trigger?: StopTrigger;
  /** Milliseconds since the rehearsal started: deployment start, detection, rollback complete, end. */
  readonly startedAtMs: number;
  readonly detectedAtMs?: number;
  readonly rolledBackAtMs?: number;
  readonly finishedAtMs: number;
  /** Production traffic reached green before the stop (canary or later). */
  readonly productionShifted: boolean;
  /** The signal that stopped it, in the rehearsal model's words. */
  readonly signal?: DecidingSignal;
  /** The lifecycle step in progress when the deployment stopped (e.g. `Install`, `Bake`). */
  readonly stoppedIn?: LifecycleStep;
  readonly hook?: ProbeResult;
}

class Stop extends Error {
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
function raced<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
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

/**
 * CodeDeploy's ECS blue/green lifecycle, in order: install green and wait until it is healthy, allow test
 * traffic, run the AfterAllowTestTraffic hook, shift production traffic step by step, wait the
 * termination period, terminate blue. An alarm (through the signal), a failed hook or green never getting
 * ready stops it and rolls back: production and test traffic return to blue and green is stopped.
 */
export async function runLifecycle(deps: LifecycleDeps): Promise<DeploymentOutcome> {
  const { timeline, routing, signal, clock } = deps;
  const startedAtMs = timeline.elapsed();
  let productionShifted = false;
  let hook: ProbeResult | undefined;
  let step: LifecycleStep = 'Install';
  const phase = (next: LifecycleStep, detail?: string): void => {
    step = next;
    deps.onStep?.(next);
    timeline.add('phase', detail === undefined ? next : `${next}: ${detail}`);
  };
  try {
    phase('Install', 'starting the green task set');
    await raced(deps.green.start(), signal);
    const ready = await waitUntil(clock, deps.greenReady, {
      everyMs: deps.readyPollMs,
      limitMs: deps.readyWaitMs,
      signal,
    });
    if (!ready) {
      throw new Stop({
        trigger: 'ready-timeout',
        detail: `green did not become healthy within the local cap of ${Math.round(deps.readyWaitMs / 1000)} s (CodeDeploy would wait about an hour)`,
      });
    }
    await sleep(clock, deps.stepDelayMs ?? 0, signal);
    phase('AllowTestTraffic', 'test listener to green');
    routing.setTest('green');
    phase('AfterAllowTestTraffic', 'hook probing the test listener');
    await sleep(clock, deps.hookColdStartMs ?? 0, signal);
    hook = await raced(deps.hook(), signal);
    timeline.add('hook', `hook ${hook.ok ? 'Succeeded' : 'Failed'}: ${hook.reason}`);
    if (!hook.ok)
      throw new Stop({
        trigger: 'hook',
        signal: 'test-traffic hook',
        detail: `AfterAllowTestTraffic hook failed: ${hook.reason}`,
      });
    phase('AllowTraffic', 'shifting production traffic');
    for (const step of deps.steps) {
      routing.setProduction({ blue: 100 - step.percent, green: step.percent });
      productionShifted = true;
      timeline.add('traffic', `production: ${step.percent} % green`);
      if (step.waitMs > 0) await sleep(clock, step.waitMs, signal);
    }
    phase('Bake', 'blue kept for the termination wait');
    await sleep(clock, deps.terminationWaitMs, signal);
    phase('Terminating blue');
    await deps.blue.stop();
    const finishedAtMs = timeline.elapsed();
    timeline.add('outcome', 'deployment succeeded');
    return {
      outcome: 'succeeded',
      reason: 'every step passed',
      startedAtMs,
      finishedAtMs,
      productionShifted,
      hook,
    };
  } catch (error) {
    const stop = asStop(error);
    const detectedAtMs = timeline.elapsed();
    timeline.add('rollback', `deployment stopped: ${stop.reason.detail}; rolling back`);
    routing.setProduction({ blue: 100, green: 0 });
    routing.setTest('blue');
    timeline.add('traffic', 'production: 0 % green');
    await deps.green.stop();
    const rolledBackAtMs = timeline.elapsed();
    timeline.add('outcome', 'rolled back: green stopped, blue serving');
    return {
      outcome: 'rolled-back',
      reason: stop.reason.detail,
      trigger: stop.reason.trigger,
      ...(stop.reason.signal && { signal: stop.reason.signal }),
      startedAtMs,
      detectedAtMs,
      rolledBackAtMs,
      finishedAtMs: rolledBackAtMs,
      productionShifted,
      stoppedIn: step,
      hook,
    };
  }
}
