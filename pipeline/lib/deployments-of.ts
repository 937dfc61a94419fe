import type * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { DeploymentControllerName } from '../../contract/native-strategies';

/**
 * Whose deployments a function acts on: a CodeDeploy deployment group (the `codedeploy` controller), or a
 * service on the ECS controller (`ecs`). The hook, the guard and the watcher take it, and the controller
 * it implies is set on each function, which picks that controller's calls at its cold start
 * (`pipeline/lambda/deployment-control`).
 */
export type DeploymentsOf =
  | { readonly deploymentGroup: codedeploy.IEcsDeploymentGroup }
  | { readonly nativeService: ecs.FargateService };

/** The controller that runs the deployments. */
export function controllerOf(of: DeploymentsOf): DeploymentControllerName {
  return 'deploymentGroup' in of ? 'codedeploy' : 'ecs';
}

/**
 * The environment a function that lists the deployments needs (`control-from-environment.ts` reads it):
 * the controller's name and the names of the deployment group or service. A hook gets only the name: the
 * service depends on its lifecycle hook, so the hook cannot name the service.
 */
export function controlEnvironment(
  of: DeploymentsOf,
  options: { readonly listsDeployments: boolean },
): Record<string, string> {
  const controller = { DEPLOYMENT_CONTROLLER: controllerOf(of) };
  if (!options.listsDeployments) return controller;
  return 'deploymentGroup' in of
    ? {
        ...controller,
        APPLICATION_NAME: of.deploymentGroup.application.applicationName,
        DEPLOYMENT_GROUP_NAME: of.deploymentGroup.deploymentGroupName,
      }
    : {
        ...controller,
        CLUSTER_ARN: of.nativeService.cluster.clusterArn,
        SERVICE_NAME: of.nativeService.serviceName,
      };
}
