import {
  ConflictException,
  DescribeServiceRevisionsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { createGuard } from '../../lambda/stopped-task-guard/handler';
import {
  CLUSTER,
  ecsControl,
  GREEN_REVISION as REVISION,
  NEW_TD,
  OLD_TD,
  SERVICE_DEPLOYMENT as DEPLOYMENT,
  stoppedTask,
} from './fixtures';

/* The guard under the ecs controller: the ECS calls it makes and how it reads their answers. */
const ecs = mockClient(ECSClient);
const guard = createGuard({ control: ecsControl(), log: () => undefined });
const inProgress = (status = 'IN_PROGRESS') =>
  ecs.on(ListServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      {
        serviceDeploymentArn: DEPLOYMENT,
        targetServiceRevisionArn: REVISION,
        status: status as 'IN_PROGRESS',
      },
    ],
  });

beforeEach(() => {
  ecs.reset();
  ecs.on(DescribeServiceRevisionsCommand, { serviceRevisionArns: [REVISION] }).resolves({
    serviceRevisions: [{ serviceRevisionArn: REVISION, taskDefinition: NEW_TD }],
  });
  ecs.on(StopServiceDeploymentCommand).resolves({ serviceDeploymentArn: DEPLOYMENT });
});

test('a crashed task of the deployment in progress stops it with rollback, listing only deployments still in progress', async () => {
  inProgress();
  await expect(guard(stoppedTask(NEW_TD))).resolves.toEqual({ action: 'stopped', deploymentId: DEPLOYMENT });
  expect(ecs.commandCalls(ListServiceDeploymentsCommand)[0]!.args[0].input).toEqual({
    cluster: CLUSTER,
    service: 'svc',
    status: ['PENDING', 'IN_PROGRESS'],
  });
  expect(ecs.commandCalls(StopServiceDeploymentCommand).map((c) => c.args[0].input)).toEqual([
    { serviceDeploymentArn: DEPLOYMENT, stopType: 'ROLLBACK' },
  ]);
});

test('a blue task (the task definition the deployment replaces) is left to ECS', async () => {
  inProgress();
  await expect(guard(stoppedTask(OLD_TD))).resolves.toEqual({
    action: 'ignored',
    reason: `no deployment in progress is deploying ${OLD_TD}`,
  });
  expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
});

test('no deployment in progress (after the bake time) stops nothing', async () => {
  ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
  await expect(guard(stoppedTask(NEW_TD))).resolves.toMatchObject({ action: 'ignored' });
  expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
});

test('a deployment already rolling back is not stopped again', async () => {
  inProgress('ROLLBACK_IN_PROGRESS');
  await expect(guard(stoppedTask(NEW_TD))).resolves.toEqual({
    action: 'ignored',
    reason: `deployment ${DEPLOYMENT} is already ROLLBACK_IN_PROGRESS`,
  });
  expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
});

test('a later event of the same stop, answered with a conflict, changes nothing', async () => {
  inProgress();
  ecs
    .on(StopServiceDeploymentCommand)
    .rejects(new ConflictException({ message: 'already stopping', $metadata: {} }));
  await expect(guard(stoppedTask(NEW_TD))).resolves.toEqual({
    action: 'ignored',
    reason: `deployment ${DEPLOYMENT} is already stopping or finished`,
  });
});

test('a revision ECS cannot describe is named in the reason, not guessed at', async () => {
  inProgress();
  ecs
    .on(DescribeServiceRevisionsCommand)
    .resolves({ serviceRevisions: [], failures: [{ arn: REVISION, reason: 'MISSING' }] });
  await expect(guard(stoppedTask(NEW_TD))).resolves.toEqual({
    action: 'ignored',
    reason: `no deployment in progress is deploying ${NEW_TD} (not checked: ${DEPLOYMENT}: service revision ${REVISION}: MISSING)`,
  });
});

test('an event without a task definition is ignored with the reason', async () => {
  await expect(guard({ detail: {} })).resolves.toEqual({
    action: 'ignored',
    reason: 'the event names no task definition',
  });
  expect(ecs.commandCalls(ListServiceDeploymentsCommand)).toHaveLength(0);
});
