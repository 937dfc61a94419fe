import {
  nativeStrategyFor,
  type DeploymentControllerName,
  type NativeStrategy,
} from '../../../../contract/native-strategies';
import { eventsOf } from '../../experiment/read-record';
import type { RehearsalEvent } from '../../experiment/rehearsal-event';
import type { LifecycleStep } from './codedeploy-lifecycle';
import type { NativeStage } from './native-lifecycle';

type Step = LifecycleStep | NativeStage;

/** The controller as a reader knows it. */
export const CONTROLLER_NAME: Record<DeploymentControllerName, string> = {
  codedeploy: 'CodeDeploy',
  ecs: 'native ECS blue/green',
};

/** The stage at which each controller's hook probes green through the test listener. */
export const HOOK_STAGE: Record<DeploymentControllerName, Step> = {
  codedeploy: 'AfterAllowTestTraffic',
  ecs: 'POST_TEST_TRAFFIC_SHIFT',
};

/** Where each controller waits for green to become healthy. */
export const SCALE_UP_STEP: Record<DeploymentControllerName, Step> = {
  codedeploy: 'Install',
  ecs: 'SCALE_UP',
};

function strategyText(native: NativeStrategy): string {
  switch (native.strategy) {
    case 'BLUE_GREEN':
      return 'BLUE_GREEN (all at once)';
    case 'CANARY':
      return `CANARY ${native.percent} %, step bake ${native.stepBakeMinutes} min`;
    case 'LINEAR':
      return `LINEAR ${native.percent} % every ${native.stepBakeMinutes} min`;
  }
}

/**
 * How the release shifted traffic: the CodeDeploy configuration, or the native strategy the service stack
 * derives from it (`nativeStrategyFor`).
 */
export function deploymentLabel(controller: DeploymentControllerName, configName: string): string {
  if (controller === 'codedeploy') return `CodeDeploy, ${configName}`;
  return `${CONTROLLER_NAME.ecs}, ${strategyText(nativeStrategyFor(configName))} (the stack's strategy for ${configName})`;
}

/** The hook's last answer in the controller's words, and how many times a native hook was invoked. */
export function hookAnswer(events: readonly RehearsalEvent[]): string | undefined {
  const last = eventsOf(events, 'hook').at(-1);
  if (last === undefined) return undefined;
  const pending = eventsOf(events, 'hook-pending').length;
  const status = last.hookStatus ?? (last.ok ? 'Succeeded' : 'Failed');
  const invocations = pending > 0 || last.hookStatus ? ` (invocation ${pending + 1})` : '';
  return `${status}${invocations}: ${last.reason}`;
}
