import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CodeDeployClient, ListDeploymentsCommand } from '@aws-sdk/client-codedeploy';
import {
  DescribeServiceDeploymentsCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
} from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { main } from '../../src/cli';
import { testAwsClients } from '../helpers/aws-deps';
import { at, T0 } from '../helpers/codedeploy-fixtures';
import { brief, CLUSTER, deploymentArn, described, hook, revisions, SERVICE } from '../helpers/ecs-fixtures';
import { FakeClock } from '../helpers/fake-clock';
import { nativeServiceStack } from '../helpers/stack-fixtures';
import { testDeps } from '../helpers/test-deps';
import { nativeRuns } from '../helpers/what-runs-fixtures';

const ecs = mockClient(ECSClient);
const cloudFormation = mockClient(CloudFormationClient);
const codeDeploy = mockClient(CodeDeployClient);
const elbv2 = mockClient(ElasticLoadBalancingV2Client);

function deps() {
  const { now, sleep, sleeps } = new FakeClock(T0);
  return { sleeps, deps: testDeps({ aws: testAwsClients(), now, sleep }) };
}

/** A release that the test-traffic hook fails, rolled back by ECS. */
function hookFailure(id: string): void {
  ecs
    .on(DescribeServiceDeploymentsCommand, { serviceDeploymentArns: [deploymentArn(id)] })
    .resolvesOnce(described(id, { lifecycleStage: 'TEST_TRAFFIC_SHIFT', ...revisions(0, 100, 2) }))
    .resolvesOnce(
      described(id, {
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        lifecycleHookDetails: hook('FAILED'),
        status: 'ROLLBACK_IN_PROGRESS',
        rollback: { reason: 'Lifecycle hook failed', startedAt: at(4) },
        ...revisions(0, 100, 2),
      }),
    )
    .resolves(described(id, { status: 'ROLLBACK_SUCCESSFUL', finishedAt: at(40), ...revisions(0, 0, 0) }));
}

describe('rehearse watch on the ecs controller', () => {
  beforeEach(() => {
    for (const mock of [ecs, cloudFormation, codeDeploy, elbv2]) mock.reset();
  });

  it('takes the controller, cluster and service from the stack and follows the latest service deployment', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves(nativeServiceStack());
    ecs.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: [brief('sd-old', -3600, 'SUCCESSFUL'), brief('sd-new', 0, 'IN_PROGRESS')],
    });
    hookFailure('sd-new');
    nativeRuns(ecs, elbv2, 7, 'blue');
    const { deps: d } = deps();

    expect(await main(['watch'], d)).toBe(1);

    expect(ecs.commandCalls(ListServiceDeploymentsCommand)[0]!.args[0].input).toEqual({
      cluster: CLUSTER,
      service: SERVICE,
    });
    expect(codeDeploy.commandCalls(ListDeploymentsCommand)).toHaveLength(0);
    expect(d.stderr.text).toContain(
      `Following the latest service deployment of ${CLUSTER}/${SERVICE}: sd-new`,
    );
    expect(d.stdout.text).toContain('sd-new  stage TEST_TRAFFIC_SHIFT');
    expect(d.stdout.text).toMatch(
      /sd-new {2}traffic blue 100% \(test 0%, 2\/2 running\), green 0% \(test 100%/,
    );
    expect(d.stdout.text).toContain('sd-new  hook at POST_TEST_TRAFFIC_SHIFT FAILED');
    expect(d.stdout.text).toContain(
      'Service deployment sd-new failed and was rolled back (status ROLLBACK_SUCCESSFUL).',
    );
    expect(d.stdout.text).toContain('decided by RollbackRehearsal-TestTrafficHook answered FAILED');
  });

  it('follows a service deployment ARN without reading the stack, and prints JSON with --json', async () => {
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolvesOnce(described('sd-ok', { lifecycleStage: 'BAKE_TIME', ...revisions(100, 100, 2) }))
      .resolves(described('sd-ok', { status: 'SUCCESSFUL', lifecycleStage: 'CLEAN_UP', finishedAt: at(30) }));
    nativeRuns(ecs, elbv2, 8, 'green');
    const { deps: d, sleeps } = deps();

    expect(
      await main(['watch', '--deployment-id', deploymentArn('sd-ok'), '--poll', '2s', '--json'], d),
    ).toBe(0);

    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(sleeps).toEqual([2000]);
    expect(JSON.parse(d.stdout.text)).toMatchObject({
      controller: 'ecs',
      deploymentArn: deploymentArn('sd-ok'),
      outcome: 'succeeded',
      decision: { signal: 'none' },
      whatRuns: { ok: true, runs: 'task definition RollbackRehearsal:8' },
    });
    expect(d.stderr.text).toContain('sd-ok  stage BAKE_TIME');
  });

  it('exits 1 with outcome mismatch when ECS reports SUCCESSFUL but the service runs the previous revision', async () => {
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolves(described('sd-ok', { status: 'SUCCESSFUL', finishedAt: at(30), ...revisions(100, 100, 2) }));
    nativeRuns(ecs, elbv2, 7, 'green');
    const { deps: d } = deps();

    expect(await main(['watch', '--deployment-id', deploymentArn('sd-ok')], d)).toBe(1);

    expect(d.stdout.text).toContain(
      'Service deployment sd-ok ended, but the service does not run what its controller reported (status SUCCESSFUL).',
    );
    expect(d.stdout.text).toContain('expected: task definition RollbackRehearsal:8 (the target revision)');
    expect(d.stdout.text).toContain('runs:     task definition RollbackRehearsal:7');
    expect(d.stdout.text).toContain('- the service runs RollbackRehearsal:7, not RollbackRehearsal:8');
  });

  it('uses --cluster and --service without reading the stack', async () => {
    ecs.on(ListServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    const { deps: d } = deps();
    expect(await main(['watch', '--cluster', 'c', '--service', 's'], d)).toBe(1);
    expect(cloudFormation.commandCalls(DescribeStacksCommand)).toHaveLength(0);
    expect(ecs.commandCalls(ListServiceDeploymentsCommand)[0]!.args[0].input).toEqual({
      cluster: 'c',
      service: 's',
    });
    expect(d.stderr.text).toContain('No service deployment found for c/s.');
  });

  it.each([
    [['--controller', 'ecs', '--deployment-id', 'd-ABC123'], /service deployment ARN/, '--deployment-id'],
    [
      ['--controller', 'codedeploy', '--deployment-id', deploymentArn('sd-1')],
      /only the ecs controller/,
      '--deployment-id',
    ],
    [['--controller', 'ecs', '--application', 'app'], /name a CodeDeploy group/, '--application'],
    [['--controller', 'lambda'], /--controller must be one of codedeploy, ecs, got "lambda"/, '--controller'],
  ])('exits 2 on %j', async (args, message, helpLine) => {
    const { deps: d } = deps();
    expect(await main(['watch', ...args], d)).toBe(2);
    expect(d.stderr.text).toMatch(message);
    expect(d.stderr.text).toContain(helpLine);
    expect(ecs.calls()).toHaveLength(0);
  });
});
