import type {
  DeploymentLifecycleHookDetail,
  DescribeServiceDeploymentsResponse,
  ServiceDeployment,
  ServiceDeploymentBrief,
  ServiceRevisionSummary,
} from '@aws-sdk/client-ecs';
import { at } from './codedeploy-fixtures';

/** Shapes follow @aws-sdk/client-ecs's typings and what DescribeServiceDeployments returns for BLUE_GREEN. */
export const CLUSTER = 'rehearsal-cluster';
export const SERVICE = 'rollback-rehearsal';
const PREFIX = 'arn:aws:ecs:eu-west-1:123456789012';
export const SERVICE_ARN = `${PREFIX}:service/${CLUSTER}/${SERVICE}`;
export const deploymentArn = (id: string): string =>
  `${PREFIX}:service-deployment/${CLUSTER}/${SERVICE}/${id}`;
export const revisionArn = (id: string): string => `${PREFIX}:service-revision/${CLUSTER}/${SERVICE}/${id}`;
export const HOOK_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:RollbackRehearsal-TestTrafficHook';
export const BLUE = revisionArn('4980306466373577095');
export const GREEN = revisionArn('7723508245693618544');

/** A revision's counts and weights: production %, test %, running of 2 requested. */
function summary(arn: string, production: number, test: number, running: number): ServiceRevisionSummary {
  return {
    arn,
    requestedTaskCount: 2,
    runningTaskCount: running,
    pendingTaskCount: 2 - running,
    requestedProductionTrafficWeight: production,
    requestedTestTrafficWeight: test,
  };
}

/** Blue and green with green's share of production and test traffic and its running tasks. */
export function revisions(
  greenProduction: number,
  greenTest: number,
  greenRunning: number,
): Pick<ServiceDeployment, 'sourceServiceRevisions' | 'targetServiceRevision'> {
  return {
    sourceServiceRevisions: [summary(BLUE, 100 - greenProduction, 100 - greenTest, 2)],
    targetServiceRevision: summary(GREEN, greenProduction, greenTest, greenRunning),
  };
}

/** The test-traffic hook as ECS lists it in the stage it runs at. */
export const hook = (status: DeploymentLifecycleHookDetail['status']): DeploymentLifecycleHookDetail[] => [
  { hookId: 'hook-1', targetType: 'AWS_LAMBDA', targetArn: HOOK_ARN, status },
];

export const ALARMS = ['RollbackRehearsal-UnhealthyHosts-Green', 'RollbackRehearsal-Target5xx-Green'];

/** One DescribeServiceDeployments answer for deployment `id`. */
export function described(
  id: string,
  overrides: Partial<ServiceDeployment>,
): DescribeServiceDeploymentsResponse {
  return {
    serviceDeployments: [
      {
        serviceDeploymentArn: deploymentArn(id),
        serviceArn: SERVICE_ARN,
        clusterArn: `arn:aws:ecs:eu-west-1:123456789012:cluster/${CLUSTER}`,
        createdAt: at(0),
        startedAt: at(1),
        status: 'IN_PROGRESS',
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 5,
          alarms: { alarmNames: ALARMS, enable: true, rollback: true },
          deploymentCircuitBreaker: { enable: true, rollback: true },
        },
        alarms: { status: 'MONITORING', alarmNames: ALARMS, triggeredAlarmNames: [] },
        deploymentCircuitBreaker: { status: 'MONITORING', failureCount: 0, threshold: 3 },
        ...revisions(0, 0, 0),
        ...overrides,
      },
    ],
    failures: [],
  };
}

/** A ListServiceDeployments entry. */
export function brief(id: string, createdSeconds: number, status: ServiceDeploymentBrief['status']) {
  return {
    serviceDeploymentArn: deploymentArn(id),
    serviceArn: SERVICE_ARN,
    clusterArn: `arn:aws:ecs:eu-west-1:123456789012:cluster/${CLUSTER}`,
    createdAt: at(createdSeconds),
    status,
    targetServiceRevisionArn: GREEN,
  } satisfies ServiceDeploymentBrief;
}
