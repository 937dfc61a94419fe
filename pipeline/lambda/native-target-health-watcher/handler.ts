/**
 * The target-health watcher for a service on the ECS controller: started by the service's "ECS Deployment
 * State Change" SERVICE_DEPLOYMENT_IN_PROGRESS event, it finds the service deployment in progress
 * (`ListServiceDeployments`), watches both target groups (`../target-health-watcher/watch-loop.ts`) and stops
 * it with rollback (`StopServiceDeployment`, `stopType: ROLLBACK`; Amazon ECS API Reference) once every
 * green target has failed its health checks for the confirmation window. ECS sends the same event when a
 * rollback starts; a native rollback is the same deployment in a ROLLBACK_* state, which the listing leaves
 * out, so a rollback is never stopped.
 */
import { ECSClient, ListServiceDeploymentsCommand, StopServiceDeploymentCommand } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Context } from 'aws-lambda';
import { NATIVE_ACTIVE_STATUSES } from '../../../core/guard/guard-decision';
import { isNamed } from '../aws-calls/error-name';
import {
  watchDeployment,
  watchSettingsFromEnv,
  type WatchLoopDeps,
  type WatchOutcome,
} from '../target-health-watcher/watch-loop';

export interface NativeWatcherDeps extends Omit<WatchLoopDeps, 'remainingMs'> {
  readonly ecs: ECSClient;
  readonly clusterArn: string;
  readonly serviceName: string;
}

/** Builds the handler around its dependencies. */
export function createNativeWatcher(deps: NativeWatcherDeps) {
  const inProgress = async (): Promise<string[]> => {
    const { serviceDeployments = [] } = await deps.ecs.send(
      new ListServiceDeploymentsCommand({
        cluster: deps.clusterArn,
        service: deps.serviceName,
        status: [...NATIVE_ACTIVE_STATUSES],
      }),
    );
    return serviceDeployments.flatMap((d) => (d.serviceDeploymentArn ? [d.serviceDeploymentArn] : []));
  };
  return async function watch(
    _event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<WatchOutcome> {
    const [arn] = await inProgress();
    if (arn === undefined) return { action: 'ended', reason: 'no service deployment in progress' };
    return watchDeployment(
      { ...deps, remainingMs: () => context.getRemainingTimeInMillis() },
      {
        id: arn,
        inProgress: async () => (await inProgress()).includes(arn),
        stopWithRollback: async () => {
          try {
            await deps.ecs.send(
              new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }),
            );
          } catch (error) {
            // The hook, the guard or an alarm ended it between the read and the stop.
            if (!isNamed(error, 'ConflictException')) throw error;
          }
        },
      },
    );
  };
}

let configured: ReturnType<typeof createNativeWatcher> | undefined;

/** The Lambda entry point; configuration comes from the environment the stack sets. */
export async function handler(event: unknown, context: Context): Promise<WatchOutcome> {
  const { CLUSTER_ARN, SERVICE_NAME } = process.env;
  if (!CLUSTER_ARN || !SERVICE_NAME)
    throw new Error('CLUSTER_ARN and SERVICE_NAME must be set; the stack sets them');
  configured ??= createNativeWatcher({
    ecs: new ECSClient({}),
    elbv2: new ElasticLoadBalancingV2Client({}),
    clusterArn: CLUSTER_ARN,
    serviceName: SERVICE_NAME,
    ...watchSettingsFromEnv(process.env),
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (entry) => console.log(JSON.stringify(entry)),
  });
  return configured(event, context);
}
