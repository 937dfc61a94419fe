import type { ProbeResult } from '../../../core/probe/release-probe';
import type { DecidingSignal } from '../../../core/model/signal-paths';
import { summarizeDeployment, type DeploymentSummary } from '../experiment/read-record';
import type { RehearsalRecord } from '../experiment/rehearsal-record';
import type { StopTrigger } from '../experiment/rehearsal-event';
import { Aborted, type Clock, sleep, waitUntil } from './clock';
import type { ShiftStep } from '../../../contract/deployment-configs';
import type { Weights } from './load-balancer';
import type { GroupName } from './lb-metrics';

export type { StopTrigger } from '../experiment/rehearsal-event';

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
  /** Where every step, traffic move, hook verdict and stop goes; the outcome is read back from it. */
  readonly record: RehearsalRecord;
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
  readonly terminationWaitMs: number;
  readonly readyWaitMs: number;
  readonly readyPollMs: number;
  /** Aborted (with a {@link StopReason}) when an alarm goes into ALARM. */
  readonly signal: AbortSignal;
}

/** The deployment as the record tells it, with the hook's full answer. */
export interface DeploymentOutcome extends DeploymentSummary {
  readonly outcome: 'succeeded' | 'rolled-back';
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  readonly hook?: ProbeResult;
}

/** The record's summary of a deployment that ended; throws when the record holds no outcome. */
export function deploymentOutcome(summary: DeploymentSummary, hook?: ProbeResult): DeploymentOutcome {
  const { outcome, startedAtMs, finishedAtMs } = summary;
  if ((outcome !== 'succeeded' && outcome !== 'rolled-back') || startedAtMs === undefined)
    throw new Error(`the record holds no finished local deployment (outcome ${outcome ?? 'none'})`);
  return {
    ...summary,
    outcome,
    startedAtMs,
    finishedAtMs: finishedAtMs ?? startedAtMs,
    ...(hook && { hook }),
  };
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
  const { record, routing, signal, clock } = deps;
  let hook: ProbeResult | undefined;
  const phase = (step: LifecycleStep, detail?: string): void => {
    record.add({ type: 'lifecycle', step, status: 'started', ...(detail !== undefined && { detail }) });
  };
  const production = (greenPercent: number): void => {
    routing.setProduction({ blue: 100 - greenPercent, green: greenPercent });
    record.add({ type: 'traffic', listener: 'production', greenPercent });
  };
  const test = (group: GroupName): void => {
    routing.setTest(group);
    record.add({ type: 'traffic', listener: 'test', greenPercent: group === 'green' ? 100 : 0 });
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
    test('green');
    phase('AfterAllowTestTraffic', 'hook probing the test listener');
    await sleep(clock, deps.hookColdStartMs ?? 0, signal);
    hook = await raced(deps.hook(), signal);
    record.add({ type: 'hook', ok: hook.ok, reason: hook.reason });
    if (!hook.ok)
      throw new Stop({
        trigger: 'hook',
        signal: 'test-traffic hook',
        detail: `AfterAllowTestTraffic hook failed: ${hook.reason}`,
      });
    phase('AllowTraffic', 'shifting production traffic');
    for (const step of deps.steps) {
      production(step.percent);
      if (step.waitMs > 0) await sleep(clock, step.waitMs, signal);
    }
    phase('Bake', 'blue kept for the termination wait');
    await sleep(clock, deps.terminationWaitMs, signal);
    phase('Terminating blue');
    await deps.blue.stop();
    record.add({ type: 'outcome', outcome: 'succeeded' });
  } catch (error) {
    const { reason } = asStop(error);
    record.add({
      type: 'stop',
      trigger: reason.trigger,
      ...(reason.signal && { signal: reason.signal }),
      detail: reason.detail,
    });
    production(0);
    test('blue');
    await deps.green.stop();
    record.add({ type: 'rollback', status: 'done', detail: 'green stopped, blue serving' });
    record.add({ type: 'outcome', outcome: 'rolled-back' });
  }
  return deploymentOutcome(summarizeDeployment(record.events), hook);
}
