import {
  CodeDeployClient,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { DescribeServiceDeploymentsCommand, ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../src/cli';
import { watchDeployment } from '../../src/aws/watch-deployment';
import { watchNativeDeployment } from '../../src/aws/watch-native';
import { deploymentEvents } from '../../src/drill/follow/deployment-events';
import { nativeDeploymentEvents } from '../../src/drill/follow/native-timeline';
import { testAwsClients } from '../helpers/aws-deps';
import { at, deployment, lifecycle, target, T0 } from '../helpers/codedeploy-fixtures';
import { deploymentArn, described, hook, revisions } from '../helpers/ecs-fixtures';
import { FakeClock } from '../helpers/fake-clock';
import { testDeps } from '../helpers/test-deps';
import { codeDeployRuns, GREEN_TASK_SET, nativeRuns } from '../helpers/what-runs-fixtures';

const codeDeploy = mockClient(CodeDeployClient);
const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

/** The group's gate as GetDeployment reports it: wait 30 minutes for ContinueDeployment, then stop. */
const GATED = {
  blueGreenDeploymentConfiguration: {
    deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 },
  },
} as const;

const PAUSED = {
  hookId: 'ecs-pause-1',
  targetType: 'PAUSE',
  status: 'AWAITING_ACTION',
  expiresAt: at(1800),
  timeoutAction: 'ROLLBACK',
} as const;

function deps() {
  const { now, sleep } = new FakeClock(T0);
  return { now, sleep, d: testDeps({ aws: testAwsClients(), now, sleep }) };
}

/** Held (Ready) on the first poll, then continued and succeeded. */
function heldThenSucceeded(): void {
  codeDeploy
    .on(ListDeploymentTargetsCommand)
    .resolves({ targetIds: ['rehearsal-cluster:rollback-rehearsal'] });
  codeDeploy
    .on(GetDeploymentCommand)
    .resolvesOnce(deployment('d-GATE', { status: 'Ready', ...GATED }))
    .resolvesOnce(deployment('d-GATE', { status: 'InProgress', ...GATED }))
    .resolves(deployment('d-GATE', { status: 'Succeeded', completeTime: at(2400), ...GATED }));
  codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-GATE', lifecycle(5), 100));
}

/** Held at its pause hook on the first poll, then continued and succeeded. */
function pausedThenSucceeded(): void {
  ecs
    .on(DescribeServiceDeploymentsCommand)
    .resolvesOnce(
      described('sd-gate', {
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [...hook('SUCCEEDED'), PAUSED],
        ...revisions(0, 100, 2),
      }),
    )
    .resolvesOnce(
      described('sd-gate', {
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: [...hook('SUCCEEDED'), { ...PAUSED, status: 'SUCCEEDED' }],
        ...revisions(0, 100, 2),
      }),
    )
    .resolvesOnce(
      described('sd-gate', { lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT', ...revisions(100, 100, 2) }),
    )
    .resolves(
      described('sd-gate', { status: 'SUCCESSFUL', finishedAt: at(2400), ...revisions(100, 100, 2) }),
    );
}

describe('a release the gate holds', () => {
  beforeEach(() => {
    for (const mock of [codeDeploy, ecs, elbv2]) mock.reset();
  });

  it('watch shows a held CodeDeploy release, when CodeDeploy stops it, and the two commands', async () => {
    heldThenSucceeded();
    codeDeployRuns(ecs, elbv2, GREEN_TASK_SET, 8);
    const { d } = deps();

    expect(await main(['watch', '--deployment-id', 'd-GATE'], d)).toBe(0);

    // The wait starts when Install ends (12:00:45) and lasts 30 minutes.
    expect(d.stdout.text).toContain(
      'held before production traffic: CodeDeploy stops it at 12:30:45 UTC (in 31 min) unless ended; go on: npm run rehearse -- continue; take it back: npm run rehearse -- rollback',
    );
  });

  it('watch shows a native release held at its pause hook, with the time-out action and the two commands', async () => {
    pausedThenSucceeded();
    nativeRuns(ecs, elbv2, 8, 'green');
    const { d } = deps();

    expect(await main(['watch', '--deployment-id', deploymentArn('sd-gate')], d)).toBe(0);

    expect(d.stdout.text).toContain(
      'held at POST_TEST_TRAFFIC_SHIFT before production traffic: ECS takes ROLLBACK at 12:30:00 UTC (in 30 min) unless ended; go on: npm run rehearse -- continue',
    );
    expect(d.stdout.text).toContain('hold at POST_TEST_TRAFFIC_SHIFT ended: SUCCEEDED');
  });

  it('the record holds the hold and its end by continue, under both controllers', async () => {
    heldThenSucceeded();
    pausedThenSucceeded();
    // Each watch on its own clock, both starting at T0.
    const first = deps();
    const second = deps();
    const codeDeployResult = await watchDeployment({
      pollMs: 5000,
      now: first.now,
      sleep: first.sleep,
      client: new CodeDeployClient({}),
      deploymentId: 'd-GATE',
    });
    const nativeResult = await watchNativeDeployment({
      pollMs: 5000,
      now: second.now,
      sleep: second.sleep,
      client: new ECSClient({}),
      deploymentArn: deploymentArn('sd-gate'),
    });

    const gateEvents = (events: { type: string }[]) =>
      events.filter((e) => e.type === 'held' || e.type === 'hold-released');
    expect(gateEvents(deploymentEvents(codeDeployResult, T0))).toEqual([
      expect.objectContaining({
        type: 'held',
        waitSeconds: 1800,
        onTimeout: 'rollback',
        deploymentId: 'd-GATE',
      }),
      expect.objectContaining({ type: 'hold-released', by: 'continue' }),
    ]);
    expect(gateEvents(nativeDeploymentEvents(nativeResult, T0))).toEqual([
      expect.objectContaining({ type: 'held', waitSeconds: 1800, onTimeout: 'rollback' }),
      expect.objectContaining({ type: 'hold-released', by: 'continue' }),
    ]);
  });
});
