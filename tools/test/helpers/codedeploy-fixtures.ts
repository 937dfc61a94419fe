import type {
  DeploymentInfo,
  DeploymentTarget,
  GetDeploymentOutput,
  GetDeploymentTargetOutput,
  LifecycleEvent,
  LifecycleEventStatus,
} from '@aws-sdk/client-codedeploy';

/** Shapes follow @aws-sdk/client-codedeploy's typings and what GetDeployment returns for ECS blue/green. */
export const APPLICATION = 'RollbackRehearsal-App';
export const DEPLOYMENT_GROUP = 'RollbackRehearsal-DG';
export const T0 = Date.parse('2026-11-23T12:00:00Z');
export const at = (seconds: number): Date => new Date(T0 + seconds * 1000);

/** The lifecycle events of an ECS deployment, in the order CodeDeploy runs them. */
export const ECS_EVENTS = [
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'AllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
] as const;

/** Lifecycle events: the first `done` succeeded, the next has `current` status, the rest are pending. */
export function lifecycle(
  done: number,
  current?: LifecycleEventStatus,
  diagnostics?: LifecycleEvent['diagnostics'],
): LifecycleEvent[] {
  return ECS_EVENTS.map((name, i) => {
    const start = at(10 + i * 20);
    if (i < done)
      return { lifecycleEventName: name, status: 'Succeeded', startTime: start, endTime: at(25 + i * 20) };
    if (i === done && current) {
      return {
        lifecycleEventName: name,
        status: current,
        startTime: start,
        ...(current !== 'InProgress' && { endTime: at(28 + i * 20) }),
        ...(diagnostics && { diagnostics }),
      };
    }
    return { lifecycleEventName: name, status: 'Pending' };
  });
}

export function deployment(id: string, overrides: Partial<DeploymentInfo>): GetDeploymentOutput {
  return {
    deploymentInfo: {
      applicationName: APPLICATION,
      deploymentGroupName: DEPLOYMENT_GROUP,
      deploymentConfigName: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
      deploymentId: id,
      computePlatform: 'ECS',
      creator: 'user',
      createTime: at(0),
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      ...overrides,
    },
  };
}

export function target(
  id: string,
  events: LifecycleEvent[],
  blueWeight: number,
  greenRunning = 2,
): GetDeploymentTargetOutput {
  const deploymentTarget: DeploymentTarget = {
    deploymentTargetType: 'ECSTarget',
    ecsTarget: {
      deploymentId: id,
      targetId: 'rehearsal-cluster:rollback-rehearsal',
      targetArn: 'arn:aws:ecs:eu-west-1:123456789012:service/rehearsal-cluster/rollback-rehearsal',
      lastUpdatedAt: at(60),
      status: 'InProgress',
      lifecycleEvents: events,
      taskSetsInfo: [
        {
          identifer: 'ecs-svc/1111111111111111111',
          desiredCount: 2,
          pendingCount: 0,
          runningCount: 2,
          status: 'PRIMARY',
          trafficWeight: blueWeight,
          targetGroup: { name: 'Rehearsal-Blue' },
          taskSetLabel: 'Blue',
        },
        {
          identifer: 'ecs-svc/2222222222222222222',
          desiredCount: 2,
          pendingCount: 2 - greenRunning,
          runningCount: greenRunning,
          status: 'ACTIVE',
          trafficWeight: 100 - blueWeight,
          targetGroup: { name: 'Rehearsal-Green' },
          taskSetLabel: 'Green',
        },
      ],
    },
  };
  return { deploymentTarget };
}

export const ALARM_MESSAGE =
  'One or more alarms have been activated according to the Amazon CloudWatch metrics you selected, and the affected deployments have been stopped. Activated alarms: <RollbackRehearsal-Green-UnhealthyHosts>';
export const HOOK_MESSAGE =
  'The deployment failed because one or more lifecycle event hooks failed: AfterAllowTestTraffic (Lambda function RollbackRehearsal-TestTrafficHook)';
export const ROLLBACK_MESSAGE = 'Deployment rolled back: production traffic is back on the original task set';
