import type { ProbeResult } from '../../../../core/probe/release-probe';
import type { ShiftStep } from '../../../../contract/deployment-configs';
import {
  heldWhile,
  pause,
  raced,
  shiftProduction,
  startGreen,
  stepStarted,
  Stop,
  trafficMoves,
  withRollback,
  type ControllerDeps,
  type DeploymentOutcome,
} from './lifecycle-parts';

/** CodeDeploy's lifecycle steps for ECS, as the local stand-in runs them. */
export type LifecycleStep =
  'Install' | 'AllowTestTraffic' | 'AfterAllowTestTraffic' | 'AllowTraffic' | 'Bake' | 'Terminating blue';

export interface LifecycleDeps extends ControllerDeps {
  /** The AfterAllowTestTraffic hook; resolves with the probe's verdict. */
  readonly hook: () => Promise<ProbeResult>;
  readonly steps: readonly ShiftStep[];
  /** CodeDeploy moves the test listener to green this long after green is ready. @default 0 */
  readonly stepDelayMs?: number;
  /** The hook Lambda starts this long after CodeDeploy invokes it. @default 0 */
  readonly hookColdStartMs?: number;
  readonly terminationWaitMs: number;
}

/**
 * CodeDeploy's ECS blue/green lifecycle, in order: install green and wait until it is healthy, allow test
 * traffic, run the AfterAllowTestTraffic hook (inside the wait before rerouting, with a gate), shift
 * production traffic step by step, wait the termination period, terminate blue. An alarm (through the signal), a failed hook or green never getting
 * ready stops it and rolls back: production and test traffic return to blue and green is stopped.
 */
export function runLifecycle(deps: LifecycleDeps): Promise<DeploymentOutcome> {
  const { record, signal } = deps;
  const move = trafficMoves(deps);
  let hook: ProbeResult | undefined;
  const phase = (step: LifecycleStep, detail?: string): void => stepStarted(record, step, detail);
  const steps = async (): Promise<void> => {
    phase('Install', 'starting the green task set');
    await startGreen(deps, 'CodeDeploy would wait about an hour');
    await pause(deps, deps.stepDelayMs ?? 0);
    phase('AllowTestTraffic', 'test listener to green');
    move.test('green');
    phase('AfterAllowTestTraffic', 'hook probing the test listener');
    // With a gate, the wait before rerouting runs from here and the hook runs inside it.
    await heldWhile(deps, async () => {
      await pause(deps, deps.hookColdStartMs ?? 0);
      hook = await raced(deps.hook(), signal);
      record.add({ type: 'hook', ok: hook.ok, reason: hook.reason });
      if (!hook.ok)
        throw new Stop({
          trigger: 'hook',
          signal: 'test-traffic hook',
          detail: `AfterAllowTestTraffic hook failed: ${hook.reason}`,
        });
    });
    phase('AllowTraffic', 'shifting production traffic');
    await shiftProduction(deps, deps.steps);
    phase('Bake', 'blue kept for the termination wait');
    await pause(deps, deps.terminationWaitMs);
    phase('Terminating blue');
    await deps.blue.stop();
  };
  return withRollback(deps, steps, () => hook);
}
