import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  type ListDeploymentsInput,
} from '@aws-sdk/client-codedeploy';
import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { STACK_NAMES } from '../../../contract/stack-outputs';
import { main } from '../../src/cli';
import { testAwsClients } from '../helpers/aws-deps';
import { at, deployment, lifecycle, target, T0 } from '../helpers/codedeploy-fixtures';
import {
  actionRun,
  actionRuns,
  BUILD_FAILURE,
  BUILD_URL,
  execution,
  executions,
  PIPELINE,
} from '../helpers/codepipeline-fixtures';
import { FakeClock } from '../helpers/fake-clock';
import { codeDeployRuns, GREEN_TASK_SET } from '../helpers/what-runs-fixtures';
import { pipelineStack, serviceStack } from '../helpers/stack-fixtures';
import { git, tempRepo, type TempRepo } from '../helpers/temp-repo';
import { testDeps } from '../helpers/test-deps';

const cloudFormation = mockClient(CloudFormationClient);
const codeDeploy = mockClient(CodeDeployClient);
const codePipeline = mockClient(CodePipelineClient);
const ecs = mockClient(ECSClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const COMMIT = '3f9c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e';
const OURS = 'b1d3c2a4-0000-4000-8000-000000000001';

function deps(cwd = process.cwd()) {
  const clock = new FakeClock(T0);
  return { clock, deps: testDeps({ aws: testAwsClients(), now: clock.now, sleep: clock.sleep, cwd }) };
}

describe('rehearse watch --commit', () => {
  beforeEach(() => {
    for (const mock of [cloudFormation, codeDeploy, codePipeline, ecs, elbv2]) mock.reset();
    cloudFormation.on(DescribeStacksCommand).resolves(serviceStack());
    cloudFormation
      .on(DescribeStacksCommand, { StackName: STACK_NAMES.pipeline })
      .resolves(pipelineStack(PIPELINE));
    codePipeline
      .on(ListPipelineExecutionsCommand)
      .resolves(executions({ id: OURS, commit: COMMIT, status: 'InProgress' }));
  });

  it('ends on a failed Build with the action, its summary and the build log, exit 1', async () => {
    codePipeline.on(GetPipelineExecutionCommand).resolves(execution(OURS, 'Failed'));
    codePipeline
      .on(ListActionExecutionsCommand)
      .resolves(
        actionRuns(
          actionRun(OURS, 'source', 'Succeeded', 0),
          actionRun(OURS, 'build', 'Failed', 5, { error: BUILD_FAILURE, url: BUILD_URL }),
        ),
      );
    const { clock, deps: d } = deps();

    expect(await main(['watch', '--commit', COMMIT], d)).toBe(1);

    expect(clock.sleeps).toEqual([]);
    expect(d.stdout.text).toContain(`Pipeline execution ${OURS} Failed; nothing was deployed.`);
    expect(d.stdout.text).toContain(`failed action: Build/TestAndBuildImage: ${BUILD_FAILURE}`);
    expect(d.stdout.text).toContain(`build log: ${BUILD_URL}`);
    expect(codeDeploy.commandCalls(ListDeploymentsCommand)).toEqual([]);
  });

  it('follows the execution to its deploy stage, then the deployment it started, exit 0 when it succeeds', async () => {
    codePipeline.on(GetPipelineExecutionCommand).resolves(execution(OURS, 'InProgress'));
    codePipeline
      .on(ListActionExecutionsCommand)
      .resolves(
        actionRuns(
          actionRun(OURS, 'source', 'Succeeded', -60),
          actionRun(OURS, 'build', 'Succeeded', -55),
          actionRun(OURS, 'deploy', 'InProgress', 0),
        ),
      );
    // The deployment of the execution ahead is older than this execution's deploy action: never listed.
    codeDeploy.on(ListDeploymentsCommand).callsFake((input: ListDeploymentsInput) => ({
      deployments: input.createTimeRange?.start?.getTime() === T0 ? ['d-NEW'] : ['d-AHEAD', 'd-NEW'],
    }));
    codeDeploy
      .on(BatchGetDeploymentsCommand)
      .resolves({ deploymentsInfo: [deployment('d-NEW', { createTime: at(2) }).deploymentInfo!] });
    codeDeploy
      .on(GetDeploymentCommand, { deploymentId: 'd-NEW' })
      .resolves(deployment('d-NEW', { status: 'Succeeded', completeTime: at(400) }));
    codeDeploy
      .on(ListDeploymentTargetsCommand)
      .resolves({ targetIds: ['rehearsal-cluster:rollback-rehearsal'] });
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-NEW', lifecycle(8), 0));
    codeDeployRuns(ecs, elbv2, GREEN_TASK_SET, 8);
    const { deps: d } = deps();

    expect(await main(['watch', '--commit', COMMIT.slice(0, 10)], d)).toBe(0);

    expect(d.stdout.text).toContain('Deploy/BlueGreen InProgress');
    expect(d.stdout.text).toContain('Deployment d-NEW succeeded');
    expect(codeDeploy.commandCalls(ListDeploymentsCommand)[0]!.args[0].input.createTimeRange).toEqual({
      start: at(0),
    });
  });

  it('says at once that the trigger skips a commit that changes documentation only', async () => {
    const repo: TempRepo = tempRepo();
    try {
      writeFileSync(path.join(repo.dir, 'README.md'), '# notes\n');
      git(repo.dir, 'add', 'README.md');
      git(repo.dir, 'commit', '--quiet', '-m', 'notes');
      const sha = git(repo.dir, 'rev-parse', 'HEAD');
      const { deps: d } = deps(repo.dir);

      expect(await main(['watch', '--commit', sha], d)).toBe(1);

      expect(d.stderr.text).toContain("changes only README.md, which the pipeline's trigger excludes");
      expect(codePipeline.commandCalls(ListPipelineExecutionsCommand)).toEqual([]);
    } finally {
      repo.remove();
    }
  });

  it.each([
    [['--commit', 'main'], '--commit takes a commit id of 7 to 40 hexadecimal digits, not "main"'],
    [['--commit', COMMIT, '--deployment-id', 'd-ABC'], 'leave out --deployment-id'],
    [['--pipeline', PIPELINE], '--pipeline names the pipeline that --commit follows'],
  ])('rejects %j as a usage error before calling AWS', async (args, message) => {
    const { deps: d } = deps();

    expect(await main(['watch', ...args], d)).toBe(2);

    expect(d.stderr.text).toContain(message);
    expect(cloudFormation.calls()).toEqual([]);
  });
});
