import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  type DeploymentLifecycleHook,
  type DescribeServicesResponse,
  type ListServiceDeploymentsRequest,
} from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { OUTPUT_KEYS } from '../../../contract/stack-outputs';
import { main } from '../../src/cli';
import type { DrillReport } from '../../src/drill/report/report';
import { runGit } from '../../src/git/run-git';
import { testAwsClients } from '../helpers/aws-deps';
import { at, T0 } from '../helpers/codedeploy-fixtures';
import {
  brief,
  deploymentArn,
  described,
  hook,
  revisions,
  SERVICE,
  SERVICE_ARN,
} from '../helpers/ecs-fixtures';
import { startServer, type LocalServer } from '../helpers/local-server';
import { ALARM_NAMES, nativeServiceStack } from '../helpers/stack-fixtures';
import { git, tempRepo, type TempRepo } from '../helpers/temp-repo';
import { testDeps } from '../helpers/test-deps';
import {
  nativeService,
  RULE,
  ruleWeights,
  serviceRevisions,
  targetHealth,
  TEST_RULE,
  TG,
} from '../helpers/what-runs-fixtures';

const sts = mockClient(STSClient);
const cloudFormation = mockClient(CloudFormationClient);
const ecs = mockClient(ECSClient);
const codeDeploy = mockClient(CodeDeployClient);
const cloudWatch = mockClient(CloudWatchClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

const FAST = ['--steady', '30s', '--poll', '60s', '--rate', '50'];
const NEW = deploymentArn('sd-new');

/** The gate as the stack deploys it under ecs: a pause hook after the test traffic (Amazon ECS API Reference). */
const PAUSE_HOOK: DeploymentLifecycleHook = {
  targetType: 'PAUSE',
  lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
  timeoutConfiguration: { timeoutInMinutes: 30, action: 'ROLLBACK' },
};

/** The pause hook while it waits, as DescribeServiceDeployments lists it. */
const PAUSED = {
  hookId: 'ecs-pause-1',
  targetType: 'PAUSE',
  status: 'AWAITING_ACTION',
  expiresAt: at(1900),
  timeoutAction: 'ROLLBACK',
} as const;

/** DescribeServices: the native service running `revision`, with its deployment alarms and maybe the gate. */
function service(revision: number, hooks: DeploymentLifecycleHook[]): DescribeServicesResponse {
  return {
    services: [
      {
        ...nativeService(revision),
        desiredCount: 2,
        serviceArn: SERVICE_ARN,
        serviceName: SERVICE,
        deploymentController: { type: 'ECS' },
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 5,
          alarms: { alarmNames: ALARM_NAMES, enable: true, rollback: true },
          lifecycleHooks: hooks,
        },
      },
    ],
    failures: [],
  };
}

type Script = 'held' | 'hook-fails-before-hold';

describe('rehearse drill --gate on the ecs controller', () => {
  let repo: TempRepo;
  let alb: LocalServer;
  let green: LocalServer;
  let clock: number;
  let pushed: boolean;
  /** The action of the drill's ContinueServiceDeployment, once made. */
  let answered: 'none' | 'CONTINUE' | 'ROLLBACK';

  function deps() {
    return testDeps({
      cwd: repo.dir,
      aws: testAwsClients(),
      git: async (args, cwd) => {
        const result = await runGit(args, cwd);
        if (args[0] === 'push' && result.code === 0) pushed = true;
        return result;
      },
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
        await delay(15);
      },
    });
  }

  /**
   * sd-new: scale-up, test traffic, then held at POST_TEST_TRAFFIC_SHIFT until the drill answers (or the
   * test-traffic hook fails before the hold), and what ECS does after the answer.
   */
  function script(how: Script): void {
    let polls = 0;
    let afterAnswer = 0;
    ecs.on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [NEW] }).callsFake(() => {
      polls += 1;
      if (polls === 1) return described('sd-new', { lifecycleStage: 'SCALE_UP', ...revisions(0, 0, 1) });
      if (polls === 2)
        return described('sd-new', { lifecycleStage: 'TEST_TRAFFIC_SHIFT', ...revisions(0, 100, 2) });
      if (how === 'hook-fails-before-hold')
        return polls === 3
          ? described('sd-new', {
              status: 'ROLLBACK_IN_PROGRESS',
              lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
              lifecycleHookDetails: hook('FAILED'),
              rollback: { reason: 'Lifecycle hook failed' },
              ...revisions(0, 100, 2),
            })
          : described('sd-new', {
              status: 'ROLLBACK_SUCCESSFUL',
              finishedAt: at(225),
              rollback: { reason: 'Lifecycle hook failed' },
              ...revisions(0, 0, 0),
            });
      if (answered === 'none')
        return described('sd-new', {
          lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
          lifecycleHookDetails: [...hook('SUCCEEDED'), PAUSED],
          ...revisions(0, 100, 2),
        });
      afterAnswer += 1;
      if (answered === 'ROLLBACK')
        return described('sd-new', {
          status: afterAnswer < 2 ? 'ROLLBACK_IN_PROGRESS' : 'ROLLBACK_SUCCESSFUL',
          lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
          lifecycleHookDetails: [...hook('SUCCEEDED'), { ...PAUSED, status: 'FAILED' }],
          rollback: { reason: 'Lifecycle hook rolled back by ContinueServiceDeployment' },
          ...(afterAnswer >= 2 && { finishedAt: at(400) }),
          ...revisions(0, 0, afterAnswer < 2 ? 2 : 0),
        });
      return afterAnswer < 2
        ? described('sd-new', {
            lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
            lifecycleHookDetails: [...hook('SUCCEEDED'), { ...PAUSED, status: 'SUCCEEDED' }],
            ...revisions(100, 100, 2),
          })
        : described('sd-new', { status: 'SUCCESSFUL', finishedAt: at(700), ...revisions(100, 100, 2) });
    });
    ecs.on(ListServiceDeploymentsCommand).callsFake((input: ListServiceDeploymentsRequest) => {
      // Held: the drill finds the deployment in progress whose pause hook awaits action, as continue does.
      if (input.status) return { serviceDeployments: polls >= 3 ? [brief('sd-new', 0, 'IN_PROGRESS')] : [] };
      if (!input.createdAt) return { serviceDeployments: [brief('sd-old', -86_400, 'SUCCESSFUL')] };
      return { serviceDeployments: pushed ? [brief('sd-new', 0, 'IN_PROGRESS')] : [] };
    });
  }

  beforeEach(async () => {
    repo = tempRepo();
    clock = T0 - 40_000;
    pushed = false;
    answered = 'none';
    alb = await startServer((_req, res) => {
      res.setHeader('x-app-version', '0.1.0');
      res.end('{}');
    });
    green = await startServer((_req, res) => {
      res.setHeader('x-app-version', '0.2.0');
      res.end('{}');
    });
    for (const mock of [sts, cloudFormation, ecs, codeDeploy, cloudWatch, elbv2]) mock.reset();
    serviceRevisions(ecs);
    ruleWeights(elbv2, RULE, [TG('blue'), 100], [TG('green'), 0]);
    ruleWeights(elbv2, TEST_RULE, [TG('blue'), 100], [TG('green'), 0]);
    targetHealth(elbv2, TG('blue'), 'healthy', 'healthy');
    targetHealth(elbv2, TG('green'));
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/r' });
    const stack = nativeServiceStack(alb.url);
    stack.Stacks![0]!.Outputs!.find((o) => o.OutputKey === OUTPUT_KEYS.testListenerUrl)!.OutputValue =
      green.url;
    cloudFormation.on(DescribeStacksCommand).resolves(stack);
    ecs.on(DescribeServicesCommand).resolves(service(7, [PAUSE_HOOK]));
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: ALARM_NAMES.map((AlarmName) => ({ AlarmName, StateValue: 'OK' })),
    });
    ecs.on(ContinueServiceDeploymentCommand).callsFake((input: { action: 'CONTINUE' | 'ROLLBACK' }) => {
      answered = input.action;
      if (input.action === 'CONTINUE') {
        // Production moves to green, which now runs task definition 8, healthy.
        ecs.on(DescribeServicesCommand).resolves(service(8, [PAUSE_HOOK]));
        ruleWeights(elbv2, RULE, [TG('blue'), 0], [TG('green'), 100]);
        targetHealth(elbv2, TG('green'), 'healthy', 'healthy');
      }
      return {};
    });
  });

  afterEach(async () => {
    await alb.close();
    await green.close();
    repo.remove();
  });

  function report(): DrillReport {
    const [name] = readdirSync(path.join(repo.dir, 'rehearsal-reports'));
    return JSON.parse(
      readFileSync(path.join(repo.dir, 'rehearsal-reports', name!, 'report.json'), 'utf8'),
    ) as DrillReport;
  }

  it('refuses a service without a pause hook at POST_TEST_TRAFFIC_SHIFT, before changing anything', async () => {
    ecs.on(DescribeServicesCommand).resolves(service(7, []));
    const head = git(repo.dir, 'rev-parse', 'HEAD');
    const d = deps();

    expect(await main(['drill', 'slow-start=1', '--gate', 'rollback', ...FAST], d)).toBe(1);

    expect(d.stdout.text).toContain(
      'FAIL  gate: rehearsal-cluster/rollback-rehearsal has no PAUSE lifecycle hook at POST_TEST_TRAFFIC_SHIFT: deploy with "gate"',
    );
    expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(pushed).toBe(false);
  });

  it('probes green at the pause, continues it through the hook and follows it to success', async () => {
    script('held');
    const d = deps();

    const code = await main(['drill', 'slow-start=1', '--gate', 'continue', ...FAST], d);

    expect(d.stderr.text).toBe('');
    expect(code).toBe(0);
    expect(d.stdout.text).toContain(
      'ok    gate: ECS pauses each release at POST_TEST_TRAFFIC_SHIFT for 30 min, then takes ROLLBACK',
    );
    expect(ecs.commandCalls(ContinueServiceDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { serviceDeploymentArn: NEW, hookId: 'ecs-pause-1', action: 'CONTINUE' },
    ]);
    expect(green.seen()).toBe(6);
    const r = report();
    expect(r.verdict).toMatchObject({ observed: 'succeeded', matched: true });
    // Under ECS the pause starts with the hook, not with green (core/model/gate-time.ts).
    expect(r.hypothesis.gate!.times.holdStartsAt).toBeGreaterThan(0);
    const gateEvents = r.observations.events.filter((e) => e.type === 'held' || e.type === 'hold-released');
    expect(gateEvents).toEqual([
      // The wait left when the watch saw the pause: to the hook's expiresAt.
      expect.objectContaining({ type: 'held', onTimeout: 'rollback', deploymentId: NEW }),
      expect.objectContaining({ type: 'hold-released', by: 'continue' }),
    ]);
  });

  it('rolls the pause back through its hook, not StopServiceDeployment, and names the person', async () => {
    script('held');
    const d = deps();

    const code = await main(['drill', 'slow-start=1', '--gate', 'rollback', ...FAST], d);

    expect(d.stderr.text).toBe('');
    expect(code).toBe(0);
    expect(ecs.commandCalls(ContinueServiceDeploymentCommand).map((c) => c.args[0].input)).toEqual([
      { serviceDeploymentArn: NEW, hookId: 'ecs-pause-1', action: 'ROLLBACK' },
    ]);
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
    const r = report();
    expect(r.hypothesis.expected.outcome).toBe('rolled-back');
    expect(r.verdict).toMatchObject({ observed: 'rolled-back', matched: true });
    // ECS reports the pause hook FAILED, which the watch alone reads as a hook; the drill knows better.
    expect(r.verdict!.decidedBy).toBe('a person: rollback (drill --gate rollback)');
    // Nothing the model times noticed the release: no detection to set against the model.
    expect(r.observations.detection).toBeUndefined();
    expect(r.observations.events.filter((e) => e.type === 'hold-released')).toEqual([
      expect.objectContaining({ by: 'rollback' }),
    ]);
    expect(r.observations.events).toContainEqual(
      expect.objectContaining({ type: 'stopped-by-hand', command: 'rollback', deploymentId: NEW }),
    );
  });

  it('says the release never held when the test-traffic hook failed first, and what decided', async () => {
    script('hook-fails-before-hold');
    const d = deps();

    const code = await main(['drill', 'error-rate', '--gate', 'continue', ...FAST], d);

    expect(code).toBe(0);
    expect(ecs.commandCalls(ContinueServiceDeploymentCommand)).toHaveLength(0);
    expect(green.seen()).toBe(0);
    expect(d.stdout.text).toContain('the release never held: decided by test-traffic hook');
    expect(report().verdict).toMatchObject({
      observed: 'rolled-back',
      matched: true,
      decidedBy: 'test-traffic hook',
    });
  });
});
