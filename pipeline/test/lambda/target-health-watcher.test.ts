import {
  CodeDeployClient,
  DeploymentAlreadyCompletedException,
  GetDeploymentCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { ECSClient, ListServiceDeploymentsCommand, StopServiceDeploymentCommand } from '@aws-sdk/client-ecs';
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type TargetHealthStateEnum,
  type TargetHealthReasonEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { DEPLOYMENT_CONTROLLERS } from '../../../contract/native-strategies';
import { createWatcher } from '../../lambda/target-health-watcher/handler';
import { watchSettingsFromEnv } from '../../lambda/target-health-watcher/watch-loop';
import { codeDeployControl, ecsControl, FakeControl, SERVICE_DEPLOYMENT } from './fixtures';

const BLUE = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/1';
const GREEN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/green/2';

const codedeploy = mockClient(CodeDeployClient);
const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

/** A clock that moves only when the watcher sleeps. */
function clock() {
  let time = 0;
  return { now: () => time, sleep: (ms: number) => Promise.resolve(void (time += ms)) };
}
const loopDeps = () => ({
  elbv2: new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
  targetGroupArns: [BLUE, GREEN],
  pollMs: 5_000,
  confirmMs: 5_000,
  limitMs: 600_000,
  log: () => undefined,
  ...clock(),
});
const context = { getRemainingTimeInMillis: () => 900_000 };
const health = (State: TargetHealthStateEnum, Reason?: TargetHealthReasonEnum) => ({
  TargetHealthDescriptions: [1, 2].map((i) => ({
    Target: { Id: `10.0.0.${i}`, Port: 8080 },
    TargetHealth: { State, ...(Reason && { Reason }) },
  })),
});

beforeEach(() => {
  codedeploy.reset();
  ecs.reset();
  elbv2.reset();
  elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: BLUE }).resolves(health('healthy'));
});

describe.each(DEPLOYMENT_CONTROLLERS)('the watcher under %s, over a fake of the controller', (name) => {
  let control: FakeControl;
  const watcher = () => createWatcher({ ...loopDeps(), control });
  beforeEach(() => {
    control = new FakeControl(name);
    control.deployments = [{ view: { id: 'd-NEW', taskDefinition: { arn: 'td' } } }];
  });

  test('stops the deployment it was started for once every green target failed for the window', async () => {
    elbv2
      .on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN })
      .resolves(health('unhealthy', 'Target.ResponseCodeMismatch'));
    await expect(watcher()({}, context)).resolves.toMatchObject({ action: 'stopped', deploymentId: 'd-NEW' });
    expect(control.stops).toEqual(['d-NEW']);
  });

  test('ends without a stop once the controller says the deployment is over', async () => {
    control.inProgressReads = 2;
    elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN }).resolves(health('healthy'));
    await expect(watcher()({}, context)).resolves.toEqual({
      action: 'ended',
      reason: 'deployment d-NEW is no longer in progress',
    });
    expect(control.stops).toEqual([]);
  });

  test('a stop the controller finds already ending still ends the watch as stopped', async () => {
    control.deployments = [{ view: { id: 'd-NEW', taskDefinition: { arn: 'td' } }, alreadyEnding: 'done' }];
    elbv2
      .on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN })
      .resolves(health('unhealthy', 'Target.Timeout'));
    await expect(watcher()({}, context)).resolves.toMatchObject({ action: 'stopped' });
  });

  test('watches nothing when the controller names no deployment', async () => {
    control.deployments = [];
    await expect(watcher()({}, context)).resolves.toEqual({ action: 'ended', reason: 'nothing in progress' });
    expect(elbv2.commandCalls(DescribeTargetHealthCommand)).toHaveLength(0);
  });
});

describe('the watcher under codedeploy', () => {
  const watcher = () => createWatcher({ ...loopDeps(), control: codeDeployControl() });
  const event = { detail: { deploymentId: 'd-NEW', state: 'START' } };

  test('stops the deployment with rollback once every green target failed for the confirmation window', async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
    elbv2
      .on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN })
      .resolvesOnce(health('initial', 'Elb.InitialHealthChecking'))
      .resolves(health('unhealthy', 'Target.ResponseCodeMismatch'));
    const outcome = await watcher()(event, context);
    expect(outcome).toMatchObject({ action: 'stopped', deploymentId: 'd-NEW', targetGroupArn: GREEN });
    expect(codedeploy.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { deploymentId: 'd-NEW', autoRollbackEnabled: true },
    ]);
    // Initial at 0 s, failing from 5 s, confirmed at the read 5 s later: three reads of green.
    expect(elbv2.commandCalls(DescribeTargetHealthCommand, { TargetGroupArn: GREEN })).toHaveLength(3);
  });

  test('leaves a slow start alone: green turns healthy and the deployment ends without a stop', async () => {
    codedeploy
      .on(GetDeploymentCommand)
      .resolvesOnce({ deploymentInfo: { status: 'InProgress' } })
      .resolvesOnce({ deploymentInfo: { status: 'InProgress' } })
      .resolvesOnce({ deploymentInfo: { status: 'InProgress' } })
      .resolves({ deploymentInfo: { status: 'Succeeded' } });
    elbv2
      .on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN })
      .resolvesOnce(health('initial', 'Elb.InitialHealthChecking'))
      .resolves(health('healthy'));
    const outcome = await watcher()(event, context);
    expect(outcome).toEqual({ action: 'ended', reason: 'deployment d-NEW is no longer in progress' });
    expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  });

  test('never watches a rollback deployment', async () => {
    codedeploy
      .on(GetDeploymentCommand)
      .resolves({ deploymentInfo: { status: 'InProgress', creator: 'codeDeployRollback' } });
    const outcome = await watcher()(event, context);
    expect(outcome).toMatchObject({
      action: 'ended',
      reason: expect.stringContaining('is a rollback') as string,
    });
    expect(elbv2.commandCalls(DescribeTargetHealthCommand)).toHaveLength(0);
  });

  test('accepts that the deployment completed between its read and the stop', async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
    codedeploy
      .on(StopDeploymentCommand)
      .rejects(new DeploymentAlreadyCompletedException({ message: 'done', $metadata: {} }));
    elbv2
      .on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN })
      .resolves(health('unhealthy', 'Target.Timeout'));
    await expect(watcher()(event, context)).resolves.toMatchObject({ action: 'stopped' });
  });

  test('ends before the invocation runs out of time', async () => {
    codedeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { status: 'InProgress' } });
    elbv2.on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN }).resolves(health('healthy'));
    const outcome = await watcher()(event, { getRemainingTimeInMillis: () => 12_000 });
    expect(outcome).toMatchObject({
      action: 'ended',
      reason: expect.stringContaining('nearly up') as string,
    });
  });
});

describe('the watcher under ecs', () => {
  const watcher = () => createWatcher({ ...loopDeps(), control: ecsControl() });

  test('stops the service deployment in progress with stopType ROLLBACK', async () => {
    ecs.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [{ serviceDeploymentArn: SERVICE_DEPLOYMENT, status: 'IN_PROGRESS' }],
    });
    elbv2
      .on(DescribeTargetHealthCommand, { TargetGroupArn: GREEN })
      .resolves(health('unhealthy', 'Target.FailedHealthChecks'));
    await expect(watcher()({}, context)).resolves.toMatchObject({ action: 'stopped' });
    expect(ecs.commandCalls(StopServiceDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { serviceDeploymentArn: SERVICE_DEPLOYMENT, stopType: 'ROLLBACK' },
    ]);
    expect(ecs.commandCalls(ListServiceDeploymentsCommand)[0]!.args[0].input).toMatchObject({
      status: ['PENDING', 'IN_PROGRESS'],
    });
  });

  test('has nothing to watch when no service deployment is in progress (a rollback is listed as none)', async () => {
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    await expect(watcher()({}, context)).resolves.toEqual({
      action: 'ended',
      reason: 'no service deployment in progress',
    });
  });
});

describe('the watcher settings the stack passes', () => {
  test('are read from the environment, and a missing one is named', () => {
    const env = {
      TARGET_GROUP_ARNS: `${BLUE},${GREEN}`,
      POLL_SECONDS: '5',
      CONFIRM_SECONDS: '5',
      WATCH_LIMIT_SECONDS: '600',
    };
    expect(watchSettingsFromEnv(env)).toEqual({
      targetGroupArns: [BLUE, GREEN],
      pollMs: 5_000,
      confirmMs: 5_000,
      limitMs: 600_000,
    });
    expect(() => watchSettingsFromEnv({ ...env, POLL_SECONDS: 'soon' })).toThrow(
      'POLL_SECONDS must be a positive number of seconds, got "soon"',
    );
    expect(() => watchSettingsFromEnv({ ...env, TARGET_GROUP_ARNS: '' })).toThrow('TARGET_GROUP_ARNS');
  });
});
