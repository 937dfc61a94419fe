import { DEPLOYMENT_CONTROLLERS, type DeploymentControllerName } from '../../../contract/native-strategies';
import { UsageError } from './parse-command-args';

/** `--controller codedeploy|ecs`, or a usage error that lists both. */
export function controllerFlag(text: string | undefined): DeploymentControllerName | undefined {
  if (text === undefined) return undefined;
  if ((DEPLOYMENT_CONTROLLERS as readonly string[]).includes(text)) return text as DeploymentControllerName;
  throw new UsageError(
    `--controller must be one of ${DEPLOYMENT_CONTROLLERS.join(', ')}, got "${text}"`,
    '--controller',
  );
}
