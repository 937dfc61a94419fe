/**
 * The stopped-task guard for a service on the ECS controller: when ECS stops a task abnormally and the
 * task ran the task definition of the service deployment in progress (bake time included), it stops that
 * deployment with rollback (`StopServiceDeployment`, `stopType: ROLLBACK`). The decision is the CodeDeploy
 * guard's (`core/guard/guard-decision.ts`); only the reading differs: ListServiceDeployments for the
 * deployments still in progress, DescribeServiceRevisions for the task definition each one deploys.
 *
 * The rule delivers every event of an abnormal stop, and the stops of several tasks; the first event
 * stops the deployment, a later one finds it no longer in progress, or ECS answers that it is already
 * stopping, and changes nothing.
 */
import {
  DescribeServiceRevisionsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  type ServiceDeploymentBrief,
} from '@aws-sdk/client-ecs';
import type { EventBridgeEvent } from 'aws-lambda';
import { isNamed } from '../aws-calls/error-name';
import {
  judgeDeployment,
  NATIVE_ACTIVE_STATUSES,
  leaveAlone,
  nothingToStop,
  type DeploymentView,
  type GuardOutcome,
  type TaskStoppedDetail,
} from '../../../core/guard/guard-decision';

export type { GuardOutcome, TaskStoppedDetail };

export interface NativeGuardDeps {
  readonly ecs: ECSClient;
  /** The cluster and service whose deployments the guard may stop. */
  readonly clusterArn: string;
  readonly serviceName: string;
  readonly log: (entry: Record<string, unknown>) => void;
}

export function createNativeGuard(deps: NativeGuardDeps) {
  return async function guard(
    event: Pick<EventBridgeEvent<string, TaskStoppedDetail>, 'detail'>,
  ): Promise<GuardOutcome> {
    const stopped = event?.detail?.taskDefinitionArn;
    if (typeof stopped !== 'string' || stopped === '')
      return leaveAlone(deps.log, 'the event names no task definition', event?.detail);

    const { serviceDeployments = [] } = await deps.ecs.send(
      new ListServiceDeploymentsCommand({
        cluster: deps.clusterArn,
        service: deps.serviceName,
        status: [...NATIVE_ACTIVE_STATUSES],
      }),
    );
    const unreadable: string[] = [];
    for (const deployment of serviceDeployments) {
      const view = await viewOf(deps.ecs, deployment);
      const verdict = judgeDeployment(stopped, view, NATIVE_ACTIVE_STATUSES);
      if (verdict.kind === 'not-this-one') {
        if (verdict.unreadableBecause !== undefined) unreadable.push(verdict.unreadableBecause);
        continue;
      }
      if (verdict.kind === 'ignore') return leaveAlone(deps.log, verdict.reason, event.detail);

      try {
        await deps.ecs.send(
          new StopServiceDeploymentCommand({ serviceDeploymentArn: view.id, stopType: 'ROLLBACK' }),
        );
      } catch (error) {
        // Another event of this stop, another task, an alarm or the hook got there first.
        if (isNamed(error, 'ConflictException')) {
          return leaveAlone(deps.log, `deployment ${view.id} is already stopping or finished`, event.detail);
        }
        throw error;
      }
      deps.log({
        level: 'warn',
        msg: 'stopped the deployment with rollback',
        deploymentId: view.id,
        task: event.detail,
      });
      return { action: 'stopped', deploymentId: view.id };
    }
    return leaveAlone(deps.log, nothingToStop(stopped, unreadable), event.detail);
  };
}

/** What the guard's decision needs of an ECS service deployment. */
async function viewOf(ecs: ECSClient, deployment: ServiceDeploymentBrief): Promise<DeploymentView> {
  const id = deployment.serviceDeploymentArn ?? '(no ARN)';
  const revision = deployment.targetServiceRevisionArn;
  if (revision === undefined) {
    return {
      id,
      status: deployment.status,
      taskDefinition: { unreadableBecause: 'it names no target service revision' },
    };
  }
  const { serviceRevisions = [], failures = [] } = await ecs.send(
    new DescribeServiceRevisionsCommand({ serviceRevisionArns: [revision] }),
  );
  const taskDefinition = serviceRevisions[0]?.taskDefinition;
  return {
    id,
    status: deployment.status,
    // A native rollback is the same deployment in a ROLLBACK_* state, never a listed deployment of its own.
    taskDefinition:
      taskDefinition === undefined
        ? { unreadableBecause: `service revision ${revision}: ${failures[0]?.reason ?? 'not found'}` }
        : { arn: taskDefinition },
  };
}

let configured: ReturnType<typeof createNativeGuard> | undefined;

/** The Lambda entry point; configuration comes from the environment the stack sets. */
export async function handler(event: EventBridgeEvent<'ECS Task State Change', TaskStoppedDetail>) {
  const { CLUSTER_ARN, SERVICE_NAME } = process.env;
  if (!CLUSTER_ARN || !SERVICE_NAME) {
    throw new Error('CLUSTER_ARN and SERVICE_NAME must be set; the stack sets them');
  }
  configured ??= createNativeGuard({
    ecs: new ECSClient({}),
    clusterArn: CLUSTER_ARN,
    serviceName: SERVICE_NAME,
    log: (entry) => console.log(JSON.stringify(entry)),
  });
  return configured(event);
}
