/**
 * The stopped-task guard's decision, apart from how it reads deployments: the Lambda feeds it what
 * CodeDeploy's API says, the local rehearsal what its stand-in knows. A task that ECS stops abnormally
 * rolls back the deployment in progress that deploys the task's task definition; anything else is left
 * alone, with the reason.
 */

/** The part of an ECS Task State Change event the guard reads (and logs). */
export interface TaskStoppedDetail {
  readonly taskArn?: string;
  readonly taskDefinitionArn?: string;
  readonly lastStatus?: string;
  readonly desiredStatus?: string;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
}

/** What the guard knows of one deployment in progress. */
export interface DeploymentView {
  readonly id: string;
  /** CodeDeploy's `creator`: `codeDeployRollback` marks the deployment that redeploys blue. */
  readonly creator?: string;
  /** The task definition the deployment deploys, or why it could not be read. */
  readonly taskDefinition: { readonly arn: string } | { readonly unreadableBecause: string };
  readonly status?: string;
  readonly rollbackDeploymentId?: string;
}

/** What the guard decided, for the logs, the tests and the rehearsal record. */
export type GuardOutcome =
  | { readonly action: 'stopped'; readonly deploymentId: string }
  | { readonly action: 'ignored'; readonly reason: string };

/** What to do about one deployment: stop it, leave it alone for a reason, or look at the next one. */
export type DeploymentVerdict =
  | { readonly kind: 'stop'; readonly deploymentId: string }
  | { readonly kind: 'ignore'; readonly reason: string }
  | { readonly kind: 'not-this-one'; readonly unreadableBecause?: string };

/** CodeDeploy deployment states in which a rollback is still possible. */
export const ACTIVE_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;

/**
 * ECS service deployment states in which `StopServiceDeployment` can still roll back (Amazon ECS API
 * Reference, `ServiceDeployment`): bake time runs inside IN_PROGRESS; STOP_REQUESTED, ROLLBACK_* and the
 * end states mean the deployment is already ending.
 */
export const NATIVE_ACTIVE_STATUSES = ['PENDING', 'IN_PROGRESS'] as const;

/** Whether `deployment` is the one to stop for a task of `stoppedTaskDefinition` that ECS stopped. */
export function judgeDeployment(
  stoppedTaskDefinition: string,
  deployment: DeploymentView,
  activeStatuses: readonly string[] = ACTIVE_STATUSES,
): DeploymentVerdict {
  // A rollback redeploys blue; stopping it because a blue task died would strand the service.
  if (deployment.creator === 'codeDeployRollback') return { kind: 'not-this-one' };
  if ('unreadableBecause' in deployment.taskDefinition) {
    return {
      kind: 'not-this-one',
      unreadableBecause: `${deployment.id}: ${deployment.taskDefinition.unreadableBecause}`,
    };
  }
  if (deployment.taskDefinition.arn !== stoppedTaskDefinition) return { kind: 'not-this-one' };
  const ending = alreadyEnding(deployment, activeStatuses);
  if (ending !== undefined) return { kind: 'ignore', reason: ending };
  return { kind: 'stop', deploymentId: deployment.id };
}

/** Logs why the guard leaves the deployments alone, and says so as its outcome. */
export function leaveAlone(
  log: (entry: Record<string, unknown>) => void,
  reason: string,
  task: unknown,
): GuardOutcome {
  log({ level: 'info', msg: 'nothing to roll back', reason, task });
  return { action: 'ignored', reason };
}

/** Why nothing was stopped after every deployment was judged `not-this-one`. */
export function nothingToStop(stoppedTaskDefinition: string, unreadable: readonly string[]): string {
  // The alarms still see a crash loop; say which deployments could not be matched to the task.
  const unchecked = unreadable.length === 0 ? '' : ` (not checked: ${unreadable.join('; ')})`;
  return `no deployment in progress is deploying ${stoppedTaskDefinition}${unchecked}`;
}

/**
 * Why a listed deployment needs no stop: it is no longer in progress (it ended between the listing and the
 * read), or it already names its rollback deployment (an earlier event, an alarm or the hook stopped it).
 */
function alreadyEnding(deployment: DeploymentView, activeStatuses: readonly string[]): string | undefined {
  const { id, status, rollbackDeploymentId } = deployment;
  if (status !== undefined && !activeStatuses.includes(status))
    return `deployment ${id} is already ${status}`;
  if (rollbackDeploymentId !== undefined)
    return `deployment ${id} is already rolling back (${rollbackDeploymentId})`;
  return undefined;
}
