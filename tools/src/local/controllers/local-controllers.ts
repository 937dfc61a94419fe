import type { DeploymentConfig } from '../../../../contract/deployment-configs';
import {
  nativeShiftSteps,
  nativeStrategyFor,
  type DeploymentControllerName,
} from '../../../../contract/native-strategies';
import {
  ACTIVE_STATUSES,
  NATIVE_ACTIVE_STATUSES,
  type DeploymentView,
} from '../../../../core/guard/guard-decision';
import type { ProbeResult } from '../../../../core/probe/release-probe';
import { runLifecycle } from './codedeploy-lifecycle';
import type { ControllerDeps, DeploymentOutcome } from './lifecycle-parts';
import { scaleSteps, type LocalTimings } from '../time-scale/local-timings';
import { refusedByStartCheck, type LiveRules } from './native-start-check';
import { runNativeLifecycle, type HookInvocation, type HookReply } from './native-lifecycle';

/** The local deployment as one controller's API would show it to the stopped-task guard. */
export interface GuardView {
  readonly deploymentId: string;
  /** Its status while it runs, and once it ended either way. */
  readonly status: Record<'running' | 'succeeded' | 'rolled-back', string>;
  /** The deployment once stopped with rollback: a later stop finds it already rolling back. */
  readonly stopped: (view: DeploymentView) => DeploymentView;
  /** The statuses in which the guard can still stop it. */
  readonly activeStatuses: readonly string[];
}

/**
 * Each controller's view: CodeDeploy's deployment statuses, where a rollback is a deployment of its own,
 * and ECS's service deployment statuses (Amazon ECS API Reference, `ServiceDeployment`), where a rollback
 * is the same deployment in a ROLLBACK_* state.
 */
export const GUARD_VIEW: Record<DeploymentControllerName, GuardView> = {
  codedeploy: {
    deploymentId: 'd-LOCAL',
    status: { running: 'InProgress', succeeded: 'Succeeded', 'rolled-back': 'Stopped' },
    stopped: (view) => ({ ...view, rollbackDeploymentId: 'd-ROLLBACK' }),
    activeStatuses: ACTIVE_STATUSES,
  },
  ecs: {
    deploymentId: 'arn:aws:ecs:local:000000000000:service-deployment/rehearsal/service/LOCAL',
    status: { running: 'IN_PROGRESS', succeeded: 'SUCCESSFUL', 'rolled-back': 'ROLLBACK_SUCCESSFUL' },
    stopped: (view) => ({ ...view, status: 'ROLLBACK_REQUESTED' }),
    activeStatuses: NATIVE_ACTIVE_STATUSES,
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
  /** The listener rules as they are now, for native ECS's start check. */
  readonly liveRules: () => LiveRules;
}

/**
 * Runs the deployment as `controller` would: CodeDeploy's lifecycle with the configuration's steps and
 * termination wait, or native ECS's stages with the strategy the stack derives from the same configuration
 * (`nativeStrategyFor`) and the termination wait as the bake time, as the service stack sets it. Native
 * ECS first runs the deploy step's start check, which may refuse to start at all.
 */
export function runController(
  controller: DeploymentControllerName,
  run: ControllerRun,
): Promise<DeploymentOutcome> {
  const { deps, config, timings } = run;
  const { timeScale } = timings;
  if (controller === 'ecs') {
    const refused = refusedByStartCheck(deps.record, run.liveRules());
    if (refused) return Promise.resolve(refused);
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
