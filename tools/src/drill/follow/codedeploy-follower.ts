import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { latestDeployment, type DeploymentGroupRef } from '../../aws/find-deployment';
import { formatWatchEvent, formatWatchSummary } from '../../aws/format-watch';
import { watchDeployment } from '../../aws/watch-deployment';
import { confirmCodeDeployRelease } from '../../aws/what-runs/confirm-release';
import type { WhatRunsClients } from '../../aws/what-runs/what-runs';
import type { ReleaseFollower } from './followed-release';
import { deploymentEvents } from './deployment-events';

/**
 * The drill's deployments under CodeDeploy: the deployment group's, followed with GetDeployment, then what
 * the service runs read from ECS and the load balancer.
 */
export function codeDeployFollower(
  client: CodeDeployClient,
  group: DeploymentGroupRef,
  whatRuns: WhatRunsClients,
): ReleaseFollower {
  return {
    controller: 'codedeploy',
    latestId: async (since) => (await latestDeployment(client, group, since))?.deploymentId,
    follow: async (deploymentId, options) => {
      const watched = await watchDeployment({
        client,
        deploymentId,
        pollMs: options.pollMs,
        now: options.now,
        sleep: options.sleep,
        ...(options.signal && { signal: options.signal }),
        onEvent: (event) => {
          options.onLine(formatWatchEvent(event));
          if (event.type === 'held') options.onHeld?.();
        },
      });
      const result = await confirmCodeDeployRelease(whatRuns, watched);
      return {
        id: deploymentId,
        outcome: result.outcome,
        record: result,
        summary: formatWatchSummary(result),
        events: (startedAt) => deploymentEvents(result, startedAt),
      };
    },
  };
}
