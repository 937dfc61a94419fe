import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  DeploymentGroupDoesNotExistException,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../src/cli';
import { testAwsClients } from '../helpers/aws-deps';
import {
  ALARM_MESSAGE,
  APPLICATION,
  DEPLOYMENT_GROUP,
  at,
  deployment,
  lifecycle,
  ROLLBACK_MESSAGE,
  target,
  T0,
} from '../helpers/codedeploy-fixtures';
import { FakeClock } from '../helpers/fake-clock';
import { noCredentials, serviceStack, stackMissing } from '../helpers/stack-fixtures';
import { testDeps } from '../helpers/test-deps';
import { BLUE_TASK_SET, codeDeployRuns, GREEN_TASK_SET } from '../helpers/what-runs-fixtures';

const codeDeploy = mockClient(CodeDeployClient);
const cloudFormation = mockClient(CloudFormationClient);
const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

function deps() {
  const { now, sleep, sleeps } = new FakeClock(T0);
  return { sleeps, deps: testDeps({ aws: testAwsClients(), now, sleep }) };
}

describe('rehearse watch', () => {
  beforeEach(() => {
    for (const mock of [codeDeploy, cloudFormation, ecs, elbv2]) mock.reset();
    codeDeploy
      .on(ListDeploymentTargetsCommand)
      .resolves({ targetIds: ['rehearsal-cluster:rollback-rehearsal'] });
  });

  it('follows the given deployment, prints each event and exits 0 when it succeeds', async () => {
    codeDeploy
      .on(GetDeploymentCommand)
      .resolvesOnce(deployment('d-ABC', { status: 'InProgress' }))
      .resolves(deployment('d-ABC', { status: 'Succeeded', completeTime: at(300) }));
    codeDeploy
      .on(GetDeploymentTargetCommand)
      .resolvesOnce(target('d-ABC', lifecycle(3, 'InProgress'), 100))
      .resolves(target('d-ABC', lifecycle(8), 0));
    codeDeployRuns(ecs, elbv2, GREEN_TASK_SET, 8);
    const { deps: d, sleeps } = deps();
    expect(await main(['watch', '--deployment-id', 'd-ABC', '--poll', '2s'], d)).toBe(0);
    expect(sleeps).toEqual([2000]);
    expect(d.stdout.text).toContain('12:00:25  d-ABC  BeforeInstall Succeeded in 15s');
    expect(d.stdout.text).toMatch(/traffic Blue 0% \(2\/2 running\), Green 100% \(2\/2 running\)/);
    expect(d.stdout.text).toContain('Deployment d-ABC succeeded (status Succeeded).');
    expect(d.stdout.text).toContain('took 300s from creation to end');
    expect(ecs.commandCalls(DescribeServicesCommand)[0]!.args[0].input).toEqual({
      cluster: 'rehearsal-cluster',
      services: ['arn:aws:ecs:eu-west-1:123456789012:service/rehearsal-cluster/rollback-rehearsal'],
    });
    expect(d.stdout.text).toContain(
      `what runs: task set ${GREEN_TASK_SET} (RollbackRehearsal:8), as expected, every task healthy where production goes`,
    );
  });

  it('exits 1 with outcome mismatch when CodeDeploy reports success but the original task set is PRIMARY', async () => {
    codeDeploy
      .on(GetDeploymentCommand)
      .resolves(deployment('d-ABC', { status: 'Succeeded', completeTime: at(300) }));
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-ABC', lifecycle(8), 0));
    codeDeployRuns(ecs, elbv2, BLUE_TASK_SET, 7);
    const { deps: d } = deps();

    expect(await main(['watch', '--deployment-id', 'd-ABC'], d)).toBe(1);

    expect(d.stdout.text).toContain(
      'Deployment d-ABC ended, but the service does not run what its controller reported (status Succeeded).',
    );
    expect(d.stdout.text).toContain('what runs does NOT match the reported outcome (succeeded):');
    expect(d.stdout.text).toContain(`expected: the Green task set ${GREEN_TASK_SET}`);
    expect(d.stdout.text).toContain(`runs:     task set ${BLUE_TASK_SET} (RollbackRehearsal:7)`);
    expect(d.stdout.text).toContain(
      `- the PRIMARY task set is ${BLUE_TASK_SET}, not Green ${GREEN_TASK_SET}`,
    );
  });

  it('counts a check it cannot read as a mismatch, naming why', async () => {
    codeDeploy
      .on(GetDeploymentCommand)
      .resolves(deployment('d-ABC', { status: 'Succeeded', completeTime: at(300) }));
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-ABC', lifecycle(8), 0));
    ecs.on(DescribeServicesCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: ecs:DescribeServices'), {
        name: 'AccessDeniedException',
      }),
    );
    const { deps: d } = deps();

    expect(await main(['watch', '--deployment-id', 'd-ABC', '--json'], d)).toBe(1);

    expect(JSON.parse(d.stdout.text)).toMatchObject({
      outcome: 'mismatch',
      reportedOutcome: 'succeeded',
      whatRuns: {
        ok: false,
        runs: 'unknown',
        problems: [
          'could not read what the service runs: User is not authorized to perform: ecs:DescribeServices',
        ],
      },
    });
  });

  it('with --timeout: stops watching a deployment that has not ended by then, says so and exits 1', async () => {
    codeDeploy.on(GetDeploymentCommand).resolves(deployment('d-ABC', { status: 'InProgress' }));
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-ABC', lifecycle(3, 'InProgress'), 100));
    const { deps: d, sleeps } = deps();
    const argv = ['watch', '--deployment-id', 'd-ABC', '--poll', '5s', '--timeout', '12s'];
    expect(await main(argv, d)).toBe(1);
    expect(sleeps).toEqual([5000, 5000, 2000]);
    expect(d.stdout.text).toContain('is still running');
    expect(d.stderr.text).toContain('The deployment had not ended after --timeout 12s; it goes on in AWS.');
  });

  it('with --timeout: a deployment that ends in time keeps its own exit code', async () => {
    codeDeploy
      .on(GetDeploymentCommand)
      .resolvesOnce(deployment('d-ABC', { status: 'InProgress' }))
      .resolves(deployment('d-ABC', { status: 'Succeeded', completeTime: at(300) }));
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-ABC', lifecycle(8), 0));
    codeDeployRuns(ecs, elbv2, GREEN_TASK_SET, 8);
    const { deps: d } = deps();
    const argv = ['watch', '--deployment-id', 'd-ABC', '--poll', '5s', '--timeout', '1m'];
    expect(await main(argv, d)).toBe(0);
    expect(d.stderr.text).not.toContain('--timeout');
  });

  it('finds the latest deployment of the group from the stack outputs and exits 1 on a rollback', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(serviceStack());
    codeDeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-OLD', 'd-NEW'] });
    codeDeploy.on(BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [
        deployment('d-OLD', { createTime: at(-3600) }).deploymentInfo!,
        deployment('d-NEW', { createTime: at(0) }).deploymentInfo!,
      ],
    });
    codeDeploy.on(GetDeploymentCommand, { deploymentId: 'd-NEW' }).resolves(
      deployment('d-NEW', {
        status: 'Stopped',
        errorInformation: { code: 'ALARM_ACTIVE', message: ALARM_MESSAGE },
        rollbackInfo: { rollbackMessage: ROLLBACK_MESSAGE },
      }),
    );
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-NEW', lifecycle(2, 'Failed'), 100, 0));
    codeDeployRuns(ecs, elbv2, BLUE_TASK_SET, 7);
    const { deps: d } = deps();
    expect(await main(['watch', '--json'], d)).toBe(1);
    expect(codeDeploy.commandCalls(ListDeploymentsCommand)[0]!.args[0].input).toMatchObject({
      applicationName: APPLICATION,
      deploymentGroupName: DEPLOYMENT_GROUP,
    });
    const result = JSON.parse(d.stdout.text);
    expect(result).toMatchObject({
      deploymentId: 'd-NEW',
      outcome: 'rolled-back',
      error: { code: 'ALARM_ACTIVE' },
      whatRuns: { ok: true, expected: `the Blue task set ${BLUE_TASK_SET}` },
    });
    expect(d.stderr.text).toContain('stopped by ALARM_ACTIVE');
  });

  it('uses --application and --deployment-group without reading the stack', async () => {
    codeDeploy.on(ListDeploymentsCommand).rejects(
      new DeploymentGroupDoesNotExistException({
        message: 'No Deployment Group found for name: nope',
        $metadata: {},
      }),
    );
    const { deps: d } = deps();
    expect(await main(['watch', '--application', 'app', '--deployment-group', 'nope'], d)).toBe(1);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(d.stderr.text).toContain('DeploymentGroupDoesNotExist: No Deployment Group found for name: nope');
  });

  it('explains a stack that is not deployed', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(stackMissing());
    const { deps: d } = deps();
    expect(await main(['watch'], d)).toBe(1);
    expect(d.stderr.text).toMatch(
      /Stack with id RollbackRehearsalService does not exist\. Deploy the stacks first/,
    );
  });

  it('explains missing credentials', async () => {
    cloudFormation.on(DescribeStacksCommand).rejects(noCredentials());
    const { deps: d } = deps();
    expect(await main(['watch'], d)).toBe(1);
    expect(d.stderr.text).toMatch(/^No AWS credentials: .*Set AWS_PROFILE/);
  });

  it('exits 2 on a bad poll interval', async () => {
    const { deps: d } = deps();
    expect(await main(['watch', '--poll', 'often'], d)).toBe(2);
    expect(d.stderr.text).toMatch(/--poll TIME/);
  });
});
