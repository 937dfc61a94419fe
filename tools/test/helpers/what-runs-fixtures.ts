import {
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  type ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { BLUE, GREEN, SERVICE } from './ecs-fixtures';

/** Shapes follow @aws-sdk/client-ecs and @aws-sdk/client-elastic-load-balancing-v2's typings. */
export type EcsStub = AwsClientStub<ECSClient>;
export type Elbv2Stub = AwsClientStub<ElasticLoadBalancingV2Client>;

export const TG = (name: string): string =>
  `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${name}/0123456789abcdef`;
export const TD = (revision: number): string =>
  `arn:aws:ecs:eu-west-1:123456789012:task-definition/RollbackRehearsal:${revision}`;
export const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/alb/1/2/3';
export const TEST_RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/alb/1/4/5';

/** The task sets of `codedeploy-fixtures`' target: the original (Blue) and the replacement (Green). */
export const BLUE_TASK_SET = 'ecs-svc/1111111111111111111';
export const GREEN_TASK_SET = 'ecs-svc/2222222222222222222';

/** DescribeServices answers with this service: 2 desired, the rest from `overrides`. */
export function describeService(ecs: EcsStub, overrides: Partial<Service>): void {
  ecs
    .on(DescribeServicesCommand)
    .resolves({ services: [{ serviceName: SERVICE, desiredCount: 2, ...overrides }], failures: [] });
}

/** DescribeTargetHealth of `targetGroup`: one target per state. */
export function targetHealth(
  elbv2: Elbv2Stub,
  targetGroup: string,
  ...states: TargetHealthStateEnum[]
): void {
  elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: targetGroup }).resolves({
    TargetHealthDescriptions: states.map((State, i) => ({
      Target: { Id: `10.0.1.${i + 10}`, Port: 8080 },
      TargetHealth: { State },
    })),
  });
}

/** DescribeRules of `rule`: a forward to the target groups with these weights. */
export function ruleWeights(elbv2: Elbv2Stub, rule: string, ...groups: [string, number][]): void {
  elbv2.on(DescribeRulesCommand, { RuleArns: [rule] }).resolves({
    Rules: [
      {
        RuleArn: rule,
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: { TargetGroups: groups.map(([arn, Weight]) => ({ TargetGroupArn: arn, Weight })) },
          },
        ],
      },
    ],
  });
}

/** The service with one PRIMARY task set, as ECS describes a CodeDeploy-controlled service. */
export const primaryTaskSet = (
  id: string,
  revision: number,
  running = 2,
  group = 'green',
): Partial<Service> => ({
  taskSets: [
    {
      id,
      status: 'PRIMARY',
      taskDefinition: TD(revision),
      computedDesiredCount: 2,
      runningCount: running,
      loadBalancers: [{ targetGroupArn: TG(group), containerName: 'app', containerPort: 8080 }],
    },
  ],
});

/** A native service running `revision`, its production and test rules named as the stack names them. */
export const nativeService = (revision: number): Partial<Service> => ({
  taskDefinition: TD(revision),
  runningCount: 2,
  loadBalancers: [
    {
      targetGroupArn: TG('blue'),
      containerName: 'app',
      containerPort: 8080,
      advancedConfiguration: {
        alternateTargetGroupArn: TG('green'),
        productionListenerRule: RULE,
        testListenerRule: TEST_RULE,
        roleArn: 'arn:aws:iam::123456789012:role/RollbackRehearsal-LoadBalancers',
      },
    },
  ],
});

/** The service revisions of `ecs-fixtures`: blue runs task definition 7, green 8. */
export function serviceRevisions(ecs: EcsStub): void {
  ecs.on(DescribeServiceRevisionsCommand, { serviceRevisionArns: [GREEN] }).resolves({
    serviceRevisions: [{ serviceRevisionArn: GREEN, taskDefinition: TD(8) }],
  });
  ecs.on(DescribeServiceRevisionsCommand, { serviceRevisionArns: [BLUE] }).resolves({
    serviceRevisions: [{ serviceRevisionArn: BLUE, taskDefinition: TD(7) }],
  });
}

/**
 * After a CodeDeploy release: the PRIMARY task set is `primary` on `revision`, both its tasks healthy in
 * the green target group.
 */
export function codeDeployRuns(ecs: EcsStub, elbv2: Elbv2Stub, primary: string, revision: number): void {
  describeService(ecs, primaryTaskSet(primary, revision));
  targetHealth(elbv2, TG('green'), 'healthy', 'healthy');
}

/**
 * After a native release: the service runs `revision`, production goes to `production`, where both tasks
 * are healthy.
 */
export function nativeRuns(
  ecs: EcsStub,
  elbv2: Elbv2Stub,
  revision: number,
  production: 'blue' | 'green',
  extra: Partial<Service> = {},
): void {
  serviceRevisions(ecs);
  describeService(ecs, { ...nativeService(revision), ...extra });
  const other = production === 'blue' ? 'green' : 'blue';
  ruleWeights(elbv2, RULE, [TG(production), 100], [TG(other), 0]);
  targetHealth(elbv2, TG(production), 'healthy', 'healthy');
}
