/**
 * Picks the controller's verbs by the name the stack sets on each function (`DEPLOYMENT_CONTROLLER`),
 * once, at the function's cold start: a missing or unknown name stops the function with an error that
 * names the variable and the value, instead of guessing a controller.
 */
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECSClient } from '@aws-sdk/client-ecs';
import { DEPLOYMENT_CONTROLLERS, isDeploymentController } from '../../../contract/native-strategies';
import { settings } from '../../../contract/settings';
import { NATIVE_CALLBACK_DELAY_SECONDS } from '../../../core/probe/native-hook-answer';
import { CodeDeployControl } from './codedeploy-control';
import type { DeploymentControl } from './deployment-control';
import { EcsControl } from './ecs-control';

/** The environment variable that names the controller; the constructs set it. */
export const CONTROLLER_VARIABLE = 'DEPLOYMENT_CONTROLLER';

export interface ControlOptions {
  /**
   * Whether the function lists the deployments of its deployment group or service (the guard and the
   * watcher): their names must then be set too.
   */
  readonly listsDeployments: boolean;
  readonly log: (entry: Record<string, unknown>) => void;
}

/** The controller's verbs for the name in `env`, with AWS clients of the function's own region. */
export function controlFromEnvironment(env: NodeJS.ProcessEnv, options: ControlOptions): DeploymentControl {
  const name = env[CONTROLLER_VARIABLE] ?? '';
  if (!isDeploymentController(name)) {
    throw new Error(
      `${CONTROLLER_VARIABLE}=${JSON.stringify(name)} is not a deployment controller; the stack sets one of ${DEPLOYMENT_CONTROLLERS.join(', ')}`,
    );
  }
  switch (name) {
    case 'codedeploy':
      return new CodeDeployControl({
        codedeploy: new CodeDeployClient({}),
        log: options.log,
        ...(options.listsDeployments && {
          deploymentGroup: {
            applicationName: required(env, 'APPLICATION_NAME'),
            deploymentGroupName: required(env, 'DEPLOYMENT_GROUP_NAME'),
          },
        }),
      });
    case 'ecs':
      return new EcsControl({
        ecs: new ECSClient({}),
        log: options.log,
        now: Date.now,
        healthWindowMs: settings.hook.healthRetryWindowMs,
        callBackDelaySeconds: NATIVE_CALLBACK_DELAY_SECONDS,
        ...(options.listsDeployments && {
          service: { clusterArn: required(env, 'CLUSTER_ARN'), serviceName: required(env, 'SERVICE_NAME') },
        }),
      });
    default: {
      const unhandled: never = name;
      throw new Error(`no deployment control for ${String(unhandled)}`);
    }
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new Error(
      `${name} must be set under ${CONTROLLER_VARIABLE}=${env[CONTROLLER_VARIABLE]}; the stack sets it`,
    );
  return value;
}
