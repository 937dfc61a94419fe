import {
  DEPLOYMENT_CONTROLLERS,
  isDeploymentController,
  type DeploymentControllerName,
} from '../../../contract/native-strategies';
import { UsageError } from './parse-command-args';

/** `--controller codedeploy|ecs`, or a usage error that lists both. */
export function controllerFlag(text: string | undefined): DeploymentControllerName | undefined {
  if (text === undefined) return undefined;
  if (isDeploymentController(text)) return text;
  throw new UsageError(
    `--controller must be one of ${DEPLOYMENT_CONTROLLERS.join(', ')}, got "${text}"`,
    '--controller',
  );
}

/** The word that asks for every controller, side by side. */
export const BOTH_CONTROLLERS = 'both';

/** `--controller codedeploy|ecs|both` for a command that runs each controller in turn; undefined when not given. */
export function controllersFlag(text: string | undefined): DeploymentControllerName[] | undefined {
  if (text === undefined) return undefined;
  if (text === BOTH_CONTROLLERS) return [...DEPLOYMENT_CONTROLLERS];
  if (isDeploymentController(text)) return [text];
  throw new UsageError(
    `--controller must be one of ${[...DEPLOYMENT_CONTROLLERS, BOTH_CONTROLLERS].join(', ')}, got "${text}"`,
    '--controller',
  );
}
