import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CodeDeployClient,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
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
  ROLLBACK_MESSAGE,
  target,
  T0,
} from '../helpers/codedeploy-fixtures';
import { brief, CLUSTER, deploymentArn, described, revisions, SERVICE } from '../helpers/ecs-fixtures';
import { FakeClock } from '../helpers/fake-clock';
import { nativeServiceStack, serviceStack } from '../helpers/stack-fixtures';
import { testDeps } from '../helpers/test-deps';
import { BLUE_TASK_SET, codeDeployRuns, nativeRuns } from '../helpers/what-runs-fixtures';

/** The gate's pause hook as DescribeServiceDeployments lists it while it waits. */
const PAUSED = {
  hookId: 'ecs-pause-1',
  targetType: 'PAUSE',
  status: 'AWAITING_ACTION',
  expiresAt: at(1800),
  timeoutAction: 'ROLLBACK',
} as const;

const codeDeploy = mockClient(CodeDeployClient);
const ecs = mockClient(ECSClient);
const cloudFormation = mockClient(CloudFormationClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

function deps() {
  const { now, sleep } = new FakeClock(T0);
  return testDeps({ aws: testAwsClients(), now, sleep });
}

describe('rehearse rollback', () => {
  beforeEach(() => {
    for (const mock of [codeDeploy, ecs, cloudFormation, elbv2]) mock.reset();
    codeDeploy
      .on(ListDeploymentTargetsCommand)
      .resolves({ targetIds: ['rehearsal-cluster:rollback-rehearsal'] });
  });

  it('stops the CodeDeploy deployment in progress with rollback and follows it to its end', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(serviceStack());
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-RUN'] });
    codeDeploy.on(StopDeploymentCommand).resolves({ status: 'Pending', statusMessage: 'Stop requested' });
    codeDeploy.on(GetDeploymentCommand, { deploymentId: 'd-RUN' }).resolves(
      deployment('d-RUN', {
        status: 'Stopped',
        errorInformation: { code: 'MANUAL_STOP', message: 'Stopped by the user' },
        rollbackInfo: { rollbackMessage: ROLLBACK_MESSAGE },
      }),
    );
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-RUN', lifecycle(2, 'Failed'), 100, 0));
    // After the rollback the original task set serves again: what `rollback` confirms before it exits 0.
    codeDeployRuns(ecs, elbv2, BLUE_TASK_SET, 7);
    const d = deps();

    expect(await main(['rollback'], d)).toBe(0);

    expect(codeDeploy.commandCalls(ListDeploymentsCommand)[0]!.args[0].input).toMatchObject({
      applicationName: APPLICATION,
      deploymentGroupName: DEPLOYMENT_GROUP,
      includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'],
    });
    expect(codeDeploy.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { deploymentId: 'd-RUN', autoRollbackEnabled: true },
    ]);
    expect(d.stderr.text).toContain(
      `Stopped deployment d-RUN of ${APPLICATION}/${DEPLOYMENT_GROUP} with rollback (Pending: Stop requested).`,
    );
    expect(d.stdout.text).toContain('d-RUN');
  });

  it('with nothing in progress says so, exits 1 and stops nothing', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(serviceStack());
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
    const d = deps();

    expect(await main(['rollback'], d)).toBe(1);

    expect(codeDeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
    expect(d.stderr.text).toContain(
      `No deployment in progress in ${APPLICATION}/${DEPLOYMENT_GROUP}: nothing to roll back.`,
    );
  });

  it('stops the latest running ECS service deployment with stopType ROLLBACK, and --no-wait returns', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(nativeServiceStack());
    ecs.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [brief('sd-older', -60, 'PENDING'), brief('sd-run', 0, 'IN_PROGRESS')],
    });
    ecs.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: deploymentArn('sd-run') });
    // Not held: no pause hook waits, so it is stopped rather than rolled back through the hook.
    ecs.on(DescribeServiceDeploymentsCommand).resolves(described('sd-run', {}));
    const d = deps();

    expect(await main(['rollback', '--no-wait', '--json'], d)).toBe(0);

    expect(ecs.commandCalls(ListServiceDeploymentsCommand)[0]!.args[0].input).toEqual({
      cluster: CLUSTER,
      service: SERVICE,
      status: ['PENDING', 'IN_PROGRESS'],
    });
    expect(ecs.commandCalls(StopServiceDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { serviceDeploymentArn: deploymentArn('sd-run'), stopType: 'ROLLBACK' },
    ]);
    // One look for a hold, and none to follow the rollback (--no-wait).
    expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)).toHaveLength(1);
    expect(ecs.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(0);
    expect(JSON.parse(d.stdout.text)).toEqual({
      schemaVersion: 1,
      stopped: deploymentArn('sd-run'),
      controller: 'ecs',
    });
    expect(d.stderr.text).toContain(
      `Stopped service deployment sd-run of ${CLUSTER}/${SERVICE} with rollback`,
    );
  });

  it('follows the ECS rollback and exits 0 once it is rolled back', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(nativeServiceStack());
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [brief('sd-run', 0, 'IN_PROGRESS')] });
    ecs.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: deploymentArn('sd-run') });
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolves(
        described('sd-run', { status: 'ROLLBACK_SUCCESSFUL', finishedAt: at(40), ...revisions(0, 0, 0) }),
      );
    nativeRuns(ecs, elbv2, 7, 'blue');
    const d = deps();

    expect(await main(['rollback'], d)).toBe(0);
    expect(d.stdout.text).toContain('rolled back');
  });

  it('rolls back a native release the gate holds through its pause hook, not StopServiceDeployment', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(nativeServiceStack());
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [brief('sd-held', 0, 'IN_PROGRESS')] });
    ecs.on(DescribeServiceDeploymentsCommand).resolves(
      described('sd-held', {
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [PAUSED],
      }),
    );
    ecs.on(ContinueServiceDeploymentCommand).resolves({ serviceDeploymentArn: deploymentArn('sd-held') });
    const d = deps();

    expect(await main(['rollback', '--no-wait'], d)).toBe(0);

    expect(ecs.commandCalls(ContinueServiceDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { serviceDeploymentArn: deploymentArn('sd-held'), hookId: 'ecs-pause-1', action: 'ROLLBACK' },
    ]);
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
    expect(d.stderr.text).toContain('Rolled back held service deployment sd-held');
  });

  it('stops a CodeDeploy release the gate holds (status Ready) with rollback', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(serviceStack());
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-HELD'] });
    codeDeploy.on(StopDeploymentCommand).resolves({ status: 'Pending' });
    const d = deps();

    expect(await main(['rollback', '--no-wait'], d)).toBe(0);

    expect(codeDeploy.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { deploymentId: 'd-HELD', autoRollbackEnabled: true },
    ]);
    expect(codeDeploy.commandCalls(ListDeploymentsCommand)[0]!.args[0].input.includeOnlyStatuses).toContain(
      'Ready',
    );
  });

  it('rejects an unknown controller as a usage error without calling AWS', async () => {
    const d = deps();
    expect(await main(['rollback', '--controller', 'lambda'], d)).toBe(2);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });
});
