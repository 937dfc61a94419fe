import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  type ListDeploymentsInput,
} from '@aws-sdk/client-codedeploy';
import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../src/cli';
import type { DrillReport } from '../../src/drill/report/report';
import { runGit } from '../../src/git/run-git';
import { testAwsClients } from '../helpers/aws-deps';
import {
  at,
  deployment,
  HOOK_MESSAGE,
  lifecycle,
  ROLLBACK_MESSAGE,
  target,
  T0,
} from '../helpers/codedeploy-fixtures';
import { startServer, type LocalServer } from '../helpers/local-server';
import {
  actionRun,
  actionRuns,
  BUILD_FAILURE,
  BUILD_URL,
  execution,
  executions,
  PIPELINE,
  queuedBehind,
} from '../helpers/codepipeline-fixtures';
import { ALARM_NAMES, pipelineStack, serviceStack } from '../helpers/stack-fixtures';
import { STACK_NAMES } from '../../../contract/stack-outputs';
import { faultsOf, git, tempRepo, type TempRepo } from '../helpers/temp-repo';
import { testDeps } from '../helpers/test-deps';
import { BLUE_TASK_SET, codeDeployRuns, GREEN_TASK_SET } from '../helpers/what-runs-fixtures';

const sts = mockClient(STSClient);
const cloudFormation = mockClient(CloudFormationClient);
const codeDeploy = mockClient(CodeDeployClient);
const cloudWatch = mockClient(CloudWatchClient);
const codePipeline = mockClient(CodePipelineClient);
const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

const FAST = ['--steady', '30s', '--poll', '60s', '--rate', '50'];

describe('rehearse drill', () => {
  let repo: TempRepo;
  let alb: LocalServer;
  let clock: number;
  let pushed: boolean;

  function deps(overrides: Parameters<typeof testDeps>[0] = {}) {
    return testDeps({
      cwd: repo.dir,
      aws: testAwsClients(),
      git: async (args, cwd) => {
        const result = await runGit(args, cwd);
        if (args[0] === 'push' && result.code === 0) pushed = true;
        return result;
      },
      now: () => clock,
      // Fake time moves at once; a few real milliseconds let the load loop reach the local "ALB".
      sleep: async (ms) => {
        clock += ms;
        await delay(15);
      },
      ...overrides,
    });
  }

  beforeEach(async () => {
    repo = tempRepo();
    clock = T0 - 40_000;
    pushed = false;
    alb = await startServer((_req, res, n) => {
      res.setHeader('x-app-version', pushed && n % 4 === 0 ? '0.2.0' : '0.1.0');
      res.end('{}');
    });
    for (const mock of [sts, cloudFormation, codeDeploy, cloudWatch, codePipeline, ecs, elbv2]) mock.reset();
    sts.on(GetCallerIdentityCommand).resolves({
      Account: '123456789012',
      Arn: 'arn:aws:iam::123456789012:user/rehearser',
      UserId: 'AIDAEXAMPLE',
    });
    cloudFormation.on(DescribeStacksCommand).resolves(serviceStack(alb.url));
    codeDeploy.on(GetDeploymentGroupCommand).resolves({
      deploymentGroupInfo: {
        applicationName: 'RollbackRehearsal-App',
        deploymentGroupName: 'RollbackRehearsal-DG',
        computePlatform: 'ECS',
        alarmConfiguration: {
          enabled: true,
          ignorePollAlarmFailure: false,
          alarms: ALARM_NAMES.map((name) => ({ name })),
        },
        autoRollbackConfiguration: {
          enabled: true,
          events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
        },
      },
    });
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: ALARM_NAMES.map((AlarmName) => ({
        AlarmName,
        StateValue: 'OK',
        StateReason: 'Threshold Crossed: no datapoints were received',
      })),
    });
    // No deployment in progress; the last one is old; the pipeline's appears on the second look after the push.
    let looksAfterPush = 0;
    codeDeploy.on(ListDeploymentsCommand).callsFake((input: ListDeploymentsInput) => {
      if (input.includeOnlyStatuses) return { deployments: [] };
      if (!input.createTimeRange) return { deployments: ['d-OLD'] };
      looksAfterPush += 1;
      return { deployments: looksAfterPush >= 2 ? ['d-NEW'] : [] };
    });
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
    codeDeploy
      .on(GetDeploymentCommand, { deploymentId: 'd-NEW' })
      .resolvesOnce(deployment('d-NEW', { status: 'InProgress' }))
      .resolvesOnce(deployment('d-NEW', { status: 'InProgress' }))
      .resolves(
        deployment('d-NEW', {
          status: 'Stopped',
          createTime: new Date(T0),
          completeTime: new Date(T0 + 150_000),
          errorInformation: { code: 'HOOK_EXECUTION_FAILURE', message: HOOK_MESSAGE },
          rollbackInfo: { rollbackMessage: ROLLBACK_MESSAGE },
        }),
      );
    codeDeploy
      .on(GetDeploymentTargetCommand)
      .resolvesOnce(target('d-NEW', lifecycle(1, 'InProgress'), 100, 0))
      .resolvesOnce(target('d-NEW', lifecycle(3, 'InProgress'), 100, 2))
      .resolves(
        target(
          'd-NEW',
          lifecycle(4, 'Failed', { errorCode: 'ScriptFailed', message: '9 of 20 answered 500' }),
          100,
          2,
        ),
      );
    // After the rollback the original task set serves again, healthy.
    codeDeployRuns(ecs, elbv2, BLUE_TASK_SET, 7);
  });

  afterEach(async () => {
    await alb.close();
    repo.remove();
  });

  const remoteFaults = (): string | undefined =>
    faultsOf(git(repo.dir, '--git-dir', repo.remote, 'show', 'main:taskdef.json'));

  it('runs the whole rehearsal: flips, pushes, follows the rollback, writes the report and restores', async () => {
    // A log that renders colour: the verdict line is green.
    const d = deps({ env: { FORCE_COLOR: '1' } });
    const code = await main(['drill', 'error-rate', ...FAST, '--restore'], d);

    expect(d.stderr.text).toBe('');
    expect(code).toBe(0);
    // The flip reached the remote, then the restore did.
    const subjects = git(repo.dir, '--git-dir', repo.remote, 'log', '--format=%s', 'main').split('\n');
    expect(subjects.slice(0, 2)).toEqual([
      'rehearsal: clear FAULTS (restore normal releases)',
      'rehearsal: flip FAULTS=error-rate=0.5',
    ]);
    expect(remoteFaults()).toBe('');
    // The deployment was searched for only after the push.
    const sinceCalls = codeDeploy
      .commandCalls(ListDeploymentsCommand)
      .filter((c) => c.args[0].input.createTimeRange);
    expect(sinceCalls.length).toBe(2);

    expect(d.stdout.text).toContain('expected rolled-back');
    expect(d.stdout.text).toContain('predicted: rollback triggered at most');
    expect(d.stdout.text).toContain('stopped by HOOK_EXECUTION_FAILURE');
    expect(d.stdout.text).toContain(
      '\x1b[32m== Expected rolled-back, observed rolled-back: the hypothesis held\x1b[0m',
    );

    const reports = readdirSync(path.join(repo.dir, 'rehearsal-reports'));
    expect(reports).toEqual([expect.stringMatching(/^2026-11-23-1159-error-rate-0.5$/)]);
    const folder = path.join(repo.dir, 'rehearsal-reports', reports[0]!);
    const report = JSON.parse(readFileSync(path.join(folder, 'report.json'), 'utf8')) as DrillReport;
    expect(report).toMatchObject({
      faults: 'error-rate=0.5',
      status: 'completed',
      hypothesis: {
        expected: { outcome: 'rolled-back' },
        prediction: { fault: 'error-rate', outcome: 'rolled-back' },
      },
      method: { albUrl: alb.url, pushed: true, deploymentId: 'd-NEW' },
      verdict: { expected: { outcome: 'rolled-back' }, observed: 'rolled-back', matched: true },
      restore: { done: true, pushed: true },
    });
    // The record holds the person's steps and AWS's events, typed, in time order.
    const events = report.observations.events;
    expect(events.flatMap((e) => (e.type === 'drill' ? [e.action] : []))).toEqual([
      'steady-state-measured',
      'flip-committed',
      'pushed',
      'deployment-found',
      'steady-state-measured',
      'restore-committed',
      'restore-pushed',
    ]);
    const first = (type: string): number => events.findIndex((e) => e.type === type);
    for (const type of ['deployment', 'green-running', 'lifecycle', 'hook', 'stop', 'rollback', 'outcome'])
      expect(first(type)).toBeGreaterThanOrEqual(0);
    expect(events.find((e) => e.type === 'traffic')).toMatchObject({ listener: 'test', greenPercent: 100 });
    expect(events.find((e) => e.type === 'hook')).toMatchObject({ ok: false });
    // The failed hook event was seen before the deployment's error: it is the detection.
    expect(events.find((e) => e.type === 'stop')).toMatchObject({
      trigger: 'hook',
      signal: 'test-traffic hook',
    });
    expect(events.filter((e) => e.type === 'rollback').map((e) => e.type === 'rollback' && e.status)).toEqual(
      ['started', 'done'],
    );
    expect(events.findIndex((e) => e.type === 'drill' && e.action === 'pushed')).toBeLessThan(
      first('deployment'),
    );
    expect(events.map((e) => e.atMs)).toEqual([...events.map((e) => e.atMs)].sort((a, b) => a - b));
    expect(report.verdict?.decidedBy).toBe('test-traffic hook');
    expect(report.steadyBefore.requests).toBeGreaterThan(0);
    expect(report.steadyBefore.failed).toBe(0);
    expect(report.observations.detection!.fromPushSeconds).toBeGreaterThan(0);
    expect(report.observations.load!.requests).toBe(
      report.steadyBefore.requests + report.observations.during.requests + report.steadyAfter.requests,
    );
    const html = readFileSync(path.join(folder, 'report.html'), 'utf8');
    expect(html).toContain('<span id="outcome" class="matched">rolled-back</span>');
    expect(html).toContain('<table id="events">');
    const markdown = readFileSync(path.join(folder, 'report.md'), 'utf8');
    for (const heading of [
      '## Hypothesis',
      '## Steady state before',
      '## Method',
      '## Observations',
      '## Steady state after',
      '## Expected vs observed',
      '## Restore',
    ]) {
      expect(markdown).toContain(heading);
    }
  });

  it('reports a rollback after which the replacement task set still serves as a mismatch and exits 1', async () => {
    codeDeployRuns(ecs, elbv2, GREEN_TASK_SET, 8);
    const d = deps();

    expect(await main(['drill', 'error-rate', ...FAST, '--json'], d)).toBe(1);

    const report = JSON.parse(d.stdout.text) as DrillReport;
    expect(report.verdict).toMatchObject({ observed: 'mismatch', matched: false });
    expect(report.observations.deployment).toMatchObject({
      outcome: 'mismatch',
      reportedOutcome: 'rolled-back',
      whatRuns: {
        ok: false,
        expected: `the Blue task set ${BLUE_TASK_SET}`,
        runs: `task set ${GREEN_TASK_SET} (RollbackRehearsal:8)`,
      },
    });
    // CodeDeploy's rollback is still on the record; the outcome is the mismatch.
    const events = report.observations.events;
    expect(events.filter((e) => e.type === 'rollback').map((e) => e.type === 'rollback' && e.status)).toEqual(
      ['started', 'done'],
    );
    expect(events.filter((e) => e.type === 'outcome')).toEqual([
      expect.objectContaining({ outcome: 'mismatch' }),
    ]);
    expect(d.stderr.text).toContain('what runs does NOT match the reported outcome (rolled-back)');
    const markdown = readFileSync(path.join(repo.dir, 'rehearsal-reports', report.name, 'report.md'), 'utf8');
    expect(markdown).toContain(`What runs after the release: **does not match**`);
  });

  it('stops before changing anything when an alarm is not OK', async () => {
    cloudWatch.on(DescribeAlarmsCommand).resolves({
      MetricAlarms: ALARM_NAMES.map((AlarmName, i) => ({ AlarmName, StateValue: i === 1 ? 'ALARM' : 'OK' })),
    });
    const head = git(repo.dir, 'rev-parse', 'HEAD');
    const d = deps();
    expect(await main(['drill', 'health-fail', ...FAST], d)).toBe(1);
    expect(d.stdout.text).toContain(`FAIL  alarms OK: ${ALARM_NAMES[1]} is ALARM`);
    expect(d.stdout.text).toContain('nothing was changed');
    expect(git(repo.dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(pushed).toBe(false);
    expect(alb.seen()).toBe(0);
  });

  it('refuses a dirty tree, a flipped fault and a deployment in progress, all in one preflight', async () => {
    const taskdef = readFileSync(repo.taskdef, 'utf8');
    writeFileSync(repo.taskdef, taskdef.replace('"value": ""', '"value": "latency=2000"'));
    codeDeploy
      .on(ListDeploymentsCommand, {
        includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'],
      })
      .resolves({ deployments: ['d-BUSY'] });
    const d = deps();
    expect(await main(['drill', 'health-fail', ...FAST], d)).toBe(1);
    expect(d.stdout.text).toMatch(/FAIL {2}git tree: uncommitted changes/);
    expect(d.stdout.text).toMatch(/FAIL {2}no fault flipped: FAULTS is already "latency=2000"/);
    expect(d.stdout.text).toMatch(/FAIL {2}no deployment in progress: d-BUSY still running/);
    expect(existsSync(path.join(repo.dir, 'rehearsal-reports'))).toBe(false);
  });

  it('reports missing credentials as a failed preflight', async () => {
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const d = deps();
    expect(await main(['drill', 'health-fail', ...FAST], d)).toBe(1);
    expect(d.stdout.text).toMatch(/FAIL {2}AWS credentials: No AWS credentials/);
  });

  it('with --no-push commits the flip, leaves the push to the person, and gives up when no deployment appears', async () => {
    codeDeploy.on(ListDeploymentsCommand).callsFake((input: ListDeploymentsInput) => ({
      deployments: input.createTimeRange || input.includeOnlyStatuses ? [] : ['d-OLD'],
    }));
    const d = deps();
    expect(await main(['drill', 'health-fail', ...FAST, '--no-push', '--wait-deployment', '1m'], d)).toBe(1);
    expect(pushed).toBe(false);
    expect(git(repo.dir, 'log', '-1', '--format=%s')).toBe('rehearsal: flip FAULTS=health-fail');
    expect(d.stdout.text).toContain('waiting for your push: run: git push origin HEAD:main');
    expect(d.stdout.text).toMatch(/no deployment: none appeared within 60 s/);
    expect(d.stdout.text).toContain('Report:');
  });

  it('on Ctrl-C stops the load and the watch, writes the report as interrupted and exits 130', async () => {
    let interrupt: (() => void) | undefined;
    codeDeploy.on(GetDeploymentCommand, { deploymentId: 'd-NEW' }).callsFake(() => {
      interrupt?.();
      return deployment('d-NEW', { status: 'InProgress' });
    });
    const d = deps({
      onInterrupt: (handler) => {
        interrupt = handler;
        return () => undefined;
      },
    });
    expect(await main(['drill', 'latency', ...FAST, '--json'], d)).toBe(130);
    const report = JSON.parse(d.stdout.text) as DrillReport;
    expect(report).toMatchObject({ status: 'interrupted', method: { deploymentId: 'd-NEW', pushed: true } });
    expect(report.observations.deployment?.outcome).toBe('interrupted');
    expect(d.stderr.text).toContain('Interrupted: stopping the load loop');
    expect(existsSync(path.join(repo.dir, 'rehearsal-reports', report.name, 'report.md'))).toBe(true);
  });

  it('with --report DIR writes the report into DIR, as local and suite do', async () => {
    const d = deps();
    const dir = path.join(repo.dir, 'reports', 'this-drill');
    const argv = ['drill', 'error-rate', ...FAST, '--report', dir];
    expect(await main(argv, d)).toBe(0);
    expect(d.stdout.text).toContain(`Report: ${path.join(dir, 'report.md')}`);
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json', 'report.md']);
    expect(existsSync(path.join(repo.dir, 'rehearsal-reports'))).toBe(false);
  });

  it.each([
    [['--report', 'reports/old'], /--report .*reports\/old: already holds a report; .*add --replace/],
    [['--replace'], /--replace needs --report/],
    [['--report', 'a', '--report-dir', 'b'], /give --report DIR or --report-dir PATH, not both/],
  ])('%j is a usage error before anything is checked or changed', async (flags, message) => {
    mkdirSync(path.join(repo.dir, 'reports', 'old'), { recursive: true });
    writeFileSync(path.join(repo.dir, 'reports', 'old', 'report.md'), '# an earlier drill\n');
    const d = deps();
    expect(await main(['drill', 'health-fail', ...flags], d)).toBe(2);
    expect(d.stderr.text).toMatch(message);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('exits 2 on an unknown fault without touching anything', async () => {
    const d = deps();
    expect(await main(['drill', 'meteor-strike'], d)).toBe(2);
    expect(d.stderr.text).toContain('unknown fault "meteor-strike"');
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });
  describe('following the pipeline execution of the flip', () => {
    const OURS = 'b1d3c2a4-0000-4000-8000-000000000001';
    const AHEAD = 'a0c2b1d3-0000-4000-8000-000000000000';
    const head = (): string => git(repo.dir, 'rev-parse', 'HEAD');

    beforeEach(() => {
      cloudFormation
        .on(DescribeStacksCommand, { StackName: STACK_NAMES.pipeline })
        .resolves(pipelineStack(PIPELINE));
      // The execution appears once the flip is pushed: its source revision is the flip's commit.
      codePipeline
        .on(ListPipelineExecutionsCommand)
        .callsFake(() =>
          pushed
            ? executions(
                { id: OURS, commit: head(), status: 'InProgress' },
                { id: AHEAD, commit: 'c0ffee', status: 'InProgress', startSeconds: -300 },
              )
            : executions({ id: AHEAD, commit: 'c0ffee', status: 'InProgress', startSeconds: -300 }),
        );
    });

    it('ends within seconds of a failed Build, naming the action, its summary and the build log', async () => {
      codePipeline.on(GetPipelineExecutionCommand).resolves(execution(OURS, 'Failed', 'Build failed'));
      codePipeline
        .on(ListActionExecutionsCommand, { pipelineName: PIPELINE, filter: { pipelineExecutionId: OURS } })
        .resolves(
          actionRuns(
            actionRun(OURS, 'source', 'Succeeded', -5),
            actionRun(OURS, 'build', 'Failed', 0, { error: BUILD_FAILURE, url: BUILD_URL }),
          ),
        );
      const d = deps();

      const code = await main(['drill', 'health-fail', ...FAST, '--json'], d);

      expect(code).toBe(1);
      const report = JSON.parse(d.stdout.text) as DrillReport;
      expect(report).toMatchObject({
        status: 'pipeline-failed',
        method: { pipelineExecutionId: OURS, pushed: true },
        observations: {
          pipeline: {
            status: 'Failed',
            failedAction: {
              stage: 'Build',
              action: 'TestAndBuildImage',
              summary: BUILD_FAILURE,
              url: BUILD_URL,
            },
          },
        },
      });
      const marks = report.observations.events.flatMap((e) => (e.type === 'drill' ? [e] : []));
      const push = marks.find((e) => e.action === 'pushed')!;
      const end = marks.find((e) => e.action === 'pipeline-ended')!;
      expect(end.atMs - push.atMs).toBeLessThanOrEqual(5_000);
      expect(d.stderr.text).toContain(
        `pipeline ended before deploying: Build/TestAndBuildImage Failed: ${BUILD_FAILURE} (${BUILD_URL})`,
      );
      // It never waited for a deployment.
      expect(
        codeDeploy.commandCalls(ListDeploymentsCommand).filter((c) => c.args[0].input.createTimeRange),
      ).toEqual([]);
    });

    it('reports an execution queued behind another, follows it, then hands over to the deployment it starts', async () => {
      codePipeline.on(GetPipelineExecutionCommand).resolves(execution(OURS, 'InProgress'));
      codePipeline.on(GetPipelineStateCommand).resolves(queuedBehind(OURS, AHEAD));
      const source = actionRun(OURS, 'source', 'Succeeded', -8);
      codePipeline
        .on(ListActionExecutionsCommand)
        .resolvesOnce(actionRuns(source))
        .resolvesOnce(actionRuns(source, actionRun(OURS, 'build', 'InProgress', -4, { url: BUILD_URL })))
        .resolves(
          actionRuns(
            source,
            actionRun(OURS, 'build', 'Succeeded', -4),
            actionRun(OURS, 'deploy', 'InProgress', 0),
          ),
        );
      const d = deps();

      const code = await main(['drill', 'error-rate', ...FAST], d);

      expect(d.stderr.text).toBe('');
      expect(code).toBe(0);
      expect(d.stdout.text).toContain(`waiting to enter Build behind execution ${AHEAD}`);
      expect(d.stdout.text).toContain('Deploy/BlueGreen InProgress');
      expect(d.stdout.text).toContain('stopped by HOOK_EXECUTION_FAILURE');
      // The deployment is looked for from the moment this execution's deploy action started.
      const since = codeDeploy
        .commandCalls(ListDeploymentsCommand)
        .flatMap((c) => (c.args[0].input.createTimeRange ? [c.args[0].input.createTimeRange.start] : []));
      expect(since).toEqual([at(0), at(0)]);
      const report = JSON.parse(
        readFileSync(
          path.join(
            repo.dir,
            'rehearsal-reports',
            readdirSync(path.join(repo.dir, 'rehearsal-reports'))[0]!,
            'report.json',
          ),
          'utf8',
        ),
      ) as DrillReport;
      expect(report.method).toMatchObject({ pipelineExecutionId: OURS, deploymentId: 'd-NEW' });
      expect(report.status).toBe('completed');
    });

    it('ends at once when the flipped file is one the trigger excludes', async () => {
      mkdirSync(path.join(repo.dir, 'docs'));
      writeFileSync(path.join(repo.dir, 'docs', 'taskdef.json'), readFileSync(repo.taskdef, 'utf8'));
      git(repo.dir, 'add', 'docs/taskdef.json');
      git(repo.dir, 'commit', '--quiet', '-m', 'a copy under docs');
      const d = deps();

      const code = await main(['drill', 'health-fail', ...FAST, '--file', 'docs/taskdef.json'], d);

      expect(code).toBe(1);
      expect(d.stdout.text).toMatch(
        /no release starts: [0-9a-f]{12} changes only docs\/taskdef.json, which the pipeline's trigger excludes/,
      );
      expect(pushed).toBe(true);
      expect(codePipeline.commandCalls(ListPipelineExecutionsCommand)).toEqual([]);
      expect(
        codeDeploy.commandCalls(ListDeploymentsCommand).filter((c) => c.args[0].input.createTimeRange),
      ).toEqual([]);
    });
  });
});
