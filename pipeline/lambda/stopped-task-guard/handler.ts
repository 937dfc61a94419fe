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
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { isNamed } from '../aws-calls/error-name';
import { callWithinBudget, describe, type Budget } from '../aws-calls/call-within-budget';
import { appSpecFromRevision } from '../test-traffic-hook/appspec-from-revision';
import { taskDefinitionFromAppSpec } from '../test-traffic-hook/expected-version';
import {
  ACTIVE_STATUSES,
  judgeDeployment,
  leaveAlone,
  nothingToStop,
  type DeploymentView,
  type GuardOutcome,
  type TaskStoppedDetail,
} from '../../../core/guard/guard-decision';

export type { GuardOutcome, TaskStoppedDetail };

/**
 * The guard's result: its decision, or `failed` when CodeDeploy could not be asked or told in time. A
 * failed guard leaves the rollback to the alarms, and the later events of the same stop try again.
 */
export type GuardResult = GuardOutcome | { readonly action: 'failed'; readonly reason: string };

export interface GuardDeps {
  readonly codedeploy: CodeDeployClient;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly log: (entry: Record<string, unknown>) => void;
  /** Waits between retries of a throttled call. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Kept back from the Lambda's remaining time so the guard can still log its result. */
const RESERVE_MS = 1_000;
/** The budget when no Lambda context is given: the function's timeout in the stack (30 s). */
const DEFAULT_BUDGET_MS = 30_000;

export function createGuard(deps: GuardDeps) {
  return async function guard(
    event: Pick<EventBridgeEvent<string, TaskStoppedDetail>, 'detail'> | null | undefined,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<GuardResult> {
    const detail = event?.detail ?? undefined;
    const stopped = detail?.taskDefinitionArn;
    if (typeof stopped !== 'string' || stopped === '') {
      return leaveAlone(deps.log, 'the event names no task definition', detail);
    }
    const endsAt = Date.now() + (context?.getRemainingTimeInMillis() ?? DEFAULT_BUDGET_MS);
    const budget: Budget = {
      remainingMs: () => endsAt - Date.now(),
      reserveMs: RESERVE_MS,
      ...(deps.sleep && { sleep: deps.sleep }),
    };
    try {
      return await decide(deps, { ...detail, taskDefinitionArn: stopped }, budget);
    } catch (error) {
      const reason = `could not finish: ${describe(error)}`;
      deps.log({ level: 'error', msg: 'the guard could not decide', reason, task: detail });
      return { action: 'failed', reason };
    }
  };
}

async function decide(
  deps: GuardDeps,
  detail: TaskStoppedDetail & { readonly taskDefinitionArn: string },
  budget: Budget,
): Promise<GuardOutcome> {
  const stopped = detail.taskDefinitionArn;
  const { deployments = [] } = await callWithinBudget(
    'ListDeployments',
    (abortSignal) =>
      deps.codedeploy.send(
        new ListDeploymentsCommand({
          applicationName: deps.applicationName,
          deploymentGroupName: deps.deploymentGroupName,
          includeOnlyStatuses: [...ACTIVE_STATUSES],
        }),
        { abortSignal },
      ),
    budget,
  );
  const unreadable: string[] = [];
  for (const deploymentId of deployments) {
    const { deploymentInfo } = await callWithinBudget(
      `GetDeployment ${deploymentId}`,
      (abortSignal) => deps.codedeploy.send(new GetDeploymentCommand({ deploymentId }), { abortSignal }),
      budget,
    );
    const verdict = judgeDeployment(stopped, viewOf(deploymentId, deploymentInfo));
    if (verdict.kind === 'not-this-one') {
      if (verdict.unreadableBecause !== undefined) unreadable.push(verdict.unreadableBecause);
      continue;
    }
    if (verdict.kind === 'ignore') return leaveAlone(deps.log, verdict.reason, detail);

    try {
      await callWithinBudget(
        `StopDeployment ${deploymentId}`,
        (abortSignal) =>
          deps.codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }), {
            abortSignal,
          }),
        budget,
      );
    } catch (error) {
      // Another event of this stop, another task, an alarm or the hook got there first: the same outcome.
      if (isNamed(error, 'DeploymentAlreadyCompletedException')) {
        return leaveAlone(deps.log, `deployment ${deploymentId} had already finished`, detail);
      }
      throw error;
    }
    deps.log({
      level: 'warn',
      msg: 'stopped the deployment with rollback',
      deploymentId,
      task: detail,
    });
    return { action: 'stopped', deploymentId };
  }
  return leaveAlone(deps.log, nothingToStop(stopped, unreadable), detail);
}

/** What the guard's decision needs of a CodeDeploy deployment. */
function viewOf(id: string, info: DeploymentInfo | undefined): DeploymentView {
  const appSpec = appSpecFromRevision(info?.revision);
  return {
    id,
    creator: info?.creator,
    status: info?.status,
    rollbackDeploymentId: info?.rollbackInfo?.rollbackDeploymentId,
    taskDefinition:
      appSpec.content === undefined
        ? { unreadableBecause: appSpec.unreadableBecause }
        : { arn: taskDefinitionFromAppSpec(appSpec.content) ?? '' },
  };
}

let configured: ReturnType<typeof createGuard> | undefined;

/** The Lambda entry point; configuration comes from the environment the stack sets. */
export async function handler(
  event: EventBridgeEvent<'ECS Task State Change', TaskStoppedDetail>,
  context?: Context,
) {
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
  return configured(event, context);
}
