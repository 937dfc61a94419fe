import { DescribeServiceDeploymentsCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { formatNativeEvent, formatNativeSummary } from '../../src/aws/format-native';
import { watchNativeDeployment, type NativeWatchEvent } from '../../src/aws/watch-native';
import { at, T0 } from '../helpers/codedeploy-fixtures';
import { ALARMS, deploymentArn, described, hook, revisions } from '../helpers/ecs-fixtures';
import { FakeClock } from '../helpers/fake-clock';

const ecs = mockClient(ECSClient);
const ARN = deploymentArn('sd-release-1');

function watch(signal?: AbortSignal) {
  const events: NativeWatchEvent[] = [];
  const { now, sleep, sleeps } = new FakeClock(T0);
  const promise = watchNativeDeployment({
    client: new ECSClient({ region: 'eu-west-1' }),
    deploymentArn: ARN,
    pollMs: 5000,
    now,
    sleep,
    onEvent: (event) => events.push(event),
    ...(signal && { signal }),
  });
  return { promise, events, sleeps };
}

/** Answers DescribeServiceDeployments with each of `answers` once, then the last one for good. */
function answers(...list: ReturnType<typeof described>[]): void {
  const chain = ecs.on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [ARN] });
  for (const answer of list.slice(0, -1)) chain.resolvesOnce(answer);
  chain.resolves(list.at(-1)!);
}

const stages = (events: NativeWatchEvent[]) => events.flatMap((e) => (e.type === 'stage' ? [e.stage] : []));

describe('watchNativeDeployment', () => {
  beforeEach(() => ecs.reset());

  it('follows a successful blue/green deployment through its stages and traffic shifts', async () => {
    answers(
      described('sd-release-1', { status: 'PENDING', lifecycleStage: 'RECONCILE_SERVICE' }),
      described('sd-release-1', { lifecycleStage: 'SCALE_UP', ...revisions(0, 0, 1) }),
      described('sd-release-1', { lifecycleStage: 'TEST_TRAFFIC_SHIFT', ...revisions(0, 100, 2) }),
      described('sd-release-1', {
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: hook('SUCCEEDED'),
        ...revisions(0, 100, 2),
      }),
      described('sd-release-1', { lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', ...revisions(100, 100, 2) }),
      described('sd-release-1', { lifecycleStage: 'BAKE_TIME', ...revisions(100, 100, 2) }),
      described('sd-release-1', {
        status: 'SUCCESSFUL',
        lifecycleStage: 'CLEAN_UP',
        finishedAt: at(420),
        ...revisions(100, 100, 2),
      }),
    );

    const { promise, events, sleeps } = watch();
    const result = await promise;

    expect(result).toMatchObject({ status: 'SUCCESSFUL', outcome: 'succeeded', createTime: T0 });
    expect(result.decision.signal).toBe('none');
    expect(sleeps).toHaveLength(6);
    expect(stages(events)).toEqual([
      'RECONCILE_SERVICE',
      'SCALE_UP',
      'TEST_TRAFFIC_SHIFT',
      'POST_TEST_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP',
    ]);
    const shifts = events.flatMap((e) =>
      e.type === 'traffic'
        ? [e.revisions.map((r) => `${r.role}:${r.productionWeight}/${r.testWeight}`).join(' ')]
        : [],
    );
    expect(shifts).toEqual([
      'blue:100/100 green:0/0',
      'blue:100/100 green:0/0',
      'blue:100/0 green:0/100',
      'blue:0/0 green:100/100',
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'hook', stage: 'POST_TEST_TRAFFIC_SHIFT', status: 'SUCCEEDED' }),
    );
    expect(events.at(-1)).toMatchObject({ type: 'status', status: 'SUCCESSFUL', at: at(420).getTime() });
    expect(formatNativeEvent(events.find((e) => e.type === 'stage' && e.stage === 'BAKE_TIME')!)).toMatch(
      /^\d\d:\d\d:\d\d {2}sd-release-1 {2}stage BAKE_TIME$/,
    );
    expect(formatNativeSummary(result)).toContain(
      'Service deployment sd-release-1 succeeded (status SUCCESSFUL).',
    );
  });

  it('names the hook that failed at POST_TEST_TRAFFIC_SHIFT and follows the rollback to its end', async () => {
    answers(
      described('sd-release-1', {
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: hook('IN_PROGRESS'),
      }),
      described('sd-release-1', {
        status: 'ROLLBACK_IN_PROGRESS',
        statusReason: 'Service deployment rolled back because a lifecycle hook failed.',
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: hook('FAILED'),
        rollback: { reason: 'Lifecycle hook failed', startedAt: at(130), serviceRevisionArn: 'rev-blue' },
      }),
      described('sd-release-1', {
        status: 'ROLLBACK_SUCCESSFUL',
        statusReason: 'Service deployment rolled back because a lifecycle hook failed.',
        finishedAt: at(170),
        rollback: { reason: 'Lifecycle hook failed', startedAt: at(130) },
      }),
    );

    const { promise, events } = watch();
    const result = await promise;

    expect(result).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      outcome: 'rolled-back',
      finishTime: at(170).getTime(),
    });
    expect(result.decision).toMatchObject({
      signal: 'hook',
      detail: 'RollbackRehearsal-TestTrafficHook answered FAILED at POST_TEST_TRAFFIC_SHIFT',
    });
    expect(events.filter((e) => e.type === 'hook').map((e) => (e as { status: string }).status)).toEqual([
      'IN_PROGRESS',
      'FAILED',
    ]);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'rollback', reason: 'Lifecycle hook failed', at: at(130).getTime() }),
    );
    expect(formatNativeSummary(result)).toMatch(
      /failed and was rolled back \(status ROLLBACK_SUCCESSFUL\)\.\n {2}decided by RollbackRehearsal-TestTrafficHook/,
    );
  });

  it('names the deployment alarm that triggered during the bake time', async () => {
    answers(
      described('sd-release-1', { lifecycleStage: 'BAKE_TIME', ...revisions(100, 100, 2) }),
      described('sd-release-1', {
        status: 'ROLLBACK_SUCCESSFUL',
        lifecycleStage: 'BAKE_TIME',
        alarms: { status: 'TRIGGERED', alarmNames: ALARMS, triggeredAlarmNames: [ALARMS[1]!] },
        rollback: { reason: 'CloudWatch alarm triggered', startedAt: at(300) },
        finishedAt: at(340),
      }),
    );
    const { promise, events } = watch();
    const result = await promise;
    expect(result.outcome).toBe('rolled-back');
    expect(result.decision).toMatchObject({ signal: 'alarm', detail: `alarm ${ALARMS[1]!}` });
    expect(formatNativeEvent(events.find((e) => e.type === 'alarm')!)).toContain(
      `alarm triggered: ${ALARMS[1]!}`,
    );
  });

  it('calls a rollback with no alarm, hook or circuit breaker behind it a stop (the guard or a person)', async () => {
    answers(
      described('sd-release-1', { lifecycleStage: 'SCALE_UP', ...revisions(0, 0, 1) }),
      described('sd-release-1', {
        status: 'ROLLBACK_REQUESTED',
        lifecycleStage: 'SCALE_UP',
        rollback: { reason: 'Rollback requested by StopServiceDeployment', startedAt: at(4) },
      }),
      described('sd-release-1', { status: 'ROLLBACK_SUCCESSFUL', finishedAt: at(95) }),
    );
    const result = await watch().promise;
    expect(result.outcome).toBe('rolled-back');
    expect(result.decision).toMatchObject({ signal: 'stop', at: at(4).getTime() });
    expect(result.decision.detail).toMatch(/^stopped by StopServiceDeployment .*: Rollback requested/);
  });

  it('counts the circuit breaker only once it reaches its threshold', async () => {
    answers(
      described('sd-release-1', {
        lifecycleStage: 'SCALE_UP',
        deploymentCircuitBreaker: { status: 'MONITORING', failureCount: 2, threshold: 3 },
      }),
      described('sd-release-1', {
        status: 'ROLLBACK_SUCCESSFUL',
        deploymentCircuitBreaker: { status: 'TRIGGERED', failureCount: 3, threshold: 3 },
        rollback: { reason: 'circuit breaker', startedAt: at(200) },
      }),
    );
    const { promise, events } = watch();
    const result = await promise;
    expect(events.filter((e) => e.type === 'circuit-breaker')).toHaveLength(2);
    expect(result.decision).toMatchObject({
      signal: 'circuit-breaker',
      detail: 'circuit breaker: 3 failed tasks of a threshold of 3',
    });
  });

  it.each([
    ['STOPPED', 'stopped'],
    ['ROLLBACK_FAILED', 'rollback-failed'],
  ] as const)('calls a deployment that ends %s "%s"', async (status, outcome) => {
    answers(described('sd-release-1', { status }));
    expect((await watch().promise).outcome).toBe(outcome);
  });

  it('fails with ECS’s reason when it does not describe the deployment', async () => {
    ecs.on(DescribeServiceDeploymentsCommand).resolves({
      serviceDeployments: [],
      failures: [{ arn: ARN, reason: 'MISSING', detail: 'The service deployment does not exist' }],
    });
    await expect(watch().promise).rejects.toThrow(
      /does not describe the service deployment .*: MISSING: The service deployment does not exist/,
    );
  });

  it('returns what it saw as interrupted when aborted', async () => {
    const controller = new AbortController();
    ecs.on(DescribeServiceDeploymentsCommand).callsFake(() => {
      controller.abort();
      return described('sd-release-1', { lifecycleStage: 'SCALE_UP' });
    });
    const result = await watch(controller.signal).promise;
    expect(result).toMatchObject({ outcome: 'interrupted', status: 'IN_PROGRESS', stage: 'SCALE_UP' });
  });
});
