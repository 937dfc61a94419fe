import type { ECSClient } from '@aws-sdk/client-ecs';
import { formatNativeEvent, formatNativeSummary } from '../../aws/format-native';
import { latestServiceDeployment, type NativeServiceRef } from '../../aws/native-deployment';
import { AWAITING_ACTION, PAUSE, watchNativeDeployment } from '../../aws/watch-native';
import { confirmNativeRelease } from '../../aws/what-runs/confirm-release';
import type { WhatRunsClients } from '../../aws/what-runs/what-runs';
import { nativeDeploymentEvents } from './native-timeline';
import type { ReleaseFollower } from './followed-release';

/**
 * The drill's deployments under the `ecs` controller: the service deployment the pipeline's deploy step
 * starts with UpdateService, found with ListServiceDeployments and followed with DescribeServiceDeployments,
 * then what the service runs read from ECS and the load balancer.
 */
export function nativeFollower(
  client: ECSClient,
  service: NativeServiceRef,
  whatRuns: WhatRunsClients,
): ReleaseFollower {
  return {
    controller: 'ecs',
    latestId: async (since) => (await latestServiceDeployment(client, service, since))?.serviceDeploymentArn,
    follow: async (deploymentArn, options) => {
      const watched = await watchNativeDeployment({
        client,
        deploymentArn,
        pollMs: options.pollMs,
        now: options.now,
        sleep: options.sleep,
        ...(options.signal && { signal: options.signal }),
        onEvent: (event) => {
          options.onLine(formatNativeEvent(event));
          if (event.type === 'hook' && event.targetType === PAUSE && event.status === AWAITING_ACTION)
            options.onHeld?.();
        },
      });
      const result = await confirmNativeRelease(whatRuns, watched);
      return {
        id: deploymentArn,
        outcome: result.outcome,
        record: result,
        summary: formatNativeSummary(result),
        events: (startedAt) => nativeDeploymentEvents(result, startedAt),
      };
    },
  };
}
