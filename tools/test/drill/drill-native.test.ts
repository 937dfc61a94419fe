import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  type DescribeServicesResponse,
  type ListServiceDeploymentsRequest,
} from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { parseFaults } from '../../../contract/faults/parse-faults';
import { main } from '../../src/cli';
import { modelledAwsTime } from '../../src/local/result/aws-model';
import type { DrillReport } from '../../src/drill/report/report';
import { runGit } from '../../src/git/run-git';
import { testAwsClients } from '../helpers/aws-deps';
import { at, T0 } from '../helpers/codedeploy-fixtures';
import {
  brief,
  CLUSTER,
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

/**
 * DescribeServices for the native service: its deployment alarms, as the stack sets them, running the
 * previous task definition (7) behind its production and test rules.
 */
function service(alarms: { enable: boolean; rollback: boolean } = { enable: true, rollback: true }) {
  return {
    services: [
      {
        ...nativeService(7),
        desiredCount: 2,
        serviceArn: SERVICE_ARN,
        serviceName: SERVICE,
        deploymentController: { type: 'ECS' },
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 5,
          alarms: { alarmNames: ALARM_NAMES, ...alarms },
        },
      },
    ],
    failures: [],
  } satisfies DescribeServicesResponse;
}

describe('rehearse drill on the ecs controller', () => {
  let repo: TempRepo;
  let alb: LocalServer;
  let clock: number;
  let pushed: boolean;

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

  beforeEach(async () => {
    repo = tempRepo();
    clock = T0 - 40_000;
    pushed = false;
    alb = await startServer((_req, res) => {
      res.setHeader('x-app-version', '0.1.0');
      res.end('{}');
    });
    for (const mock of [sts, cloudFormation, ecs, codeDeploy, cloudWatch, elbv2]) mock.reset();
    // Production on blue, where both tasks are healthy, before and after the rolled-back release.
    serviceRevisions(ecs);
    ruleWeights(elbv2, RULE, [TG('blue'), 100], [TG('green'), 0]);
    ruleWeights(elbv2, TEST_RULE, [TG('blue'), 100], [TG('green'), 0]);
    targetHealth(elbv2, TG('blue'), 'healthy', 'healthy');
    targetHealth(elbv2, TG('green'));
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/r' });
    cloudFormation.on(DescribeStacksCommand).resolves(nativeServiceStack(alb.url));
    ecs.on(DescribeServicesCommand).resolves(service());
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: ALARM_NAMES.map((AlarmName) => ({ AlarmName, StateValue: 'OK' })),
    });
    // Nothing in progress; the last deployment is old; the pipeline's appears on the second look after the push.
    let looksAfterPush = 0;
    ecs.on(ListServiceDeploymentsCommand).callsFake((input: ListServiceDeploymentsRequest) => {
      if (input.status) return { serviceDeployments: [] };
      if (!input.createdAt) return { serviceDeployments: [brief('sd-old', -86_400, 'SUCCESSFUL')] };
      looksAfterPush += 1;
      return { serviceDeployments: looksAfterPush >= 2 ? [brief('sd-new', 0, 'IN_PROGRESS')] : [] };
    });
    ecs
      .on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [NEW] })
      .resolvesOnce(described('sd-new', { lifecycleStage: 'SCALE_UP', ...revisions(0, 0, 1) }))
      .resolvesOnce(described('sd-new', { lifecycleStage: 'TEST_TRAFFIC_SHIFT', ...revisions(0, 100, 2) }))
      .resolvesOnce(
        described('sd-new', {
          status: 'ROLLBACK_IN_PROGRESS',
          lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
          lifecycleHookDetails: hook('FAILED'),
          rollback: { reason: 'Lifecycle hook failed' },
          ...revisions(0, 100, 2),
        }),
      )
      .resolves(
        described('sd-new', {
          status: 'ROLLBACK_SUCCESSFUL',
          finishedAt: at(225),
          rollback: { reason: 'Lifecycle hook failed' },
          ...revisions(0, 0, 0),
        }),
      );
  });

  afterEach(async () => {
    await alb.close();
    repo.remove();
  });

  it('follows the service deployment the push started, names its stages and judges the hook’s rollback', async () => {
    const d = deps();
    const code = await main(['drill', 'error-rate', ...FAST], d);

    expect(d.stderr.text).toBe('');
    expect(code).toBe(0);
    expect(pushed).toBe(true);
    expect(codeDeploy.calls()).toHaveLength(0);
    expect(ecs.commandCalls(ListServiceDeploymentsCommand)[0]!.args[0].input).toMatchObject({
      cluster: CLUSTER,
      service: SERVICE,
      status: ['PENDING', 'IN_PROGRESS', 'STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'ROLLBACK_IN_PROGRESS'],
    });
    expect(d.stdout.text).toContain(`native ECS blue/green ${CLUSTER}/${SERVICE}`);
    expect(d.stdout.text).toContain('ok    alarms OK: 3 alarms OK');
    expect(d.stdout.text).toContain('ok    production weights: production rule: blue 100% (2 healthy)');
    expect(d.stdout.text).toContain(`deployment found: ${NEW}`);
    expect(d.stdout.text).toContain('sd-new  stage TEST_TRAFFIC_SHIFT');
    expect(d.stdout.text).toContain('sd-new  hook at POST_TEST_TRAFFIC_SHIFT FAILED');
    expect(d.stdout.text).toContain('the hypothesis held');

    const [name] = readdirSync(path.join(repo.dir, 'rehearsal-reports'));
    const report = JSON.parse(
      readFileSync(path.join(repo.dir, 'rehearsal-reports', name!, 'report.json'), 'utf8'),
    ) as DrillReport;
    expect(report).toMatchObject({
      method: { controller: 'ecs', deploymentId: NEW, pushed: true },
      observations: {
        deployment: {
          controller: 'ecs',
          outcome: 'rolled-back',
          decision: { signal: 'hook' },
          whatRuns: { ok: true, runs: 'task definition RollbackRehearsal:7' },
        },
      },
      verdict: { observed: 'rolled-back', matched: true },
    });
    // The hook's failure, read from ECS's fields, is the model's test-traffic hook.
    expect(report.verdict!.decidedBy).toBe('test-traffic hook');
    // The hypothesis is the native model's: ECS invokes the hook sooner than CodeDeploy moves on.
    const native = modelledAwsTime(parseFaults('error-rate'), undefined, 'ecs')!;
    expect(native.seconds).toBeLessThan(modelledAwsTime(parseFaults('error-rate'))!.seconds!);
    expect(report.hypothesis).toMatchObject({ controller: 'ecs', prediction: { seconds: native.seconds } });
    expect(d.stdout.text).toContain('== Hypothesis (native ECS blue/green)');
    const { events } = report.observations;
    for (const event of [
      { type: 'lifecycle', step: 'SCALE_UP' },
      { type: 'lifecycle', step: 'TEST_TRAFFIC_SHIFT' },
      { type: 'traffic', listener: 'test', greenPercent: 100 },
      { type: 'hook', ok: false, reason: 'FAILED at POST_TEST_TRAFFIC_SHIFT' },
      { type: 'stop', trigger: 'hook', signal: 'test-traffic hook' },
      { type: 'rollback', status: 'started', detail: 'Lifecycle hook failed' },
      { type: 'rollback', status: 'done', detail: 'ROLLBACK_SUCCESSFUL' },
    ])
      expect(events).toContainEqual(expect.objectContaining(event));
    const green = events.findIndex((e) => e.type === 'green-running');
    expect(green).toBeGreaterThan(events.findIndex((e) => e.type === 'lifecycle' && e.step === 'SCALE_UP'));
    expect(report.observations.detection!.fromGreenSeconds).toBeGreaterThan(0);
    expect(report.observations.rollbackDoneFromPushSeconds).toBeGreaterThan(0);
    expect(readFileSync(path.join(repo.dir, 'rehearsal-reports', name!, 'report.md'), 'utf8')).toContain(
      '(ecs controller)',
    );
  });

  it('refuses a service deployment in progress and a service without deployment alarms, changing nothing', async () => {
    ecs.on(ListServiceDeploymentsCommand).callsFake((input: ListServiceDeploymentsRequest) => ({
      serviceDeployments: input.status ? [brief('sd-busy', -60, 'ROLLBACK_IN_PROGRESS')] : [],
    }));
    ecs.on(DescribeServicesCommand).resolves(service({ enable: true, rollback: false }));
    const head = git(repo.dir, 'rev-parse', 'HEAD');
    const d = deps();

    expect(await main(['drill', 'health-fail', ...FAST], d)).toBe(1);

    expect(d.stdout.text).toContain(
      `FAIL  no deployment in progress: ${deploymentArn('sd-busy')} (ROLLBACK_IN_PROGRESS) still running`,
    );
    expect(d.stdout.text).toContain('FAIL  alarms OK: the service has no deployment alarms with rollback');
    expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(pushed).toBe(false);
    expect(alb.seen()).toBe(0);
  });

  it('refuses a production rule a stack update reset to the target group with no healthy target', async () => {
    // Green serves after the last release; the rule is back on blue, which ECS scaled in.
    ruleWeights(elbv2, RULE, [TG('blue'), 100], [TG('green'), 0]);
    ruleWeights(elbv2, TEST_RULE, [TG('blue'), 0], [TG('green'), 100]);
    targetHealth(elbv2, TG('blue'));
    targetHealth(elbv2, TG('green'), 'healthy', 'healthy');
    const head = git(repo.dir, 'rev-parse', 'HEAD');
    const d = deps();

    expect(await main(['drill', 'health-fail', ...FAST], d)).toBe(1);

    expect(d.stdout.text).toContain(
      'FAIL  production weights: production sends 100% to blue, which has no healthy target (production rule: blue 100% (0 healthy), green 0% (2 healthy); test rule: blue 0% (0 healthy), green 100% (2 healthy))',
    );
    expect(d.stdout.text).toContain(`aws elbv2 modify-rule --rule-arn ${RULE}`);
    expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(pushed).toBe(false);
  });

  it('follows CodeDeploy instead when --controller codedeploy says so, and says which outputs it lacks', async () => {
    const d = deps();
    expect(await main(['drill', 'health-fail', ...FAST, '--controller', 'codedeploy'], d)).toBe(1);
    expect(d.stdout.text).toContain(
      'FAIL  stack outputs: Stack RollbackRehearsalService has no output CodeDeployApplicationName',
    );
    expect(ecs.calls()).toHaveLength(0);
  });
});
