import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CodeDeployClient,
  ContinueDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
} from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../src/cli';
import { testAwsClients } from '../helpers/aws-deps';
import {
  APPLICATION,
  DEPLOYMENT_GROUP,
  at,
  deployment,
  lifecycle,
  target,
  T0,
} from '../helpers/codedeploy-fixtures';
import { brief, CLUSTER, deploymentArn, described, hook, revisions, SERVICE } from '../helpers/ecs-fixtures';
import { FakeClock } from '../helpers/fake-clock';
import { nativeServiceStack, serviceStack } from '../helpers/stack-fixtures';
import { testDeps } from '../helpers/test-deps';
import { codeDeployRuns, GREEN_TASK_SET } from '../helpers/what-runs-fixtures';

const codeDeploy = mockClient(CodeDeployClient);
const ecs = mockClient(ECSClient);
const cloudFormation = mockClient(CloudFormationClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

/** The gate's pause hook while it waits, as DescribeServiceDeployments lists it. */
const PAUSED = {
  hookId: 'ecs-pause-1',
  targetType: 'PAUSE',
  status: 'AWAITING_ACTION',
  expiresAt: at(1800),
  timeoutAction: 'ROLLBACK',
} as const;

function deps() {
  const { now, sleep } = new FakeClock(T0);
  return testDeps({ aws: testAwsClients(), now, sleep });
}

describe('rehearse continue', () => {
  beforeEach(() => {
    for (const mock of [codeDeploy, ecs, cloudFormation, elbv2]) mock.reset();
    codeDeploy
      .on(ListDeploymentTargetsCommand)
      .resolves({ targetIds: ['rehearsal-cluster:rollback-rehearsal'] });
  });

  it('lets the CodeDeploy deployment in Ready go on with READY_WAIT and follows it to success', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(serviceStack());
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-HELD'] });
    codeDeploy.on(ContinueDeploymentCommand).resolves({});
    codeDeploy
      .on(GetDeploymentCommand)
      .resolves(deployment('d-HELD', { status: 'Succeeded', completeTime: at(600) }));
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-HELD', lifecycle(8), 0));
    codeDeployRuns(ecs, elbv2, GREEN_TASK_SET, 8);
    const d = deps();

    expect(await main(['continue'], d)).toBe(0);

    expect(codeDeploy.commandCalls(ListDeploymentsCommand)[0]!.args[0].input).toMatchObject({
      applicationName: APPLICATION,
      deploymentGroupName: DEPLOYMENT_GROUP,
      includeOnlyStatuses: ['Ready'],
    });
    expect(codeDeploy.commandCalls(ContinueDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { deploymentId: 'd-HELD', deploymentWaitType: 'READY_WAIT' },
    ]);
    expect(d.stderr.text).toContain('Deployment d-HELD goes on: production traffic moves to green now.');
    expect(d.stdout.text).toContain('Deployment d-HELD succeeded');
  });

  it('continues the native pause hook that is AWAITING_ACTION, and --no-wait --json says what it did', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(nativeServiceStack());
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [brief('sd-held', 0, 'IN_PROGRESS')] });
    ecs.on(DescribeServiceDeploymentsCommand).resolves(
      described('sd-held', {
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [...hook('SUCCEEDED'), PAUSED],
        ...revisions(0, 100, 2),
      }),
    );
    ecs.on(ContinueServiceDeploymentCommand).resolves({ serviceDeploymentArn: deploymentArn('sd-held') });
    const d = deps();

    expect(await main(['continue', '--no-wait', '--json'], d)).toBe(0);

    expect(ecs.commandCalls(ListServiceDeploymentsCommand)[0]!.args[0].input).toEqual({
      cluster: CLUSTER,
      service: SERVICE,
      status: ['IN_PROGRESS'],
    });
    expect(ecs.commandCalls(ContinueServiceDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { serviceDeploymentArn: deploymentArn('sd-held'), hookId: 'ecs-pause-1', action: 'CONTINUE' },
    ]);
    expect(JSON.parse(d.stdout.text)).toEqual({
      schemaVersion: 1,
      continued: deploymentArn('sd-held'),
      controller: 'ecs',
    });
  });

  it('with nothing held says so, exits 1 and continues nothing (CodeDeploy)', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(serviceStack());
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    const d = deps();

    expect(await main(['continue'], d)).toBe(1);

    expect(codeDeploy.commandCalls(ContinueDeploymentCommand)).toHaveLength(0);
    expect(d.stderr.text).toContain(
      `No release is held before production traffic in ${APPLICATION}/${DEPLOYMENT_GROUP}: nothing to continue.`,
    );
  });

  it('does not continue a native deployment whose only hook is the Lambda one', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(nativeServiceStack());
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [brief('sd-run', 0, 'IN_PROGRESS')] });
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolves(described('sd-run', { lifecycleHookDetails: hook('IN_PROGRESS') }));
    const d = deps();

    expect(await main(['continue'], d)).toBe(1);

    expect(ecs.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(0);
    expect(d.stderr.text).toContain(`in ${CLUSTER}/${SERVICE}: nothing to continue.`);
  });
});
