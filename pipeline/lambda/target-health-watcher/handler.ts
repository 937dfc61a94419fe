/**
 * The target-health watcher for a CodeDeploy deployment group: started by the group's "CodeDeploy
 * Deployment State-change Notification" START event, it watches both target groups (`watch-loop.ts`) and
 * stops the deployment with rollback (`StopDeployment`, `autoRollbackEnabled`) once every green target has
 * failed its health checks for the confirmation window: seconds after the ALB marks them unhealthy, where
 * the unhealthy-hosts alarm needs minutes and ECS's replacement of the tasks longer still. A rollback
 * deployment (creator `codeDeployRollback`) is never watched: stopping it would strand the service.
 */
import { CodeDeployClient, GetDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Context } from 'aws-lambda';
import { ACTIVE_STATUSES } from '../../../core/guard/guard-decision';
import { isNamed } from '../aws-calls/error-name';
import { watchDeployment, watchSettingsFromEnv, type WatchLoopDeps, type WatchOutcome } from './watch-loop';

/** The part of a CodeDeploy deployment state change event the watcher reads. */
export interface DeploymentStartEvent {
  readonly detail?: { readonly deploymentId?: string; readonly state?: string };
}

export interface CodeDeployWatcherDeps extends Omit<WatchLoopDeps, 'remainingMs'> {
  readonly codedeploy: CodeDeployClient;
}

/** Builds the handler around its dependencies. */
export function createWatcher(deps: CodeDeployWatcherDeps) {
  return async function watch(
    event: DeploymentStartEvent | null | undefined,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<WatchOutcome> {
    const deploymentId = event?.detail?.deploymentId;
    if (typeof deploymentId !== 'string' || deploymentId === '')
      return { action: 'ended', reason: 'the event names no deploymentId' };
    const first = await info(deps.codedeploy, deploymentId);
    if (first?.creator === 'codeDeployRollback')
      return { action: 'ended', reason: `deployment ${deploymentId} is a rollback: nothing to watch` };
    return watchDeployment(
      { ...deps, remainingMs: () => context.getRemainingTimeInMillis() },
      {
        id: deploymentId,
        inProgress: async () => {
          const status = (await info(deps.codedeploy, deploymentId))?.status;
          return (ACTIVE_STATUSES as readonly string[]).includes(status ?? '');
        },
        stopWithRollback: async () => {
          try {
            await deps.codedeploy.send(
              new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }),
            );
          } catch (error) {
            // The hook, the guard or an alarm ended it between the read and the stop.
            if (!isNamed(error, 'DeploymentAlreadyCompletedException')) throw error;
          }
        },
      },
    );
  };
}

async function info(codedeploy: CodeDeployClient, deploymentId: string) {
  return (await codedeploy.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
}

let configured: ReturnType<typeof createWatcher> | undefined;

/** The Lambda entry point; configuration comes from the environment the stack sets. */
export async function handler(event: DeploymentStartEvent, context: Context): Promise<WatchOutcome> {
  configured ??= createWatcher({
    codedeploy: new CodeDeployClient({}),
    elbv2: new ElasticLoadBalancingV2Client({}),
    ...watchSettingsFromEnv(process.env),
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (entry) => console.log(JSON.stringify(entry)),
  });
  return configured(event, context);
}
