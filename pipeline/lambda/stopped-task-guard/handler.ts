/**
 * Reacts to a task of the service that ECS stops abnormally: when it ran the task definition of a deployment
 * still in progress (bake period included), it stops that deployment with rollback, through whichever
 * controller runs it (`../deployment-control`). CloudWatch alarms reach the same decision minutes later;
 * this closes the gap for crashes, which no ALB metric sees, and for green tasks ECS stops for failing their
 * ELB health checks. After a deployment has finished there is nothing in progress and ECS simply restarts
 * the task.
 *
 * The rule delivers every event of an abnormal stop, from the first (desiredStatus STOPPED, lastStatus
 * still RUNNING) to the last (lastStatus STOPPED), so the guard sees one stop several times, and the stops
 * of several tasks. The first event stops the deployment; a later one finds it gone from the in-progress
 * list, already rolling back, or finished by the time it is stopped, and changes nothing.
 */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { callWithinBudget, describe, type AwsCall } from '../aws-calls/call-within-budget';
import { controlFromEnvironment } from '../deployment-control/control-from-environment';
import type { DeploymentControl } from '../deployment-control/deployment-control';
import {
  judgeDeployment,
  leaveAlone,
  nothingToStop,
  type GuardOutcome,
  type TaskStoppedDetail,
} from '../../../core/guard/guard-decision';

export type { GuardOutcome, TaskStoppedDetail };

/**
 * The guard's result: its decision, or `failed` when the controller could not be asked or told in time. A
 * failed guard leaves the rollback to the alarms, and the later events of the same stop try again.
 */
export type GuardResult = GuardOutcome | { readonly action: 'failed'; readonly reason: string };

export interface GuardDeps {
  readonly control: DeploymentControl;
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
    const call: AwsCall = (what, send) =>
      callWithinBudget(what, send, {
        remainingMs: () => endsAt - Date.now(),
        reserveMs: RESERVE_MS,
        ...(deps.sleep && { sleep: deps.sleep }),
      });
    try {
      return await decide(deps, { ...detail, taskDefinitionArn: stopped }, call);
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
  call: AwsCall,
): Promise<GuardOutcome> {
  const stopped = detail.taskDefinitionArn;
  const unreadable: string[] = [];
  for (const deployment of await deps.control.activeDeployments(call)) {
    const verdict = judgeDeployment(stopped, await deployment.view(), deps.control.activeStatuses);
    if (verdict.kind === 'not-this-one') {
      if (verdict.unreadableBecause !== undefined) unreadable.push(verdict.unreadableBecause);
      continue;
    }
    if (verdict.kind === 'ignore') return leaveAlone(deps.log, verdict.reason, detail);

    const stop = await deps.control.stopWithRollback(deployment.id, call);
    if (!stop.stopped) return leaveAlone(deps.log, stop.reason, detail);
    deps.log({
      level: 'warn',
      msg: 'stopped the deployment with rollback',
      deploymentId: deployment.id,
      task: detail,
    });
    return { action: 'stopped', deploymentId: deployment.id };
  }
  return leaveAlone(deps.log, nothingToStop(stopped, unreadable), detail);
}

const log = (entry: Record<string, unknown>): void => console.log(JSON.stringify(entry));
let configured: ReturnType<typeof createGuard> | undefined;

/** The Lambda entry point; the controller and its names come from the environment the stack sets. */
export async function handler(
  event: EventBridgeEvent<'ECS Task State Change', TaskStoppedDetail>,
  context?: Context,
) {
  configured ??= createGuard({
    control: controlFromEnvironment(process.env, { listsDeployments: true, log }),
    log,
  });
  return configured(event, context);
}
