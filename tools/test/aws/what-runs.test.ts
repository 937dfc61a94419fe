import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  type Service,
} from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthStateEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  checkCodeDeployRuns,
  checkNativeRuns,
  liveRuleTargets,
  type CodeDeployTaskSet,
} from '../../src/aws/what-runs';
import { BLUE, CLUSTER, deploymentArn, described, GREEN, revisions, SERVICE } from '../helpers/ecs-fixtures';

const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const clients = {
  ecs: new ECSClient({ region: 'eu-west-1' }),
  elbv2: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
};
const REF = { cluster: CLUSTER, service: SERVICE };
const TG = (name: string): string =>
  `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${name}/0123456789abcdef`;
const TD = (revision: number): string =>
  `arn:aws:ecs:eu-west-1:123456789012:task-definition/RollbackRehearsal:${revision}`;
const RULE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/alb/1/2/3';

function service(overrides: Partial<Service>): void {
  ecs
    .on(DescribeServicesCommand)
    .resolves({ services: [{ serviceName: SERVICE, desiredCount: 2, ...overrides }] });
}

function health(targetGroup: string, ...states: TargetHealthStateEnum[]): void {
  elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: targetGroup }).resolves({
    TargetHealthDescriptions: states.map((State, i) => ({
      Target: { Id: `10.0.1.${i + 10}`, Port: 8080 },
      TargetHealth: { State },
    })),
  });
}

beforeEach(() => {
  ecs.reset();
  elbv2.reset();
});

describe('what runs after a CodeDeploy release', () => {
  const TASK_SETS: CodeDeployTaskSet[] = [
    { label: 'Blue', identifier: 'ecs-svc/1111' },
    { label: 'Green', identifier: 'ecs-svc/2222' },
  ];
  const primary = (id: string, revision: number, running = 2) => ({
    taskSets: [
      {
        id,
        status: 'PRIMARY',
        taskDefinition: TD(revision),
        computedDesiredCount: 2,
        runningCount: running,
        loadBalancers: [{ targetGroupArn: TG('green'), containerName: 'app', containerPort: 8080 }],
      },
    ],
  });

  it('passes a success whose PRIMARY task set is green with every task healthy in production', async () => {
    service(primary('ecs-svc/2222', 8));
    health(TG('green'), 'healthy', 'healthy', 'draining');
    const check = await checkCodeDeployRuns(clients, REF, 'succeeded', TASK_SETS);
    expect(check).toEqual({
      ok: true,
      expected: 'the Green task set ecs-svc/2222',
      runs: 'task set ecs-svc/2222 (RollbackRehearsal:8)',
      problems: [],
    });
  });

  it('reports a success while the original task set still serves as a mismatch', async () => {
    service(primary('ecs-svc/1111', 7));
    health(TG('green'), 'healthy', 'healthy');
    const check = await checkCodeDeployRuns(clients, REF, 'succeeded', TASK_SETS);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual(['the PRIMARY task set is ecs-svc/1111, not Green ecs-svc/2222']);
  });

  it('expects the original task set after a rollback, and counts unhealthy targets there', async () => {
    service(primary('ecs-svc/1111', 7, 1));
    health(TG('green'), 'healthy', 'unhealthy');
    const check = await checkCodeDeployRuns(clients, REF, 'rolled-back', TASK_SETS);
    expect(check.expected).toBe('the Blue task set ecs-svc/1111');
    expect(check.problems).toEqual([
      '1 of 2 desired tasks run',
      'target group green (weight 100) has 1 healthy of 2 desired, 1 not healthy',
    ]);
  });
});

describe('what runs after a native ECS blue/green release', () => {
  const ARN = deploymentArn('sd-release-1');

  function deployment(): void {
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolves(described('sd-release-1', { status: 'SUCCESSFUL', ...revisions(100, 100, 2) }));
    ecs.on(DescribeServiceRevisionsCommand, { serviceRevisionArns: [GREEN] }).resolves({
      serviceRevisions: [{ serviceRevisionArn: GREEN, taskDefinition: TD(8) }],
    });
    ecs.on(DescribeServiceRevisionsCommand, { serviceRevisionArns: [BLUE] }).resolves({
      serviceRevisions: [{ serviceRevisionArn: BLUE, taskDefinition: TD(7) }],
    });
  }

  function rule(...groups: [string, number][]): void {
    elbv2.on(DescribeRulesCommand, { RuleArns: [RULE] }).resolves({
      Rules: [
        {
          RuleArn: RULE,
          Actions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: groups.map(([arn, Weight]) => ({ TargetGroupArn: arn, Weight })),
              },
            },
          ],
        },
      ],
    });
  }

  const running = (revision: number): Partial<Service> => ({
    taskDefinition: TD(revision),
    runningCount: 2,
    loadBalancers: [
      {
        targetGroupArn: TG('blue'),
        containerName: 'app',
        containerPort: 8080,
        advancedConfiguration: { alternateTargetGroupArn: TG('green'), productionListenerRule: RULE },
      },
    ],
  });

  it("passes a success that runs the target revision's task definition, healthy where production goes", async () => {
    deployment();
    service(running(8));
    rule([TG('blue'), 0], [TG('green'), 100]);
    health(TG('green'), 'healthy', 'healthy');
    const check = await checkNativeRuns(clients, REF, 'succeeded', ARN);
    expect(check).toEqual({
      ok: true,
      expected: 'task definition RollbackRehearsal:8 (the target revision)',
      runs: 'task definition RollbackRehearsal:8',
      problems: [],
    });
  });

  it('reports a success whose service still runs the previous task definition', async () => {
    deployment();
    service(running(7));
    rule([TG('blue'), 0], [TG('green'), 100]);
    health(TG('green'), 'healthy', 'healthy');
    const check = await checkNativeRuns(clients, REF, 'succeeded', ARN);
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual(['the service runs RollbackRehearsal:7, not RollbackRehearsal:8']);
  });

  it('reports production pointing at a target group with no healthy target', async () => {
    deployment();
    service(running(7));
    rule([TG('blue'), 100], [TG('green'), 0]);
    health(TG('blue'));
    const check = await checkNativeRuns(clients, REF, 'rolled-back', ARN);
    expect(check.expected).toBe('task definition RollbackRehearsal:7 (the source revision)');
    expect(check.problems).toEqual(['target group blue (weight 100) has 0 healthy of 2 desired']);
  });
});

describe('liveRuleTargets', () => {
  it('reads a plain forward as all of the traffic to one target group', async () => {
    elbv2.on(DescribeRulesCommand).resolves({
      Rules: [{ RuleArn: RULE, Actions: [{ Type: 'forward', TargetGroupArn: TG('blue') }] }],
    });
    expect(await liveRuleTargets(clients.elbv2, RULE)).toEqual([{ arn: TG('blue'), weight: 100 }]);
  });
});
