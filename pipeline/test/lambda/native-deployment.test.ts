import {
  DescribeServiceDeploymentsCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { GREEN, PROD_RULE, liveClients, liveService } from '../release/live-service';
import {
  readDeployment,
  startNativeDeployment,
  taskDefinitionInput,
} from '../../lambda/native-deploy/native-deployment';

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo@sha256:' + 'a'.repeat(64);
const TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/rollback-rehearsal:9';
const SD = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/svc/abc';
const taskdef = JSON.stringify({
  family: 'rollback-rehearsal',
  containerDefinitions: [
    { name: 'app', image: '<IMAGE1_NAME>', environment: [{ name: 'FAULTS', value: 'crash-on-start' }] },
  ],
});
const TARGET = { cluster: 'c', service: 'svc' };
const ecs = mockClient(ECSClient);
const clients = () => ({ ecs: new ECSClient({ region: 'eu-west-1' }), ...liveClients() });

beforeEach(() => {
  ecs.reset();
  liveService(ecs);
  ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: TD } });
  ecs.on(UpdateServiceCommand).resolves({ service: { currentServiceDeployment: SD } });
});

test('the commit’s task definition is registered as rendered, with only the image filled in', () => {
  const input = taskDefinitionInput(taskdef, JSON.stringify({ ImageURI: IMAGE }));
  expect(input.containerDefinitions).toEqual([
    { name: 'app', image: IMAGE, environment: [{ name: 'FAULTS', value: 'crash-on-start' }] },
  ]);
  expect(() => taskDefinitionInput(taskdef, '{"ImageURI":"repo:latest"}')).toThrow(/@sha256/);
  expect(() =>
    taskDefinitionInput(taskdef.replace('<IMAGE1_NAME>', 'nginx'), JSON.stringify({ ImageURI: IMAGE })),
  ).toThrow(/no container whose image is <IMAGE1_NAME>/);
});

test('starting registers the revision and points the service at it', async () => {
  const started = await startNativeDeployment(
    clients(),
    TARGET,
    taskDefinitionInput(taskdef, JSON.stringify({ ImageURI: IMAGE })),
  );
  expect(started).toMatchObject({ started: true, taskDefinitionArn: TD, serviceDeploymentArn: SD });
  expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
    cluster: 'c',
    service: 'svc',
    taskDefinition: TD,
  });
});

test('a production rule reset onto the empty target group is refused before anything is registered', async () => {
  // After an odd number of releases the service runs on green; a stack update put production back on blue.
  liveService(ecs, { productionOnBlue: 100, healthy: { blue: 0, green: 2 } });
  const started = await startNativeDeployment(clients(), TARGET, { family: 'f', containerDefinitions: [] });
  expect(started.started).toBe(false);
  expect(started.lines[0]).toMatch(/production sends 100% to blue, which has no healthy target/);
  expect(started.lines).toContain(
    `aws elbv2 modify-rule --rule-arn ${PROD_RULE} --actions 'Type=forward,ForwardConfig={TargetGroups=[{TargetGroupArn=arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/1,Weight=0},{TargetGroupArn=${GREEN},Weight=100}]}'`,
  );
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
  expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
});

test('an alarm already in ALARM is named, with alarm rollback off, before the revision is registered', async () => {
  liveService(ecs, { firing: ['svc-target-5xx'] });
  const started = await startNativeDeployment(clients(), TARGET, { family: 'f', containerDefinitions: [] });
  expect(started.started).toBe(true);
  const { lines } = started;
  const warning = lines.findIndex((l) => l.startsWith('WARNING: alarm svc-target-5xx is in ALARM'));
  expect(warning).toBeGreaterThanOrEqual(0);
  expect(lines[warning]).toMatch(/alarm rollback is off for this release/);
  expect(lines.some((l) => l.includes('svc-unhealthy-hosts'))).toBe(false);
  expect(warning).toBeLessThan(lines.findIndex((l) => l.startsWith('registered ')));
});

test.each([
  ['PENDING', 'running'],
  ['IN_PROGRESS', 'running'],
  ['ROLLBACK_IN_PROGRESS', 'running'],
  ['SUCCESSFUL', 'succeeded'],
  ['STOPPED', 'failed'],
  ['ROLLBACK_SUCCESSFUL', 'failed'],
  ['ROLLBACK_FAILED', 'failed'],
])('a deployment read as %s is %s', async (status, outcome) => {
  ecs.on(DescribeServiceDeploymentsCommand).resolves({
    serviceDeployments: [
      { serviceDeploymentArn: SD, status: status as 'IN_PROGRESS', statusReason: `reason for ${status}` },
    ],
  });
  await expect(readDeployment(clients().ecs, SD)).resolves.toEqual({
    outcome,
    line: status,
    reason: `reason for ${status}`,
  });
});

test('a deployment ECS no longer describes has failed', async () => {
  ecs.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
  await expect(readDeployment(clients().ecs, SD)).resolves.toMatchObject({
    outcome: 'failed',
    reason: 'ECS no longer describes the deployment',
  });
});
