import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';

/**
 * ARN patterns of one service's deployments and revisions. ECS's deployment actions take the service and
 * the deployment or revision as resources (Service Authorization Reference, "Actions, resources, and
 * condition keys for Amazon Elastic Container Service": `service-deployment`, `service-revision`), so a
 * policy can name this service's only.
 */
export function serviceDeploymentArns(service: ecs.IBaseService): {
  readonly service: string;
  readonly deployments: string;
  readonly revisions: string;
} {
  const stack = Stack.of(service);
  const under = (resource: string) =>
    stack.formatArn({
      service: 'ecs',
      resource,
      resourceName: `${service.cluster.clusterName}/${service.serviceName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  return {
    service: service.serviceArn,
    deployments: under('service-deployment'),
    revisions: under('service-revision'),
  };
}

/**
 * The same patterns for every service of `cluster`, for a policy the service itself depends on (its
 * lifecycle hook's): naming the service there would make the service and the policy wait on each other.
 */
export function clusterDeploymentArns(cluster: ecs.ICluster): {
  readonly services: string;
  readonly revisions: string;
} {
  const stack = Stack.of(cluster);
  const under = (resource: string) =>
    stack.formatArn({
      service: 'ecs',
      resource,
      resourceName: `${cluster.clusterName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  return { services: under('service'), revisions: under('service-revision') };
}
