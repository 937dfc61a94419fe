import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  CreateDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  type DeploymentInfo,
  type DeploymentStatus,
} from '@aws-sdk/client-codedeploy';
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { parse } from 'yaml';
import { TASK_DEFINITION_PLACEHOLDER } from '../../../contract/release-file-names';
import { main } from '../../src/cli';
import { undoAppSpec } from '../../src/commands/undo';
import { testAwsClients } from '../helpers/aws-deps';
import {
  APPLICATION,
  DEPLOYMENT_GROUP,
  at,
  deployment,
  lifecycle,
  target,
  T0,
} from '../helpers/codedeploy-fixtures';
import {
  BLUE,
  brief,
  CLUSTER,
  deploymentArn,
  described,
  GREEN,
  revisions,
  SERVICE,
} from '../helpers/ecs-fixtures';
import { FakeClock } from '../helpers/fake-clock';
import { nativeServiceStack, serviceStack } from '../helpers/stack-fixtures';
import { testDeps } from '../helpers/test-deps';
import { codeDeployRuns, GREEN_TASK_SET, TD } from '../helpers/what-runs-fixtures';

const codeDeploy = mockClient(CodeDeployClient);
const ecs = mockClient(ECSClient);
const cloudFormation = mockClient(CloudFormationClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

const ACTIVE: DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];
const BAD = '1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c';
const GOOD = 'a0b1c2d3e4f5061728394a5b6c7d8e9f00112233';

function deps() {
  const { now, sleep } = new FakeClock(T0);
  return testDeps({ aws: testAwsClients(), now, sleep });
}

/** A succeeded pipeline release as BatchGetDeployments returns it: its AppSpec names its task definition. */
function released(id: string, createdSeconds: number, revision: number): DeploymentInfo {
  return {
    ...deployment(id, { status: 'Succeeded', createTime: at(createdSeconds) }).deploymentInfo,
    revision: {
      revisionType: 'AppSpecContent',
      appSpecContent: {
        content: `version: 0.0\nResources:\n  - TargetService:\n      Properties:\n        TaskDefinition: "${TD(revision)}"\n`,
      },
    },
  };
}

/** Task definitions 7 (the good commit) and 8 (the bad one), each with the commit as APP_VERSION. */
function taskDefinitions(): void {
  for (const [revision, commit] of [
    [7, GOOD],
    [8, BAD],
  ] as const)
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: TD(revision) }).resolves({
      taskDefinition: {
        taskDefinitionArn: TD(revision),
        containerDefinitions: [{ name: 'app', environment: [{ name: 'APP_VERSION', value: commit }] }],
      },
    });
}

describe('rehearse undo under CodeDeploy', () => {
  beforeEach(() => {
    for (const mock of [codeDeploy, ecs, cloudFormation, elbv2]) mock.reset();
    cloudFormation.on(DescribeStacksCommand).resolves(serviceStack());
    codeDeploy
      .on(ListDeploymentTargetsCommand)
      .resolves({ targetIds: ['rehearsal-cluster:rollback-rehearsal'] });
    codeDeploy.on(ListDeploymentsCommand, { includeOnlyStatuses: ACTIVE }).resolves({ deployments: [] });
    taskDefinitions();
  });

  it('deploys the previous release blue/green with the AppSpec hooks, names it, follows it and says to revert', async () => {
    codeDeploy
      .on(ListDeploymentsCommand, { includeOnlyStatuses: ['Succeeded'] })
      .resolves({ deployments: ['d-1', 'd-2'] });
    codeDeploy
      .on(BatchGetDeploymentsCommand)
      .resolves({ deploymentsInfo: [released('d-1', 0, 7), released('d-2', 900, 8)] });
    codeDeploy.on(CreateDeploymentCommand).resolves({ deploymentId: 'd-UNDO' });
    codeDeploy
      .on(GetDeploymentCommand)
      .resolves(deployment('d-UNDO', { status: 'Succeeded', completeTime: at(1500) }));
    codeDeploy.on(GetDeploymentTargetCommand).resolves(target('d-UNDO', lifecycle(8), 0));
    codeDeployRuns(ecs, elbv2, GREEN_TASK_SET, 7);
    const d = deps();

    expect(await main(['undo'], d)).toBe(0);

    const input = codeDeploy.commandCalls(CreateDeploymentCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      applicationName: APPLICATION,
      deploymentGroupName: DEPLOYMENT_GROUP,
      revision: { revisionType: 'AppSpecContent' },
    });
    const appSpec = JSON.parse(input.revision!.appSpecContent!.content!) as Record<string, unknown>;
    expect(appSpec).toMatchObject({
      Resources: [{ TargetService: { Properties: { TaskDefinition: TD(7) } } }],
      Hooks: [{ AfterAllowTestTraffic: 'CodeDeployHook_rollback-rehearsal-test-traffic' }],
    });
    expect(d.stderr.text).toContain(`releasing ${TD(7)} (commit ${GOOD})`);
    expect(d.stderr.text).toContain(`Undoing ${TD(8)} (commit ${BAD})`);
    expect(d.stdout.text).toContain('Deployment d-UNDO succeeded');
    expect(d.stdout.text).toContain(`main still holds commit ${BAD}`);
    expect(d.stdout.text).toContain(`git revert ${BAD} && git push`);
  });

  it('refuses while a deployment is in progress, pointing at rollback, and deploys nothing', async () => {
    codeDeploy
      .on(ListDeploymentsCommand, { includeOnlyStatuses: ACTIVE })
      .resolves({ deployments: ['d-RUN'] });
    const d = deps();

    expect(await main(['undo'], d)).toBe(1);

    expect(codeDeploy.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
    expect(d.stderr.text).toContain('(d-RUN)');
    expect(d.stderr.text).toContain('npm run rehearse -- rollback');
  });

  it('with one release only says there is nothing to go back to, exits 1 and deploys nothing', async () => {
    codeDeploy
      .on(ListDeploymentsCommand, { includeOnlyStatuses: ['Succeeded'] })
      .resolves({ deployments: ['d-1'] });
    codeDeploy.on(BatchGetDeploymentsCommand).resolves({ deploymentsInfo: [released('d-1', 0, 8)] });
    const d = deps();

    expect(await main(['undo'], d)).toBe(1);

    expect(codeDeploy.commandCalls(CreateDeploymentCommand)).toHaveLength(0);
    expect(d.stderr.text).toContain('No previous release to go back to');
    expect(d.stderr.text).toContain('1 of 1 succeeded deployments name a task definition');
  });
});

describe('rehearse undo under native ECS', () => {
  beforeEach(() => {
    for (const mock of [codeDeploy, ecs, cloudFormation, elbv2]) mock.reset();
    cloudFormation.on(DescribeStacksCommand).resolves(nativeServiceStack());
    taskDefinitions();
  });

  it('updates the service to the task definition the last release replaced, and --no-wait --json names both', async () => {
    // Nothing in progress; the specific answer below wins for the SUCCESSFUL listing.
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    ecs.on(ListServiceDeploymentsCommand, { status: ['SUCCESSFUL'] }).resolves({
      serviceDeployments: [brief('sd-old', -900, 'SUCCESSFUL'), brief('sd-last', 0, 'SUCCESSFUL')],
    });
    ecs
      .on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [deploymentArn('sd-last')] })
      .resolves(described('sd-last', { status: 'SUCCESSFUL', ...revisions(100, 100, 2) }));
    ecs.on(DescribeServiceRevisionsCommand).resolves({
      serviceRevisions: [
        { serviceRevisionArn: GREEN, taskDefinition: TD(8) },
        { serviceRevisionArn: BLUE, taskDefinition: TD(7) },
      ],
    });
    ecs
      .on(UpdateServiceCommand)
      .resolves({ service: { currentServiceDeployment: deploymentArn('sd-undo') } });
    const d = deps();

    expect(await main(['undo', '--no-wait', '--json'], d)).toBe(0);

    expect(ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: CLUSTER, service: SERVICE, taskDefinition: TD(7) },
    ]);
    expect(JSON.parse(d.stdout.text)).toMatchObject({
      started: deploymentArn('sd-undo'),
      controller: 'ecs',
      current: { taskDefinitionArn: TD(8), commit: BAD },
      previous: { taskDefinitionArn: TD(7), commit: GOOD },
    });
  });

  it('refuses while a service deployment is in progress and updates nothing', async () => {
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [brief('sd-run', 0, 'IN_PROGRESS')] });
    const d = deps();

    expect(await main(['undo'], d)).toBe(1);

    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(d.stderr.text).toContain('npm run rehearse -- rollback');
  });

  it('with no succeeded release says so and updates nothing', async () => {
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    const d = deps();

    expect(await main(['undo'], d)).toBe(1);

    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(d.stderr.text).toContain('No previous release to go back to');
  });
});

describe('the AppSpec undo sends', () => {
  it('is appspec.yml with the previous task definition in place of the placeholder', () => {
    const file = parse(readFileSync(join(__dirname, '../../../appspec.yml'), 'utf8')) as unknown;
    const expected = JSON.parse(JSON.stringify(file).replace(TASK_DEFINITION_PLACEHOLDER, TD(7))) as unknown;
    expect(JSON.parse(undoAppSpec(TD(7)))).toEqual(expected);
    expect(undoAppSpec(TD(7))).toMatch(/^\{"version":0\.0,/);
  });
});
