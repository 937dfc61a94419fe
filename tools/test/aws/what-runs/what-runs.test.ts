import { DescribeServiceDeploymentsCommand, ECSClient, type Service } from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  checkCodeDeployRuns,
  checkNativeRuns,
  liveRuleTargets,
  type CodeDeployTaskSet,
} from '../../../src/aws/what-runs/what-runs';
import { CLUSTER, deploymentArn, described, revisions, SERVICE } from '../../helpers/ecs-fixtures';
import {
  describeService,
  nativeService,
  primaryTaskSet,
  RULE,
  ruleWeights,
  serviceRevisions,
  targetHealth,
  TG,
} from '../../helpers/what-runs-fixtures';

const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const clients = {
  ecs: new ECSClient({ region: 'eu-west-1' }),
  elbv2: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
};
const REF = { cluster: CLUSTER, service: SERVICE };
const service = (overrides: Partial<Service>): void => describeService(ecs, overrides);
const health = (group: string, ...states: Parameters<typeof targetHealth>[2][]): void =>
  targetHealth(elbv2, group, ...states);

beforeEach(() => {
  ecs.reset();
  elbv2.reset();
});

describe('what runs after a CodeDeploy release', () => {
  const TASK_SETS: CodeDeployTaskSet[] = [
    { label: 'Blue', identifier: 'ecs-svc/1111' },
    { label: 'Green', identifier: 'ecs-svc/2222' },
  ];
  const primary = (id: string, revision: number, running = 2) => primaryTaskSet(id, revision, running);

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
    serviceRevisions(ecs);
  }

  const rule = (...groups: [string, number][]): void => ruleWeights(elbv2, RULE, ...groups);
  const running = nativeService;

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
