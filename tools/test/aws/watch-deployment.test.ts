import {
  CodeDeployClient,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { watchDeployment, type WatchEvent } from '../../src/aws/watch-deployment';
import {
  ALARM_MESSAGE,
  at,
  deployment,
  ECS_EVENTS,
  HOOK_MESSAGE,
  lifecycle,
  ROLLBACK_MESSAGE,
  target,
  T0,
} from '../helpers/codedeploy-fixtures';
import { FakeClock } from '../helpers/fake-clock';

const codeDeploy = mockClient(CodeDeployClient);
const TARGET = 'rehearsal-cluster:rollback-rehearsal';

function watch(deploymentId = 'd-RELEASE01') {
  const events: WatchEvent[] = [];
  const { now, sleep, sleeps } = new FakeClock(T0);
  const promise = watchDeployment({
    client: new CodeDeployClient({ region: 'eu-west-1' }),
    deploymentId,
    pollMs: 5000,
    now,
    sleep,
    onEvent: (event) => events.push(event),
  });
  return { promise, events, sleeps };
}

describe('watchDeployment', () => {
  beforeEach(() => {
    codeDeploy.reset();
    codeDeploy.on(ListDeploymentTargetsCommand).resolves({ targetIds: [TARGET] });
  });

  it('follows a successful canary deployment through every lifecycle event and traffic shift', async () => {
    codeDeploy
      .on(GetDeploymentCommand)
      .resolvesOnce(deployment('d-RELEASE01', { status: 'InProgress' }))
      .resolvesOnce(deployment('d-RELEASE01', { status: 'InProgress' }))
      .resolvesOnce(deployment('d-RELEASE01', { status: 'InProgress' }))
      .resolves(deployment('d-RELEASE01', { status: 'Succeeded', completeTime: at(600) }));
    codeDeploy
      .on(GetDeploymentTargetCommand)
      .resolvesOnce(target('d-RELEASE01', lifecycle(1, 'InProgress'), 100, 0))
      .resolvesOnce(target('d-RELEASE01', lifecycle(6, 'InProgress'), 90))
      .resolvesOnce(target('d-RELEASE01', lifecycle(7, 'InProgress'), 0))
      .resolves(target('d-RELEASE01', lifecycle(8), 0));

    const { promise, events, sleeps } = watch();
    const result = await promise;

    expect(result).toMatchObject({ deploymentId: 'd-RELEASE01', status: 'Succeeded', outcome: 'succeeded' });
    expect(sleeps).toEqual([5000, 5000, 5000]);
    const succeeded = events
      .filter((e) => e.type === 'lifecycle' && e.status === 'Succeeded')
      .map((e) => (e as { name: string }).name);
    expect(succeeded).toEqual(ECS_EVENTS);
    const weights = events
      .filter((e) => e.type === 'traffic')
      .map((e) =>
        (e as { taskSets: { label: string; trafficWeight: number }[] }).taskSets
          .map((s) => `${s.label}:${s.trafficWeight}`)
          .join(' '),
      );
    expect(weights).toEqual(['Blue:100 Green:0', 'Blue:90 Green:10', 'Blue:0 Green:100']);
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'Succeeded', at: at(600).getTime() });
    // Pending events are not news.
    expect(events.some((e) => e.type === 'lifecycle' && e.status === 'Pending')).toBe(false);
  });

  it('reports the alarm that stopped a deployment and its in-place rollback', async () => {
    codeDeploy
      .on(GetDeploymentCommand)
      .resolvesOnce(deployment('d-RELEASE01', { status: 'InProgress' }))
      .resolves(
        deployment('d-RELEASE01', {
          status: 'Stopped',
          completeTime: at(200),
          errorInformation: { code: 'ALARM_ACTIVE', message: ALARM_MESSAGE },
          rollbackInfo: { rollbackMessage: ROLLBACK_MESSAGE },
        }),
      );
    codeDeploy
      .on(GetDeploymentTargetCommand)
      .resolvesOnce(target('d-RELEASE01', lifecycle(2, 'InProgress'), 100, 1))
      .resolves(target('d-RELEASE01', lifecycle(2, 'Failed'), 100, 0));

    const { promise, events } = watch();
    const result = await promise;

    expect(result).toMatchObject({
      status: 'Stopped',
      outcome: 'rolled-back',
      error: { code: 'ALARM_ACTIVE' },
      rollbackMessage: ROLLBACK_MESSAGE,
    });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'error', code: 'ALARM_ACTIVE', message: ALARM_MESSAGE }),
    );
    expect(events).toContainEqual(expect.objectContaining({ type: 'rollback', message: ROLLBACK_MESSAGE }));
  });

  it('reports the hook that failed, with its diagnostics', async () => {
    const diagnostics = {
      errorCode: 'ScriptFailed' as const,
      message: 'test listener: 10 of 20 requests answered 500',
    };
    codeDeploy.on(GetDeploymentCommand).resolves(
      deployment('d-RELEASE01', {
        status: 'Failed',
        completeTime: at(150),
        errorInformation: { code: 'HOOK_EXECUTION_FAILURE', message: HOOK_MESSAGE },
        rollbackInfo: { rollbackMessage: ROLLBACK_MESSAGE },
      }),
    );
    codeDeploy
      .on(GetDeploymentTargetCommand)
      .resolves(target('d-RELEASE01', lifecycle(4, 'Failed', diagnostics), 100));

    const { promise, events } = watch();
    const result = await promise;

    expect(result.outcome).toBe('rolled-back');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'lifecycle',
        name: 'AfterAllowTestTraffic',
        status: 'Failed',
        diagnostics: 'ScriptFailed: test listener: 10 of 20 requests answered 500',
      }),
    );
    expect(events).toContainEqual(expect.objectContaining({ type: 'error', code: 'HOOK_EXECUTION_FAILURE' }));
  });

  it('calls a deployment stopped without rollback "stopped"', async () => {
    codeDeploy.on(GetDeploymentCommand).resolves(
      deployment('d-RELEASE01', {
        status: 'Stopped',
        completeTime: at(90),
        errorInformation: { code: 'MANUAL_STOP', message: 'The deployment was stopped by a user' },
      }),
    );
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-RELEASE01', lifecycle(3, 'Skipped'), 100));
    expect((await watch().promise).outcome).toBe('stopped');
  });

  it('follows the rollback deployment CodeDeploy created to its end', async () => {
    codeDeploy.on(GetDeploymentCommand, { deploymentId: 'd-RELEASE01' }).resolves(
      deployment('d-RELEASE01', {
        status: 'Failed',
        completeTime: at(120),
        errorInformation: { code: 'ALARM_ACTIVE', message: ALARM_MESSAGE },
        rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK1', rollbackMessage: 'Rolled back by d-ROLLBACK1' },
      }),
    );
    codeDeploy
      .on(GetDeploymentCommand, { deploymentId: 'd-ROLLBACK1' })
      .resolvesOnce(
        deployment('d-ROLLBACK1', {
          status: 'InProgress',
          creator: 'codeDeployRollback',
          createTime: at(121),
          rollbackInfo: { rollbackTriggeringDeploymentId: 'd-RELEASE01' },
        }),
      )
      .resolves(
        deployment('d-ROLLBACK1', {
          status: 'Succeeded',
          creator: 'codeDeployRollback',
          createTime: at(121),
          completeTime: at(180),
          rollbackInfo: { rollbackTriggeringDeploymentId: 'd-RELEASE01' },
        }),
      );
    codeDeploy
      .on(GetDeploymentTargetCommand, { deploymentId: 'd-RELEASE01' })
      .resolves(target('d-RELEASE01', lifecycle(2, 'Failed'), 100, 0));
    codeDeploy
      .on(GetDeploymentTargetCommand, { deploymentId: 'd-ROLLBACK1' })
      .resolves(target('d-ROLLBACK1', lifecycle(8), 100));

    const { promise, events } = watch();
    const result = await promise;

    expect(result).toMatchObject({
      outcome: 'rolled-back',
      rollback: { deploymentId: 'd-ROLLBACK1', status: 'Succeeded', outcome: 'succeeded' },
    });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'status', deploymentId: 'd-ROLLBACK1', status: 'Succeeded' }),
    );
  });

  it('calls a failed rollback deployment "rollback-failed"', async () => {
    codeDeploy.on(GetDeploymentCommand, { deploymentId: 'd-RELEASE01' }).resolves(
      deployment('d-RELEASE01', {
        status: 'Failed',
        rollbackInfo: { rollbackDeploymentId: 'd-ROLLBACK1' },
      }),
    );
    codeDeploy
      .on(GetDeploymentCommand, { deploymentId: 'd-ROLLBACK1' })
      .resolves(deployment('d-ROLLBACK1', { status: 'Failed', creator: 'codeDeployRollback' }));
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-RELEASE01', lifecycle(1, 'Failed'), 100));
    expect((await watch().promise).outcome).toBe('rollback-failed');
  });

  it('waits for a deployment that has not started yet', async () => {
    const notStarted = Object.assign(new Error('The deployment has not started'), {
      name: 'DeploymentNotStartedException',
    });
    codeDeploy
      .on(ListDeploymentTargetsCommand)
      .rejectsOnce(notStarted)
      .resolves({ targetIds: [TARGET] });
    codeDeploy
      .on(GetDeploymentCommand)
      .resolvesOnce(deployment('d-RELEASE01', { status: 'Created' }))
      .resolves(deployment('d-RELEASE01', { status: 'Succeeded' }));
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-RELEASE01', lifecycle(8), 0));
    const { promise, events } = watch();
    expect((await promise).outcome).toBe('succeeded');
    expect(events.filter((e) => e.type === 'status').map((e) => (e as { status: string }).status)).toEqual([
      'Created',
      'Succeeded',
    ]);
  });
});
