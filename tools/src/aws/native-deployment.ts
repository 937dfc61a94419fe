/**
 * Finding the service deployments of a service on the `ecs` controller, where ECS runs blue/green itself
 * and there is no CodeDeploy deployment group: `ListServiceDeployments` on the service (Amazon ECS API
 * Reference). ECS keeps service deployments created on or after 25 October 2024, for 90 days (ECS
 * Developer Guide, "Viewing Amazon ECS service deployments").
 */
import {
  ListServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeploymentBrief,
  type ServiceDeploymentStatus,
} from '@aws-sdk/client-ecs';

/** The service whose deployments ECS runs. */
export interface NativeServiceRef {
  readonly cluster: string;
  readonly service: string;
}

/**
 * Service deployments that have not ended ("Pending" and "Ongoing" in the ECS Developer Guide, "View
 * service history using Amazon ECS service deployments"): a release pushed meanwhile would queue behind.
 */
export const NATIVE_ACTIVE_STATUSES: readonly ServiceDeploymentStatus[] = [
  'PENDING',
  'IN_PROGRESS',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
];

/** Every service deployment of the service matching the filters, across pages. */
export async function listServiceDeployments(
  client: ECSClient,
  ref: NativeServiceRef,
  filter: { statuses?: readonly ServiceDeploymentStatus[]; since?: Date } = {},
): Promise<ServiceDeploymentBrief[]> {
  const found: ServiceDeploymentBrief[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListServiceDeploymentsCommand({
        cluster: ref.cluster,
        service: ref.service,
        ...(filter.statuses && { status: [...filter.statuses] }),
        ...(filter.since && { createdAt: { after: filter.since } }),
        ...(nextToken && { nextToken }),
      }),
    );
    found.push(...(page.serviceDeployments ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return found;
}

/**
 * The most recently created service deployment (created at or after `since` when given). Ordered by
 * `createdAt` here, since the API reference promises no order.
 */
export async function latestServiceDeployment(
  client: ECSClient,
  ref: NativeServiceRef,
  since?: Date,
): Promise<ServiceDeploymentBrief | undefined> {
  const all = await listServiceDeployments(client, ref, since ? { since } : {});
  let latest: ServiceDeploymentBrief | undefined;
  for (const brief of all) {
    if (!brief.serviceDeploymentArn) continue;
    if (!latest || (brief.createdAt?.getTime() ?? 0) > (latest.createdAt?.getTime() ?? 0)) latest = brief;
  }
  return latest;
}

/** Whether a deployment id is a service deployment ARN, which only the `ecs` controller has. */
export function isServiceDeploymentArn(id: string): boolean {
  return /^arn:aws[a-z-]*:ecs:[^:]*:\d*:service-deployment\//.test(id);
}
