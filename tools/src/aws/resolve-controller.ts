import {
  DEPLOYMENT_CONTROLLERS,
  isDeploymentController,
  type DeploymentControllerName,
} from '../../../contract/native-strategies';
import { OUTPUT_KEYS, STACK_NAMES } from '../../../contract/stack-outputs';
import type { AwsClients } from './clients';
import type { DeploymentGroupRef } from './find-deployment';
import type { NativeServiceRef } from './native-deployment';
import { readStackOutputs, requireOutput, type StackOutputs } from './stack-outputs';

/** Where a release is followed: a CodeDeploy deployment group, or the service ECS deploys itself. */
export type ReleaseTargetRef =
  | { readonly controller: 'codedeploy'; readonly group: DeploymentGroupRef }
  | { readonly controller: 'ecs'; readonly service: NativeServiceRef };

/**
 * The controller the service stack was deployed with, from its `DeploymentController` output. A stack
 * deployed before that output existed is told apart by the CodeDeploy outputs only the `codedeploy` stack
 * has.
 */
export function controllerOf(outputs: StackOutputs): DeploymentControllerName {
  const named = outputs.values[OUTPUT_KEYS.deploymentController];
  if (named === undefined) return outputs.values[OUTPUT_KEYS.deploymentGroup] ? 'codedeploy' : 'ecs';
  if (!isDeploymentController(named)) {
    throw new Error(
      `Stack ${outputs.stackName} names controller "${named}" in ${OUTPUT_KEYS.deploymentController}; these tools know ${DEPLOYMENT_CONTROLLERS.join(', ')}`,
    );
  }
  return named;
}

/** The release target of a deployed stack, under `controller` (default: the stack's own). */
export function releaseTargetOf(
  outputs: StackOutputs,
  controller: DeploymentControllerName = controllerOf(outputs),
): ReleaseTargetRef {
  return controller === 'ecs'
    ? {
        controller,
        service: {
          cluster: requireOutput(outputs, OUTPUT_KEYS.clusterName),
          service: requireOutput(outputs, OUTPUT_KEYS.ecsServiceName),
        },
      }
    : {
        controller,
        group: {
          application: requireOutput(outputs, OUTPUT_KEYS.codeDeployApplication),
          deploymentGroup: requireOutput(outputs, OUTPUT_KEYS.deploymentGroup),
        },
      };
}

/** Flags that name a release target; any left out come from the service stack's outputs. */
export interface TargetFlags {
  readonly controller?: DeploymentControllerName | undefined;
  readonly application?: string | undefined;
  readonly deploymentGroup?: string | undefined;
  readonly cluster?: string | undefined;
  readonly service?: string | undefined;
  readonly stack?: string | undefined;
}

/**
 * The release target from flags, or else from the service stack's outputs: the controller flag wins,
 * then the flags of one controller given in full (no stack read), then the stack's `DeploymentController`.
 */
export async function resolveReleaseTarget(aws: AwsClients, flags: TargetFlags): Promise<ReleaseTargetRef> {
  const { application, deploymentGroup, cluster, service } = flags;
  const controller =
    flags.controller ??
    (application !== undefined || deploymentGroup !== undefined
      ? 'codedeploy'
      : cluster !== undefined || service !== undefined
        ? 'ecs'
        : undefined);
  if (controller === 'codedeploy' && application !== undefined && deploymentGroup !== undefined)
    return { controller, group: { application, deploymentGroup } };
  if (controller === 'ecs' && cluster !== undefined && service !== undefined)
    return { controller, service: { cluster, service } };
  const outputs = await readStackOutputs(aws.cloudFormation(), flags.stack ?? STACK_NAMES.service);
  const fromStack = releaseTargetOf(outputs, controller ?? controllerOf(outputs));
  return fromStack.controller === 'ecs'
    ? {
        controller: 'ecs',
        service: {
          cluster: cluster ?? fromStack.service.cluster,
          service: service ?? fromStack.service.service,
        },
      }
    : {
        controller: 'codedeploy',
        group: {
          application: application ?? fromStack.group.application,
          deploymentGroup: deploymentGroup ?? fromStack.group.deploymentGroup,
        },
      };
}
