/**
 * Native ECS blue/green's deployment, as the local stand-in runs it: the lifecycle stages ECS reports in a
 * service deployment's `lifecycleStage` (Amazon ECS API Reference, `ServiceDeployment`; ECS Developer Guide,
 * "Amazon ECS blue/green service deployments workflow"), with the stack's one hook at
 * POST_TEST_TRAFFIC_SHIFT (and, with a gate, a PAUSE hook at the same stage). RECONCILE_SERVICE only runs
 * when more than one service revision is active, which a rehearsal never has. ECS re-invokes a hook that answers IN_PROGRESS after its `callBackDelay`, goes on
 * at SUCCEEDED and rolls back at FAILED ("Lambda hooks for Amazon ECS service deployments"); the
 * deployment's alarms, the guard and the watcher stop it with rollback at any stage up to the end of the
 * bake time ("How CloudWatch alarms detect Amazon ECS deployment failures").
 */
import type { ShiftStep } from '../../../../contract/deployment-configs';
import type { NativeHookAnswer } from '../../../../core/probe/native-hook-answer';
import type { ProbeResult } from '../../../../core/probe/release-probe';
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

/** The stages a native blue/green service deployment goes through, in order. */
export const NATIVE_STAGES = [
  'PRE_SCALE_UP',
  'SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
  'BAKE_TIME',
  'CLEAN_UP',
] as const;

export type NativeStage = (typeof NATIVE_STAGES)[number];

/** One invocation of the hook: its number in the execution and what the previous answer passed back. */
export interface HookInvocation {
  readonly attempt: number;
  readonly hookDetails?: Readonly<Record<string, unknown>>;
}

/** What one invocation of the hook hands back: the answer ECS reads, and the probe it judged. */
export interface HookReply {
  readonly answer: NativeHookAnswer;
  readonly probe: ProbeResult;
}

type Final = Exclude<NativeHookAnswer, { hookStatus: 'IN_PROGRESS' }>;

export interface NativeLifecycleDeps extends ControllerDeps {
  /** One invocation of the POST_TEST_TRAFFIC_SHIFT hook; resolves with its answer to ECS and its probe. */
  readonly hook: (invocation: HookInvocation) => Promise<HookReply>;
  /** The production shift of the service's native strategy (BLUE_GREEN, CANARY or LINEAR). */
  readonly steps: readonly ShiftStep[];
  /** ECS moves the test rule's weights and invokes the hook this long after green is healthy. @default 0 */
  readonly stageDelayMs?: number;
  /** The hook Lambda starts this long after ECS first invokes it. @default 0 */
  readonly hookColdStartMs?: number;
  /** A `callBackDelay` in seconds, as the local clock waits it. */
  readonly callBackMs: (seconds: number) => number;
  /** The service's `bakeTimeInMinutes`, compressed: blue kept while the alarms still watch. */
  readonly bakeTimeMs: number;
}

/**
 * Runs the native stages in order: scale green up and wait until it is healthy, shift test traffic, run
 * the hook until it answers SUCCEEDED or FAILED, shift production traffic by the strategy's steps, bake,
 * clean up blue. A FAILED hook, an alarm, the guard, the watcher (all through the signal) or green never
 * getting ready rolls back: production and test traffic return to blue and green is stopped.
 */
export function runNativeLifecycle(deps: NativeLifecycleDeps): Promise<DeploymentOutcome> {
  const { record } = deps;
  const move = trafficMoves(deps);
  let probe: ProbeResult | undefined;
  const stage = (step: NativeStage, detail?: string): void => stepStarted(record, step, detail);
  const steps = async (): Promise<void> => {
    stage('PRE_SCALE_UP');
    stage('SCALE_UP', 'starting the green service revision');
    await startGreen(deps, 'ECS would keep the deployment in SCALE_UP');
    stage('POST_SCALE_UP');
    stage('TEST_TRAFFIC_SHIFT', 'test rule to green');
    await pause(deps, deps.stageDelayMs ?? 0);
    move.test('green');
    stage('POST_TEST_TRAFFIC_SHIFT', 'hook probing the test listener');
    // With a gate, the PAUSE hook holds at this stage beside the Lambda hook.
    await heldWhile(deps, async () => {
      await pause(deps, deps.hookColdStartMs ?? 0);
      const answer = await runHook(deps, (last) => (probe = last));
      if (answer.hookStatus === 'FAILED')
        throw new Stop({
          trigger: 'hook',
          signal: 'test-traffic hook',
          detail: `POST_TEST_TRAFFIC_SHIFT hook answered FAILED (${answer.hookDetails.failure}): ${answer.hookDetails.reason}`,
        });
    });
    stage('PRODUCTION_TRAFFIC_SHIFT', 'shifting production traffic');
    await shiftProduction(deps, deps.steps);
    stage('POST_PRODUCTION_TRAFFIC_SHIFT');
    stage('BAKE_TIME', 'blue kept for the bake time');
    await pause(deps, deps.bakeTimeMs);
    stage('CLEAN_UP', 'blue service revision scaled down');
    await deps.blue.stop();
  };
  return withRollback(deps, steps, () => probe);
}

/** Invokes the hook until it answers SUCCEEDED or FAILED, waiting each IN_PROGRESS answer's `callBackDelay`. */
async function runHook(deps: NativeLifecycleDeps, onProbe: (probe: ProbeResult) => void): Promise<Final> {
  const { record, signal } = deps;
  let invocation: HookInvocation = { attempt: 1 };
  for (;;) {
    const { answer, probe } = await raced(deps.hook(invocation), signal);
    onProbe(probe);
    if (answer.hookStatus !== 'IN_PROGRESS') {
      record.add({
        type: 'hook',
        ok: answer.hookStatus === 'SUCCEEDED',
        reason: answer.hookDetails.reason,
        hookStatus: answer.hookStatus,
      });
      return answer;
    }
    record.add({
      type: 'hook-pending',
      attempt: invocation.attempt,
      callBackDelaySeconds: answer.callBackDelay,
    });
    await pause(deps, deps.callBackMs(answer.callBackDelay));
    invocation = { attempt: invocation.attempt + 1, hookDetails: answer.hookDetails };
  }
}
