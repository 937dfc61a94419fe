import { deploymentConfig } from '../../../contract/deployment-configs';
import type { TaskLaunch, TaskProcess } from '../../src/local/ecs/task-process';
import { runSuite } from '../../src/suite/run-suite';
import { suitePlan } from '../../src/suite/plan/suite-plan';
import { fakeRehearse } from '../helpers/rehearsal-result';

const idle: TaskProcess = {
  exited: new Promise(() => undefined),
  kill: () => undefined,
  lastOutput: () => '',
};

describe('runSuite on several controllers', () => {
  test("names each rehearsal's task processes after its controller and fault, so none clash", async () => {
    const ids: string[] = [];
    const runs = await runSuite({
      entries: suitePlan('none,health-fail', ['codedeploy', 'ecs']),
      parallel: 4,
      config: deploymentConfig('CodeDeployDefault.ECSCanary10Percent5Minutes')!,
      timeScale: 20,
      rate: 5,
      launch: (task: TaskLaunch) => {
        ids.push(task.id);
        return idle;
      },
      rehearse: (options) => {
        options.launch({
          id: 'blue-1',
          host: '127.0.0.1',
          port: 1,
          metricsPort: 2,
          version: 'blue',
          faults: '',
        });
        return fakeRehearse()(options);
      },
    });
    expect(ids).toEqual([
      'codedeploy-healthy-blue-1',
      'ecs-healthy-blue-1',
      'codedeploy-health-fail-blue-1',
      'ecs-health-fail-blue-1',
    ]);
    expect(runs.map((r) => (r.state === 'done' ? r.result.controller : r.state))).toEqual([
      'codedeploy',
      'ecs',
      'codedeploy',
      'ecs',
    ]);
  });
});
