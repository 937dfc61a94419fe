import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  ContinueDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
  type DeploymentReadyAction,
  type ListDeploymentsInput,
} from '@aws-sdk/client-codedeploy';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { OUTPUT_KEYS } from '../../../contract/stack-outputs';
import { main } from '../../src/cli';
import type { DrillReport } from '../../src/drill/report/report';
import { runGit } from '../../src/git/run-git';
import { testAwsClients } from '../helpers/aws-deps';
import { ALARM_MESSAGE, at, deployment, lifecycle, target, T0 } from '../helpers/codedeploy-fixtures';
import { startServer, type LocalServer } from '../helpers/local-server';
import { ALARM_NAMES, serviceStack } from '../helpers/stack-fixtures';
import { git, tempRepo, type TempRepo } from '../helpers/temp-repo';
import { testDeps } from '../helpers/test-deps';
import { BLUE_TASK_SET, codeDeployRuns, GREEN_TASK_SET } from '../helpers/what-runs-fixtures';

const sts = mockClient(STSClient);
const cloudFormation = mockClient(CloudFormationClient);
const codeDeploy = mockClient(CodeDeployClient);
const cloudWatch = mockClient(CloudWatchClient);
const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

const FAST = ['--steady', '30s', '--poll', '60s', '--rate', '50'];

/** The deployment's own copy of the group's wait, from which the watch reads when the hold ends. */
const READY_OPTION = {
  blueGreenDeploymentConfiguration: {
    deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: 30 },
  },
} as const;

/** How the deployment goes after the push: held at Ready until the drill answers, or stopped by an alarm first. */
type Script = 'held' | 'alarm-before-hold';

describe('rehearse drill --gate under CodeDeploy', () => {
  let repo: TempRepo;
  let alb: LocalServer;
  let green: LocalServer;
  let clock: number;
  let pushed: boolean;
  /** The drill's answer as CodeDeploy received it. */
  let answered: 'none' | 'continue' | 'stop';

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

  /** The deployment group, held before production traffic (STOP_DEPLOYMENT) or not. */
  function group(actionOnTimeout: DeploymentReadyAction): void {
    codeDeploy.on(GetDeploymentGroupCommand).resolves({
      deploymentGroupInfo: {
        applicationName: 'RollbackRehearsal-App',
        deploymentGroupName: 'RollbackRehearsal-DG',
        computePlatform: 'ECS',
        alarmConfiguration: { enabled: true, alarms: ALARM_NAMES.map((name) => ({ name })) },
        blueGreenDeploymentConfiguration: {
          deploymentReadyOption: { actionOnTimeout, waitTimeInMinutes: 30 },
          terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 },
        },
      },
    });
  }

  /** d-NEW: in progress, then held (status Ready) until ContinueDeployment or StopDeployment, or an alarm's stop. */
  function script(how: Script): void {
    let polls = 0;
    let afterAnswer = 0;
    codeDeploy.on(GetDeploymentCommand, { deploymentId: 'd-NEW' }).callsFake(() => {
      polls += 1;
      if (how === 'alarm-before-hold')
        return polls < 3
          ? deployment('d-NEW', { status: 'InProgress' })
          : deployment('d-NEW', {
              status: 'Stopped',
              completeTime: at(150),
              errorInformation: { code: 'ALARM_ACTIVE', message: ALARM_MESSAGE },
              rollbackInfo: { rollbackMessage: 'rolled back' },
            });
      if (answered === 'none')
        return deployment('d-NEW', { status: polls < 2 ? 'InProgress' : 'Ready', ...READY_OPTION });
      afterAnswer += 1;
      if (answered === 'stop')
        return deployment('d-NEW', {
          status: 'Stopped',
          completeTime: at(400),
          errorInformation: { code: 'MANUAL_STOP', message: 'Deployment was manually stopped' },
          rollbackInfo: {
            rollbackMessage: 'Deployment rolled back: production stays on the original task set',
          },
        });
      return deployment(
        'd-NEW',
        afterAnswer < 2 ? { status: 'InProgress' } : { status: 'Succeeded', completeTime: at(600) },
      );
    });
    codeDeploy
      .on(GetDeploymentTargetCommand)
      .callsFake(() =>
        answered === 'continue'
          ? target('d-NEW', lifecycle(8), 0, 2)
          : target('d-NEW', lifecycle(how === 'held' ? 5 : 1, 'InProgress'), 100, how === 'held' ? 2 : 0),
      );
    codeDeploy.on(ListDeploymentsCommand).callsFake((input: ListDeploymentsInput) => {
      // Held: the drill finds the deployment whose status is Ready, the way continue and rollback do.
      if (input.includeOnlyStatuses)
        return { deployments: input.includeOnlyStatuses.includes('Ready') && polls >= 2 ? ['d-NEW'] : [] };
      if (!input.createTimeRange) return { deployments: ['d-OLD'] };
      return { deployments: pushed ? ['d-NEW'] : [] };
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
    for (const mock of [sts, cloudFormation, codeDeploy, cloudWatch, ecs, elbv2]) mock.reset();
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/r' });
    const stack = serviceStack(alb.url);
    const testOutput = stack.Stacks![0]!.Outputs!.find((o) => o.OutputKey === OUTPUT_KEYS.testListenerUrl)!;
    testOutput.OutputValue = green.url;
    cloudFormation.on(DescribeStacksCommand).resolves(stack);
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: ALARM_NAMES.map((AlarmName) => ({ AlarmName, StateValue: 'OK' })),
    });
    group('STOP_DEPLOYMENT');
    codeDeploy.on(BatchGetDeploymentsCommand).callsFake((input: { deploymentIds: string[] }) => ({
      deploymentsInfo: input.deploymentIds.map(
        (id) =>
          deployment(id, {
            createTime: id === 'd-OLD' ? at(-86_400) : at(0),
            status: id === 'd-OLD' ? 'Succeeded' : 'InProgress',
          }).deploymentInfo!,
      ),
    }));
    codeDeploy
      .on(ListDeploymentTargetsCommand)
      .resolves({ targetIds: ['rehearsal-cluster:rollback-rehearsal'] });
    codeDeploy.on(ContinueDeploymentCommand).callsFake(() => {
      answered = 'continue';
      codeDeployRuns(ecs, elbv2, GREEN_TASK_SET, 8);
      return {};
    });
    codeDeploy.on(StopDeploymentCommand).callsFake(() => {
      answered = 'stop';
      return { status: 'Pending', statusMessage: 'Stop requested' };
    });
    codeDeployRuns(ecs, elbv2, BLUE_TASK_SET, 7);
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

  function markdown(): string {
    const [name] = readdirSync(path.join(repo.dir, 'rehearsal-reports'));
    return readFileSync(path.join(repo.dir, 'rehearsal-reports', name!, 'report.md'), 'utf8');
  }

  it('refuses a deployment group that holds no release, before changing anything, and says how to get one', async () => {
    group('CONTINUE_DEPLOYMENT');
    const head = git(repo.dir, 'rev-parse', 'HEAD');
    const d = deps();

    expect(await main(['drill', 'slow-start=1', '--gate', 'continue', ...FAST], d)).toBe(1);

    expect(d.stdout.text).toContain(
      'FAIL  gate: RollbackRehearsal-App/RollbackRehearsal-DG holds no release before production traffic (deploymentReadyOption actionOnTimeout CONTINUE_DEPLOYMENT, not STOP_DEPLOYMENT): deploy with "gate"',
    );
    expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(pushed).toBe(false);
    expect(green.seen()).toBe(0);
  });

  it('refuses a --gate value other than continue or rollback as a usage error', async () => {
    const d = deps();
    expect(await main(['drill', 'slow-start=1', '--gate', 'later'], d)).toBe(2);
    expect(d.stderr.text).toContain('--gate must be continue or rollback, got "later"');
  });

  it('probes green on the test listener at the hold, continues it and follows it to success', async () => {
    script('held');
    const d = deps();

    const code = await main(['drill', 'slow-start=1', '--gate', 'continue', ...FAST], d);

    expect(d.stderr.text).toBe('');
    expect(code).toBe(0);
    expect(d.stdout.text).toContain(
      'ok    gate: CodeDeploy holds each release 30 min before production traffic',
    );
    expect(d.stdout.text).toMatch(/gate: held from about 0 s after green runs; .* answers continue/);
    expect(codeDeploy.commandCalls(ContinueDeploymentCommand)[0]!.args[0].input).toEqual({
      deploymentId: 'd-NEW',
      deploymentWaitType: 'READY_WAIT',
    });
    expect(codeDeploy.commandCalls(StopDeploymentCommand)).toHaveLength(0);
    // A handful of GETs of / and /health, each answer's status and version said.
    expect(green.seen()).toBe(6);
    expect(d.stdout.text).toContain('green probed on the test listener');
    expect(d.stdout.text).toContain('/ 200 0.2.0, /health 200 0.2.0');

    const r = report();
    expect(r.verdict).toMatchObject({ observed: 'succeeded', matched: true });
    expect(r.hypothesis.gate).toMatchObject({ choice: 'continue', hold: { waitSeconds: 1800 } });
    const gateEvents = r.observations.events.filter((e) =>
      ['held', 'hold-released', 'stopped-by-hand'].includes(e.type),
    );
    expect(gateEvents).toEqual([
      expect.objectContaining({ type: 'held', waitSeconds: 1800, onTimeout: 'rollback' }),
      expect.objectContaining({ type: 'hold-released', by: 'continue' }),
    ]);
    expect(r.observations.events).toContainEqual(
      expect.objectContaining({ type: 'drill', action: 'gate-probed' }),
    );
    expect(markdown()).toContain('## Gate');
  });

  it('rolls a held release back with StopDeployment and judges it rolled back by a person', async () => {
    script('held');
    const d = deps();

    const code = await main(['drill', 'slow-start=1', '--gate', 'rollback', ...FAST], d);

    expect(d.stderr.text).toBe('');
    expect(code).toBe(0);
    expect(codeDeploy.commandCalls(StopDeploymentCommand)[0]!.args[0].input).toEqual({
      deploymentId: 'd-NEW',
      autoRollbackEnabled: true,
    });
    expect(codeDeploy.commandCalls(ContinueDeploymentCommand)).toHaveLength(0);
    const r = report();
    // The model lets this release through; taken back at the gate it is expected rolled back.
    expect(r.hypothesis.expected.outcome).toBe('rolled-back');
    expect(r.verdict).toMatchObject({ observed: 'rolled-back', matched: true });
    expect(r.verdict!.decidedBy).toBe('a person: rollback (drill --gate rollback)');
    // Nothing the model times noticed the release: no detection to set against the model.
    expect(r.observations.detection).toBeUndefined();
    const events = r.observations.events;
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'stopped-by-hand', command: 'rollback', deploymentId: 'd-NEW' }),
    );
    // The watch alone would say "stop-call"; the drill knows it was its own rollback.
    expect(events.filter((e) => e.type === 'hold-released')).toEqual([
      expect.objectContaining({ by: 'rollback' }),
    ]);
  });

  it('says the release never held when an alarm stopped it first, and what decided', async () => {
    script('alarm-before-hold');
    const d = deps();

    const code = await main(['drill', 'health-fail', '--gate', 'continue', ...FAST], d);

    expect(code).toBe(0);
    expect(codeDeploy.commandCalls(ContinueDeploymentCommand)).toHaveLength(0);
    expect(green.seen()).toBe(0);
    expect(d.stdout.text).toContain('the release never held: decided by');
    const r = report();
    expect(r.verdict).toMatchObject({ observed: 'rolled-back', matched: true });
    expect(r.observations.events).toContainEqual(
      expect.objectContaining({ type: 'drill', action: 'never-held' }),
    );
    expect(r.observations.events.some((e) => e.type === 'held')).toBe(false);
  });
});
