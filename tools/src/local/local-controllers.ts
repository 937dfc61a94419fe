import type { DeploymentConfig } from '../../../contract/deployment-configs';
import {
  nativeShiftSteps,
  nativeStrategyFor,
  type DeploymentControllerName,
} from '../../../contract/native-strategies';
import type { ProbeResult } from '../../../core/probe/release-probe';
import { runLifecycle } from './codedeploy-lifecycle';
import type { ControllerDeps, DeploymentOutcome } from './lifecycle-parts';
import { scaleSteps, type LocalTimings } from './local-timings';
import { runNativeLifecycle, type HookInvocation, type HookReply } from './native-lifecycle';

/** The local deployment, as each controller's API would name it to the guard. */
export const DEPLOYMENT_ID: Record<DeploymentControllerName, string> = {
  codedeploy: 'd-LOCAL',
  ecs: 'arn:aws:ecs:local:000000000000:service-deployment/rehearsal/service/LOCAL',
};

type DeploymentPhase = 'running' | 'stopping' | 'succeeded' | 'rolled-back';

/**
 * The deployment's status in each controller's API as it runs, is stopped and ends: CodeDeploy's
 * deployment statuses, and ECS's service deployment statuses (Amazon ECS API Reference, `ServiceDeployment`),
 * where a rollback is the same deployment in a ROLLBACK_* state.
 */
export const STATUS: Record<DeploymentControllerName, Record<DeploymentPhase, string>> = {
  codedeploy: {
    running: 'InProgress',
    stopping: 'InProgress',
    succeeded: 'Succeeded',
    'rolled-back': 'Stopped',
  },
  ecs: {
    running: 'IN_PROGRESS',
    stopping: 'ROLLBACK_REQUESTED',
    succeeded: 'SUCCESSFUL',
    'rolled-back': 'ROLLBACK_SUCCESSFUL',
  },
};

/** What the rehearsal hands the controller it plays. */
export interface ControllerRun {
  readonly deps: ControllerDeps;
  readonly config: DeploymentConfig;
  readonly timings: LocalTimings;
  /** The AfterAllowTestTraffic hook, for CodeDeploy. */
  readonly codeDeployHook: () => Promise<ProbeResult>;
  /** One invocation of the POST_TEST_TRAFFIC_SHIFT hook, for native ECS. */
  readonly nativeHook: (invocation: HookInvocation) => Promise<HookReply>;
}

/**
 * Runs the deployment as `controller` would: CodeDeploy's lifecycle with the configuration's steps and
 * termination wait, or native ECS's stages with the strategy the stack derives from the same configuration
 * (`nativeStrategyFor`) and the termination wait as the bake time, as the service stack sets it.
 */
export function runController(
  controller: DeploymentControllerName,
  run: ControllerRun,
): Promise<DeploymentOutcome> {
  const { deps, config, timings } = run;
  const { timeScale } = timings;
  if (controller === 'ecs') {
    return runNativeLifecycle({
      ...deps,
      hook: run.nativeHook,
      steps: scaleSteps(nativeShiftSteps(nativeStrategyFor(config.name)), timeScale),
      stageDelayMs: timings.nativeStageMs,
      hookColdStartMs: timings.hookColdStartMs,
      callBackMs: (seconds) => (seconds * 1000) / timeScale,
      bakeTimeMs: timings.terminationWaitMs,
    });
  }
  return runLifecycle({
    ...deps,
    hook: run.codeDeployHook,
    steps: scaleSteps(config.steps, timeScale),
    stepDelayMs: timings.codeDeployStepMs,
    hookColdStartMs: timings.hookColdStartMs,
    terminationWaitMs: timings.terminationWaitMs,
  });
}
