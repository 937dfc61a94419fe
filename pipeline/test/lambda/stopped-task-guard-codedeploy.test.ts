import {
  CodeDeployClient,
  DeploymentAlreadyCompletedException,
  GetDeploymentCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { createGuard } from '../../lambda/stopped-task-guard/handler';
import { appSpec, codeDeployControl, endsIn, NEW_TD, OLD_TD, stoppedTask, throttled } from './fixtures';

/* The guard under the codedeploy controller: the CodeDeploy calls it makes and how it reads their answers. */
const codedeploy = mockClient(CodeDeployClient);
const guard = createGuard({ control: codeDeployControl(), log: () => undefined });

beforeEach(() => {
  codedeploy.reset();
  codedeploy.on(StopDeploymentCommand).resolves({ status: 'Pending' });
});

test('a crashed task of the deployment in progress stops that deployment with rollback, once', async () => {
  codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-NEW'] });
  codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-NEW' }).resolves({
    deploymentInfo: { creator: 'CodeDeploy', revision: { appSpecContent: { content: appSpec(NEW_TD) } } },
  });

  await expect(guard(stoppedTask(NEW_TD))).resolves.toEqual({ action: 'stopped', deploymentId: 'd-NEW' });

  expect(codedeploy.commandCalls(ListDeploymentsCommand)[0]!.args[0].input).toMatchObject({
    applicationName: 'app',
    deploymentGroupName: 'group',
    includeOnlyStatuses: expect.arrayContaining(['InProgress', 'Baking']),
  });
  const stops = codedeploy.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input);
  expect(stops).toEqual([{ deploymentId: 'd-NEW', autoRollbackEnabled: true }]);
});

test('a green task ECS stopped for failing its ELB health checks stops the deployment too', async () => {
  codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-NEW'] });
  codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-NEW' }).resolves({
    deploymentInfo: { creator: 'CodeDeploy', revision: { appSpecContent: { content: appSpec(NEW_TD) } } },
  });
  const elbStop = {
    detail: {
      taskDefinitionArn: NEW_TD,
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason:
        'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/green/0123456789abcdef)',
    },
  };
  await expect(guard(elbStop)).resolves.toEqual({ action: 'stopped', deploymentId: 'd-NEW' });
});

test('a crash with no deployment in progress (after the bake period) leaves ECS to restart the task', async () => {
  codedeploy.on(ListDeploymentsCommand).resolves({ deployments: [] });
  await expect(guard(stoppedTask(NEW_TD))).resolves.toMatchObject({ action: 'ignored' });
  expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
});

test('a blue task dying while a rollback redeploys blue does not stop the rollback', async () => {
  codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-RB'] });
  codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-RB' }).resolves({
    deploymentInfo: {
      creator: 'codeDeployRollback',
      revision: { appSpecContent: { content: appSpec(OLD_TD) } },
    },
  });
  await expect(guard(stoppedTask(OLD_TD))).resolves.toMatchObject({ action: 'ignored' });
  expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
});

test('a blue task dying during a deployment of a different task definition is not the release at fault', async () => {
  codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-NEW'] });
  codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-NEW' }).resolves({
    deploymentInfo: { creator: 'CodeDeploy', revision: { appSpecContent: { content: appSpec(NEW_TD) } } },
  });
  await expect(guard(stoppedTask(OLD_TD))).resolves.toEqual({
    action: 'ignored',
    reason: `no deployment in progress is deploying ${OLD_TD}`,
  });
  expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
});

test('an event without a task definition is ignored without calling CodeDeploy', async () => {
  await expect(guard({ detail: {} })).resolves.toMatchObject({ action: 'ignored' });
  expect(codedeploy.calls()).toHaveLength(0);
});

test('a deployment that finished in the meantime is not an error', async () => {
  codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-NEW'] });
  codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-NEW' }).resolves({
    deploymentInfo: { creator: 'CodeDeploy', revision: { appSpecContent: { content: appSpec(NEW_TD) } } },
  });
  codedeploy
    .on(StopDeploymentCommand)
    .rejects(new DeploymentAlreadyCompletedException({ message: 'already stopped', $metadata: {} }));
  await expect(guard(stoppedTask(NEW_TD))).resolves.toEqual({
    action: 'ignored',
    reason: 'deployment d-NEW had already finished',
  });
});

test('a deployment whose revision is the deprecated String type is matched like inline AppSpec content', async () => {
  codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-STR'] });
  codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-STR' }).resolves({
    deploymentInfo: {
      creator: 'user',
      revision: { revisionType: 'String', string: { content: appSpec(NEW_TD) } },
    },
  });
  await expect(guard(stoppedTask(NEW_TD))).resolves.toEqual({ action: 'stopped', deploymentId: 'd-STR' });
});

test('a deployment whose AppSpec is in S3 is not stopped, and the reason says it could not be checked', async () => {
  codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-S3'] });
  codedeploy.on(GetDeploymentCommand, { deploymentId: 'd-S3' }).resolves({
    deploymentInfo: {
      creator: 'user',
      revision: { revisionType: 'S3', s3Location: { bucket: 'releases', key: 'appspec.yml' } },
    },
  });
  const outcome = await guard(stoppedTask(NEW_TD));
  expect(outcome).toEqual({
    action: 'ignored',
    reason: expect.stringContaining('not checked: d-S3: its AppSpec is in S3 (s3://releases/appspec.yml)'),
  });
  expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
});

describe('several events of one stop (the rule matches from desiredStatus STOPPED to lastStatus STOPPED)', () => {
  const elbStopEvent = (lastStatus: string) => ({
    detail: {
      taskDefinitionArn: NEW_TD,
      lastStatus,
      desiredStatus: 'STOPPED',
      stopCode: 'ServiceSchedulerInitiated',
      stoppedReason: 'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:x)',
    },
  });
  /** One deployment in progress for the new task definition, with `extra` in what GetDeployment returns. */
  const givenDeployment = (extra: Partial<DeploymentInfo>): void => {
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-NEW'] });
    codedeploy.on(GetDeploymentCommand).resolves({
      deploymentInfo: {
        creator: 'CodeDeploy',
        revision: { appSpecContent: { content: appSpec(NEW_TD) } },
        ...extra,
      },
    });
  };

  test('the first event, while the task still runs, stops the deployment', async () => {
    givenDeployment({ status: 'InProgress' });
    await expect(guard(elbStopEvent('RUNNING'))).resolves.toEqual({
      action: 'stopped',
      deploymentId: 'd-NEW',
    });
  });

  test.each<[string, Partial<DeploymentInfo>, string, string]>([
    [
      'a later event finds the deployment rolling back and does not stop it again',
      { status: 'InProgress', rollbackInfo: { rollbackDeploymentId: 'd-RB' } },
      'STOPPED',
      'deployment d-NEW is already rolling back (d-RB)',
    ],
    [
      'a deployment that stopped between the listing and the read is left alone',
      { status: 'Stopped' },
      'DEACTIVATING',
      'deployment d-NEW is already Stopped',
    ],
  ])('%s', async (_name, info, lastStatus, reason) => {
    givenDeployment(info);
    await expect(guard(elbStopEvent(lastStatus))).resolves.toEqual({ action: 'ignored', reason });
    expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  });

  test('a stop that lost the race is recognised by the error name, whichever copy of the SDK threw it', async () => {
    givenDeployment({ status: 'InProgress' });
    const raced = Object.assign(new Error('The deployment d-NEW is already completed'), {
      name: 'DeploymentAlreadyCompletedException',
    });
    codedeploy.on(StopDeploymentCommand).rejects(raced);
    await expect(guard(elbStopEvent('STOPPING'))).resolves.toEqual({
      action: 'ignored',
      reason: 'deployment d-NEW had already finished',
    });
  });

  test('a throttled stop is retried within the budget and then stops the deployment', async () => {
    givenDeployment({ status: 'InProgress' });
    codedeploy
      .on(StopDeploymentCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({ status: 'Pending' });
    await expect(fastGuard(elbStopEvent('RUNNING'), 10_000)).resolves.toEqual({
      action: 'stopped',
      deploymentId: 'd-NEW',
    });
    expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(3);
  });
});

/** The guard with instant back-off, run with `remainingMs` of Lambda time left. */
const fastGuard = (event: Parameters<typeof guard>[0], remainingMs: number) =>
  createGuard({
    control: codeDeployControl(),
    log: () => undefined,
    sleep: () => new Promise((resolve) => setTimeout(resolve, 5)),
  })(event, endsIn(remainingMs));

describe('hostile events and AWS APIs that throttle or stall: always a classified result', () => {
  it.each<[string, unknown]>([
    ['no event at all', undefined],
    ['a null event', null],
    ['an empty event', {}],
    ['an empty detail', { detail: {} }],
    ['a task definition that is not a string', { detail: { taskDefinitionArn: 42 } }],
  ])('%s is ignored without calling CodeDeploy', async (_, event) => {
    await expect(guard(event as Parameters<typeof guard>[0])).resolves.toEqual({
      action: 'ignored',
      reason: 'the event names no task definition',
    });
    expect(codedeploy.calls()).toHaveLength(0);
  });

  it('leaves alone a task of another service or cluster: no deployment here deploys its task definition', async () => {
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-NEW'] });
    codedeploy.on(GetDeploymentCommand).resolves({
      deploymentInfo: { creator: 'CodeDeploy', revision: { appSpecContent: { content: appSpec(NEW_TD) } } },
    });
    const other = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/other-service:3';
    await expect(guard(stoppedTask(other))).resolves.toEqual({
      action: 'ignored',
      reason: `no deployment in progress is deploying ${other}`,
    });
    expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
  });

  it('the same event twice, or the last event before the first, stops once and then changes nothing', async () => {
    codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-NEW'] });
    codedeploy
      .on(GetDeploymentCommand)
      .resolvesOnce({
        deploymentInfo: {
          creator: 'CodeDeploy',
          status: 'InProgress',
          revision: { appSpecContent: { content: appSpec(NEW_TD) } },
        },
      })
      .resolves({
        deploymentInfo: {
          creator: 'CodeDeploy',
          status: 'InProgress',
          rollbackInfo: { rollbackDeploymentId: 'd-RB' },
          revision: { appSpecContent: { content: appSpec(NEW_TD) } },
        },
      });
    const last = { detail: { taskDefinitionArn: NEW_TD, lastStatus: 'STOPPED', desiredStatus: 'STOPPED' } };
    await expect(guard(last)).resolves.toMatchObject({ action: 'stopped' });
    await expect(guard(last)).resolves.toMatchObject({
      action: 'ignored',
      reason: expect.stringContaining('already rolling back'),
    });
    expect(codedeploy.commandCalls(StopDeploymentCommand)).toHaveLength(1);
  });

  it.each([
    ['ListDeployments', ListDeploymentsCommand],
    ['GetDeployment', GetDeploymentCommand],
    ['StopDeployment', StopDeploymentCommand],
  ] as const)(
    '%s throttled past the budget: failed, naming the call, before the Lambda times out',
    async (name, command) => {
      codedeploy.on(ListDeploymentsCommand).resolves({ deployments: ['d-NEW'] });
      codedeploy.on(GetDeploymentCommand).resolves({
        deploymentInfo: {
          creator: 'CodeDeploy',
          status: 'InProgress',
          revision: { appSpecContent: { content: appSpec(NEW_TD) } },
        },
      });
      codedeploy.on(command as typeof ListDeploymentsCommand).rejects(throttled());
      const started = Date.now();
      const result = await fastGuard(stoppedTask(NEW_TD), 1_500);
      expect(result).toEqual({
        action: 'failed',
        reason: expect.stringMatching(
          new RegExp(`^could not finish: CallGaveUp: ${name}.*ThrottlingException: Rate exceeded`),
        ),
      });
      // The guard keeps a second back for its own log line: it ends before the Lambda's time runs out.
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(codedeploy.commandCalls(command as typeof ListDeploymentsCommand).length).toBeGreaterThan(1);
    },
  );

  it('an API that never answers ends in failed within the budget', async () => {
    codedeploy.on(ListDeploymentsCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    await expect(fastGuard(stoppedTask(NEW_TD), 1_300)).resolves.toEqual({
      action: 'failed',
      reason: expect.stringContaining('ListDeployments: no answer within'),
    });
    expect(Date.now() - started).toBeLessThan(1_300);
  });

  it('an error that retrying cannot fix is reported at once as failed', async () => {
    codedeploy
      .on(ListDeploymentsCommand)
      .rejects(Object.assign(new Error('no such group'), { name: 'DeploymentGroupDoesNotExistException' }));
    await expect(fastGuard(stoppedTask(NEW_TD), 10_000)).resolves.toEqual({
      action: 'failed',
      reason: 'could not finish: DeploymentGroupDoesNotExistException: no such group',
    });
    expect(codedeploy.commandCalls(ListDeploymentsCommand)).toHaveLength(1);
  });
});
