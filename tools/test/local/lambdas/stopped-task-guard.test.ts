import type { DeploymentView } from '../../../../core/guard/guard-decision';
import { LocalStoppedTaskGuard, localTaskDefinitionArn } from '../../../src/local/lambdas/stopped-task-guard';
import type { TaskStopping } from '../../../src/local/ecs/task-set';
import { FakeClock } from '../../helpers/fake-clock';

const GREEN = localTaskDefinitionArn('rollback-rehearsal', '2');
const BLUE = localTaskDefinitionArn('rollback-rehearsal', '1');

const stopping = (overrides: Partial<TaskStopping> = {}): TaskStopping => ({
  taskId: 'green-1',
  group: 'green',
  at: 0,
  stopCode: 'ServiceSchedulerInitiated',
  reason: 'Task failed ELB health checks in (target-group green)',
  abnormal: true,
  ...overrides,
});

function setup(
  deployment: DeploymentView = { id: 'd-1', status: 'InProgress', taskDefinition: { arn: GREEN } },
) {
  const clock = new FakeClock();
  const stopped: string[] = [];
  const decisions: string[] = [];
  const guard = new LocalStoppedTaskGuard({
    clock,
    eventDeliveryMs: 750,
    reactionMs: 750,
    deployments: () => [deployment],
    stopDeployment: (id, task) => stopped.push(`${id}: ${task.stoppedReason}`),
    onDecision: (outcome) => decisions.push(outcome.action),
  });
  return { clock, guard, stopped, decisions };
}

describe('local stopped-task guard', () => {
  test('an abnormal stop of a green task stops the deployment after the delivery and the reaction', async () => {
    const { clock, guard, stopped } = setup();
    guard.taskStopping(stopping(), GREEN);
    await clock.advance(1499);
    expect(stopped).toEqual([]);
    await clock.advance(1);
    expect(stopped).toEqual(['d-1: Task failed ELB health checks in (target-group green)']);
  });

  test('a blue task stopping leaves the deployment alone, with the decision code’s reason', async () => {
    const { clock, guard, stopped, decisions } = setup();
    guard.taskStopping(stopping({ taskId: 'blue-1', group: 'blue' }), BLUE);
    await clock.advance(1500);
    expect(stopped).toEqual([]);
    expect(decisions).toEqual(['ignored']);
  });

  test('a stop the scheduler asked for (scaling) never reaches the guard: the rule does not match it', async () => {
    const { clock, guard, decisions } = setup();
    guard.taskStopping(
      stopping({ abnormal: false, reason: 'Scaling activity initiated by deployment' }),
      GREEN,
    );
    await clock.advance(1500);
    expect(decisions).toEqual([]);
  });

  test('a deployment already rolling back is not stopped again', async () => {
    const { clock, guard, stopped, decisions } = setup({
      id: 'd-1',
      status: 'InProgress',
      rollbackDeploymentId: 'd-2',
      taskDefinition: { arn: GREEN },
    });
    guard.taskStopping(stopping(), GREEN);
    await clock.advance(1500);
    expect(stopped).toEqual([]);
    expect(decisions).toEqual(['ignored']);
  });
});
