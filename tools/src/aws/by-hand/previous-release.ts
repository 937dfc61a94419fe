/**
 * What `undo` goes back to: the task definition of the release before the one production runs, found from
 * the controller's own history rather than from revision numbers (a release that was rolled back registered
 * a revision that never served). CodeDeploy: the task definitions named by the group's two latest Succeeded
 * deployments' AppSpec content. Native ECS: the latest SUCCESSFUL service deployment's source and target
 * service revisions (Amazon ECS API Reference, "ServiceDeployment", "DescribeServiceRevisions").
 */
import { BatchGetDeploymentsCommand, type DeploymentInfo } from '@aws-sdk/client-codedeploy';
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { settings } from '../../../../contract/settings';
import type { AwsClients } from '../clients';
import { ACTIVE_STATUSES, listDeploymentIds, type DeploymentGroupRef } from '../find-deployment';
import { listServiceDeployments, NATIVE_ACTIVE_STATUSES, type NativeServiceRef } from '../native-deployment';
import type { ReleaseTargetRef } from '../resolve-controller';

/** One release: its task definition and the commit it was built from, when the task definition says. */
export interface ReleaseRevision {
  readonly taskDefinitionArn: string;
  /** The container's APP_VERSION: the commit the build set (contract/build-variables.ts). */
  readonly commit?: string;
}

/** What undo found: a deployment still running, nothing to go back to, or the way back. */
export type UndoFinding =
  | { readonly kind: 'busy'; readonly deploymentId: string }
  | { readonly kind: 'no-previous'; readonly reason: string }
  | { readonly kind: 'found'; readonly current: ReleaseRevision; readonly previous: ReleaseRevision };

/** The task definition an ECS AppSpec names, from its JSON or YAML text. */
export function appSpecTaskDefinition(content: string | undefined): string | undefined {
  return /TaskDefinition["']?\s*:\s*["']?(arn:aws[^"'\s,}]+)/.exec(content ?? '')?.[1];
}

async function succeededDeployments(aws: AwsClients, group: DeploymentGroupRef): Promise<DeploymentInfo[]> {
  const ids = await listDeploymentIds(aws.codeDeploy(), group, { statuses: ['Succeeded'] });
  const infos: DeploymentInfo[] = [];
  for (let i = 0; i < ids.length; i += 25) {
    const { deploymentsInfo = [] } = await aws
      .codeDeploy()
      .send(new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + 25) }));
    infos.push(...deploymentsInfo);
  }
  return infos.sort((a, b) => (b.createTime?.getTime() ?? 0) - (a.createTime?.getTime() ?? 0));
}

async function codeDeployRevisions(aws: AwsClients, group: DeploymentGroupRef): Promise<UndoFinding> {
  const [busy] = await listDeploymentIds(aws.codeDeploy(), group, { statuses: ACTIVE_STATUSES });
  if (busy !== undefined) return { kind: 'busy', deploymentId: busy };
  const succeeded = await succeededDeployments(aws, group);
  const arns = succeeded.flatMap(
    (info) => appSpecTaskDefinition(info.revision?.appSpecContent?.content) ?? [],
  );
  const [current, ...earlier] = arns;
  const previous = earlier.find((arn) => arn !== current);
  if (current === undefined || previous === undefined)
    return {
      kind: 'no-previous',
      reason: `in ${group.application}/${group.deploymentGroup}, ${arns.length} of ${succeeded.length} succeeded deployments name a task definition in their AppSpec content, and undo needs two different ones (the stack's own first revision is not a release undo can name)`,
    };
  return {
    kind: 'found',
    current: { taskDefinitionArn: current },
    previous: { taskDefinitionArn: previous },
  };
}

async function nativeRevisions(aws: AwsClients, service: NativeServiceRef): Promise<UndoFinding> {
  const [busy] = await listServiceDeployments(aws.ecs(), service, { statuses: NATIVE_ACTIVE_STATUSES });
  if (busy?.serviceDeploymentArn) return { kind: 'busy', deploymentId: busy.serviceDeploymentArn };
  const ecs = aws.ecs();
  const latest = await latestSuccessful(aws, service);
  const source = latest?.sourceServiceRevisions?.[0]?.arn;
  const target = latest?.targetServiceRevision?.arn;
  if (source === undefined || target === undefined)
    return {
      kind: 'no-previous',
      reason: `${service.cluster}/${service.service} has no succeeded release with a revision before it`,
    };
  const { serviceRevisions = [] } = await ecs.send(
    new DescribeServiceRevisionsCommand({ serviceRevisionArns: [target, source] }),
  );
  const taskDefinitionOf = (arn: string) =>
    serviceRevisions.find((r) => r.serviceRevisionArn === arn)?.taskDefinition;
  const current = taskDefinitionOf(target);
  const previous = taskDefinitionOf(source);
  if (current === undefined || previous === undefined || current === previous)
    return { kind: 'no-previous', reason: `the revision before ${target} runs no other task definition` };
  return {
    kind: 'found',
    current: { taskDefinitionArn: current },
    previous: { taskDefinitionArn: previous },
  };
}

async function latestSuccessful(aws: AwsClients, service: NativeServiceRef) {
  const briefs = await listServiceDeployments(aws.ecs(), service, { statuses: ['SUCCESSFUL'] });
  const newest = briefs
    .filter((b) => b.serviceDeploymentArn)
    .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0))[0];
  if (newest?.serviceDeploymentArn === undefined) return undefined;
  const { serviceDeployments = [] } = await aws
    .ecs()
    .send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [newest.serviceDeploymentArn] }));
  return serviceDeployments[0];
}

/** The commit a task definition was built from: its container's APP_VERSION. */
async function withCommit(aws: AwsClients, revision: ReleaseRevision): Promise<ReleaseRevision> {
  const { taskDefinition } = await aws
    .ecs()
    .send(new DescribeTaskDefinitionCommand({ taskDefinition: revision.taskDefinitionArn }));
  const container = taskDefinition?.containerDefinitions?.find((c) => c.name === settings.container.name);
  const commit = container?.environment?.find((e) => e.name === 'APP_VERSION')?.value;
  return commit ? { ...revision, commit } : revision;
}

/** What undo would release, read without changing anything. */
export async function findUndo(aws: AwsClients, target: ReleaseTargetRef): Promise<UndoFinding> {
  const found =
    target.controller === 'codedeploy'
      ? await codeDeployRevisions(aws, target.group)
      : await nativeRevisions(aws, target.service);
  if (found.kind !== 'found') return found;
  return {
    kind: 'found',
    current: await withCommit(aws, found.current),
    previous: await withCommit(aws, found.previous),
  };
}
