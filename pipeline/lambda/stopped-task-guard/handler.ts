/**
 * Reacts to a task of the service that ECS stops abnormally: when it ran the task definition of a deployment
 * still in progress (bake period included), it stops that deployment with rollback. CloudWatch alarms
 * reach the same decision minutes later; this closes the gap for crashes, which no ALB metric sees, and for
 * green tasks ECS stops for failing their ELB health checks.
 * After a deployment has finished there is nothing in progress and ECS simply restarts the task.
 *
 * The rule delivers every event of an abnormal stop, from the first (desiredStatus STOPPED, lastStatus
 * still RUNNING) to the last (lastStatus STOPPED), so the guard sees one stop several times, and the stops
 * of several tasks. The first event stops the deployment; a later one finds it gone from the in-progress
 * list, already rolling back, or finished by the time it is stopped, and changes nothing.
 */
import {
  CodeDeployClient,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import type { EventBridgeEvent } from 'aws-lambda';
import { appSpecFromRevision } from '../test-traffic-hook/appspec-from-revision';
import { taskDefinitionFromAppSpec } from '../test-traffic-hook/expected-version';

/** The part of an ECS Task State Change event the guard reads (and logs). */
export interface TaskStoppedDetail {
  readonly taskArn?: string;
  readonly taskDefinitionArn?: string;
  readonly lastStatus?: string;
  readonly desiredStatus?: string;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
}

export interface GuardDeps {
  readonly codedeploy: CodeDeployClient;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly log: (entry: Record<string, unknown>) => void;
}

/** What the guard did, for the logs and the tests. */
export type GuardOutcome =
  | { readonly action: 'stopped'; readonly deploymentId: string }
  | { readonly action: 'ignored'; readonly reason: string };

/** Deployment states in which a rollback is still possible. */
const ACTIVE_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;

export function createGuard(deps: GuardDeps) {
  return async function guard(
    event: Pick<EventBridgeEvent<string, TaskStoppedDetail>, 'detail'>,
  ): Promise<GuardOutcome> {
    const stopped = event.detail?.taskDefinitionArn;
    if (!stopped) return ignored(deps, 'the event names no task definition', event.detail);

    const { deployments = [] } = await deps.codedeploy.send(
      new ListDeploymentsCommand({
        applicationName: deps.applicationName,
        deploymentGroupName: deps.deploymentGroupName,
        includeOnlyStatuses: [...ACTIVE_STATUSES],
      }),
    );
    const unreadable: string[] = [];
    for (const deploymentId of deployments) {
      const { deploymentInfo } = await deps.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
      // A rollback redeploys blue; stopping it because a blue task died would strand the service.
      if (deploymentInfo?.creator === 'codeDeployRollback') continue;
      const appSpec = appSpecFromRevision(deploymentInfo?.revision);
      if (appSpec.content === undefined) {
        unreadable.push(`${deploymentId}: ${appSpec.unreadableBecause}`);
        continue;
      }
      if (taskDefinitionFromAppSpec(appSpec.content) !== stopped) continue;
      const ending = alreadyEnding(deploymentId, deploymentInfo);
      if (ending !== undefined) return ignored(deps, ending, event.detail);

      try {
        await deps.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
      } catch (error) {
        // Another event of this stop, another task, an alarm or the hook got there first: the same outcome.
        if (isNamed(error, 'DeploymentAlreadyCompletedException')) {
          return ignored(deps, `deployment ${deploymentId} had already finished`, event.detail);
        }
        throw error;
      }
      deps.log({
        level: 'warn',
        msg: 'stopped the deployment with rollback',
        deploymentId,
        task: event.detail,
      });
      return { action: 'stopped', deploymentId };
    }
    // The alarms still see a crash loop; say which deployments could not be matched to the task.
    const unchecked = unreadable.length === 0 ? '' : ` (not checked: ${unreadable.join('; ')})`;
    return ignored(deps, `no deployment in progress is deploying ${stopped}${unchecked}`, event.detail);
  };
}

/**
 * Why a listed deployment needs no stop: it is no longer in progress (it ended between the listing and the
 * read), or it already names its rollback deployment (an earlier event, an alarm or the hook stopped it).
 */
function alreadyEnding(deploymentId: string, info: DeploymentInfo | undefined): string | undefined {
  const status = info?.status;
  if (status !== undefined && !(ACTIVE_STATUSES as readonly string[]).includes(status))
    return `deployment ${deploymentId} is already ${status}`;
  const rollback = info?.rollbackInfo?.rollbackDeploymentId;
  if (rollback !== undefined) return `deployment ${deploymentId} is already rolling back (${rollback})`;
  return undefined;
}

/** By name, not class: the SDK's error classes are not shared between copies of the client. */
function isNamed(error: unknown, name: string): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;
}

function ignored(deps: GuardDeps, reason: string, task: unknown): GuardOutcome {
  deps.log({ level: 'info', msg: 'nothing to roll back', reason, task });
  return { action: 'ignored', reason };
}

let configured: ReturnType<typeof createGuard> | undefined;

/** The Lambda entry point; configuration comes from the environment the stack sets. */
export async function handler(event: EventBridgeEvent<'ECS Task State Change', TaskStoppedDetail>) {
  const { APPLICATION_NAME, DEPLOYMENT_GROUP_NAME } = process.env;
  if (!APPLICATION_NAME || !DEPLOYMENT_GROUP_NAME) {
    throw new Error('APPLICATION_NAME and DEPLOYMENT_GROUP_NAME must be set; the stack sets them');
  }
  configured ??= createGuard({
    codedeploy: new CodeDeployClient({}),
    applicationName: APPLICATION_NAME,
    deploymentGroupName: DEPLOYMENT_GROUP_NAME,
    log: (entry) => console.log(JSON.stringify(entry)),
  });
  return configured(event);
}
