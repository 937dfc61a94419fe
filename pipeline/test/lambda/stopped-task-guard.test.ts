import { DEPLOYMENT_CONTROLLERS } from '../../../contract/native-strategies';
import { createGuard } from '../../lambda/stopped-task-guard/handler';
import { FakeControl, NEW_TD, OLD_TD, stoppedTask } from './fixtures';

/* The guard's own logic, once for each controller name, over a fake of the controller's verbs. */
describe.each(DEPLOYMENT_CONTROLLERS)('the stopped-task guard under %s', (name) => {
  let control: FakeControl;
  const guard = () => createGuard({ control, log: () => undefined });
  const running = name === 'codedeploy' ? 'InProgress' : 'IN_PROGRESS';
  beforeEach(() => {
    control = new FakeControl(name);
  });

  test('stops, once, only the deployment whose task definition the stopped task ran', async () => {
    control.deployments = [
      { view: { id: 'old', status: running, taskDefinition: { arn: OLD_TD } } },
      { view: { id: 'new', status: running, taskDefinition: { arn: NEW_TD } } },
    ];
    await expect(guard()(stoppedTask(NEW_TD))).resolves.toEqual({ action: 'stopped', deploymentId: 'new' });
    expect(control.stops).toEqual(['new']);
  });

  test('leaves a deployment alone that the controller lists in a state it can no longer roll back', async () => {
    const ending = name === 'codedeploy' ? 'Stopped' : 'ROLLBACK_IN_PROGRESS';
    control.deployments = [{ view: { id: 'new', status: ending, taskDefinition: { arn: NEW_TD } } }];
    await expect(guard()(stoppedTask(NEW_TD))).resolves.toEqual({
      action: 'ignored',
      reason: `deployment new is already ${ending}`,
    });
    expect(control.stops).toEqual([]);
  });

  test('a stop another event got to first is the controller’s reason, not an error', async () => {
    control.deployments = [
      {
        view: { id: 'new', status: running, taskDefinition: { arn: NEW_TD } },
        alreadyEnding: 'ended already',
      },
    ];
    await expect(guard()(stoppedTask(NEW_TD))).resolves.toEqual({
      action: 'ignored',
      reason: 'ended already',
    });
  });

  test('names the deployments it could not match to the task', async () => {
    control.deployments = [{ view: { id: 'new', taskDefinition: { unreadableBecause: 'no AppSpec' } } }];
    await expect(guard()(stoppedTask(NEW_TD))).resolves.toEqual({
      action: 'ignored',
      reason: `no deployment in progress is deploying ${NEW_TD} (not checked: new: no AppSpec)`,
    });
  });
});
