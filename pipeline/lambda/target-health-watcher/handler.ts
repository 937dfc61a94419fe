/**
 * The target-health watcher: started by a deployment's start event (CodeDeploy's "Deployment
 * State-change Notification" START, or ECS's "ECS Deployment State Change" SERVICE_DEPLOYMENT_IN_PROGRESS),
 * it asks the controller which deployment to watch (`../deployment-control`), watches both target groups
 * (`watch-loop.ts`) and stops that deployment with rollback once every green target has failed its health
 * checks for the confirmation window: seconds after the ALB marks them unhealthy, where the
 * unhealthy-hosts alarm needs minutes and ECS's replacement of the tasks longer still. A rollback is never
 * watched: stopping it would strand the service.
 */
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Context } from 'aws-lambda';
import { directCall } from '../aws-calls/call-within-budget';
import { controlFromEnvironment } from '../deployment-control/control-from-environment';
import type { DeploymentControl } from '../deployment-control/deployment-control';
import { watchDeployment, watchSettingsFromEnv, type WatchLoopDeps, type WatchOutcome } from './watch-loop';

export interface WatcherDeps extends Omit<WatchLoopDeps, 'remainingMs'> {
  readonly control: DeploymentControl;
}

/** Builds the handler around its dependencies. */
export function createWatcher(deps: WatcherDeps) {
  return async function watch(
    event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<WatchOutcome> {
    const target = await deps.control.deploymentToWatch(event);
    if (target.id === undefined) return { action: 'ended', reason: target.none };
    const id = target.id;
    return watchDeployment(
      { ...deps, remainingMs: () => context.getRemainingTimeInMillis() },
      {
        id,
        inProgress: () => deps.control.isInProgress(id),
        // The hook, the guard or an alarm may end it between the read and the stop: that is no error.
        stopWithRollback: async () => void (await deps.control.stopWithRollback(id, directCall)),
      },
    );
  };
}

const log = (entry: Record<string, unknown>): void => console.log(JSON.stringify(entry));
let configured: ReturnType<typeof createWatcher> | undefined;

/** The Lambda entry point; the controller and the timings come from the environment the stack sets. */
export async function handler(event: unknown, context: Context): Promise<WatchOutcome> {
  configured ??= createWatcher({
    control: controlFromEnvironment(process.env, { listsDeployments: true, log }),
    elbv2: new ElasticLoadBalancingV2Client({}),
    ...watchSettingsFromEnv(process.env),
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log,
  });
  return configured(event, context);
}
