import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { latestDeployment, type DeploymentGroupRef } from '../aws/find-deployment';
import { formatWatchEvent, formatWatchSummary } from '../aws/format-watch';
import { watchDeployment, type WatchResult } from '../aws/watch-deployment';
import type { ReleaseFollower } from './followed-release';
import { deploymentTimeline, detectionTime, greenRunningTime, rollbackDoneTime } from './timeline';

/** What stopped the deployment, as CodeDeploy says it, or that nothing did. */
function decidedBy(result: WatchResult): string {
  if (result.error) return `${result.error.code}: ${result.error.message}`;
  if (result.outcome === 'succeeded') return 'none (every step passed)';
  return result.rollbackMessage ?? result.status;
}

/** The drill's deployments under CodeDeploy: the deployment group's, followed with GetDeployment. */
export function codeDeployFollower(client: CodeDeployClient, group: DeploymentGroupRef): ReleaseFollower {
  return {
    controller: 'codedeploy',
    latestId: async (since) => (await latestDeployment(client, group, since))?.deploymentId,
    follow: async (deploymentId, options) => {
      const result = await watchDeployment({
        client,
        deploymentId,
        pollMs: options.pollMs,
        now: options.now,
        sleep: options.sleep,
        ...(options.signal && { signal: options.signal }),
        onEvent: (event) => options.onLine(formatWatchEvent(event)),
      });
      const greenAt = greenRunningTime(result);
      const detectedAt = detectionTime(result);
      const rolledBackAt = rollbackDoneTime(result);
      return {
        id: deploymentId,
        outcome: result.outcome,
        decidedBy: decidedBy(result),
        record: result,
        summary: formatWatchSummary(result),
        timeline: deploymentTimeline(result),
        ...(greenAt !== undefined && { greenAt }),
        ...(detectedAt !== undefined && { detectedAt }),
        ...(rolledBackAt !== undefined && { rolledBackAt }),
      };
    },
  };
}
