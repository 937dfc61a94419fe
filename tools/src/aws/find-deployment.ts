import {
  BatchGetDeploymentsCommand,
  ListDeploymentsCommand,
  type CodeDeployClient,
  type DeploymentInfo,
  type DeploymentStatus,
} from '@aws-sdk/client-codedeploy';

/** Deployments still running: a new one cannot start while one of these exists. */
export const ACTIVE_STATUSES: DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];

export interface DeploymentGroupRef {
  readonly application: string;
  readonly deploymentGroup: string;
}

/** Every deployment id of the group matching the filters, across pages. */
export async function listDeploymentIds(
  client: CodeDeployClient,
  group: DeploymentGroupRef,
  filter: { statuses?: DeploymentStatus[]; since?: Date } = {},
): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListDeploymentsCommand({
        applicationName: group.application,
        deploymentGroupName: group.deploymentGroup,
        ...(filter.statuses && { includeOnlyStatuses: filter.statuses }),
        ...(filter.since && { createTimeRange: { start: filter.since } }),
        ...(nextToken && { nextToken }),
      }),
    );
    ids.push(...(page.deployments ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}

/** The most recently created deployment of the group (created at or after `since` when given). */
export async function latestDeployment(
  client: CodeDeployClient,
  group: DeploymentGroupRef,
  since?: Date,
): Promise<DeploymentInfo | undefined> {
  const ids = await listDeploymentIds(client, group, since ? { since } : {});
  let latest: DeploymentInfo | undefined;
  for (let i = 0; i < ids.length; i += 25) {
    const { deploymentsInfo = [] } = await client.send(
      new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + 25) }),
    );
    for (const info of deploymentsInfo) {
      // A rollback deployment belongs to the one it reverts; "latest" means the latest release.
      if (info.creator === 'codeDeployRollback') continue;
      if (!latest || (info.createTime?.getTime() ?? 0) > (latest.createTime?.getTime() ?? 0)) latest = info;
    }
  }
  return latest;
}
