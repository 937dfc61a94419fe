import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeServiceDeploymentsCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { GREEN, PROD_RULE, liveClients, liveService } from './live-service';
import { deployNative, main, taskDefinitionInput, type DeployNativeDeps } from '../../release/deploy-native';

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo@sha256:' + 'a'.repeat(64);
const TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/rollback-rehearsal:9';
const SD = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/svc/abc';
const taskdef = JSON.stringify({
  family: 'rollback-rehearsal',
  containerDefinitions: [
    { name: 'app', image: '<IMAGE1_NAME>', environment: [{ name: 'FAULTS', value: 'crash-on-start' }] },
  ],
});
const ecs = mockClient(ECSClient);
const lines: string[] = [];
const deps = (): DeployNativeDeps => ({
  ecs: new ECSClient({ region: 'eu-west-1' }),
  ...liveClients(),
  sleep: () => Promise.resolve(),
  log: (line) => lines.push(line),
  pollMs: 1,
});
const states = (...statuses: string[]) => {
  const chain = ecs.on(DescribeServiceDeploymentsCommand);
  for (const status of statuses)
    chain.resolvesOnce({
      serviceDeployments: [
        { serviceDeploymentArn: SD, status: status as 'IN_PROGRESS', statusReason: `reason for ${status}` },
      ],
    });
};

beforeEach(() => {
  ecs.reset();
  lines.length = 0;
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

test('a deployment that completes releases the registered revision', async () => {
  states('PENDING', 'IN_PROGRESS', 'SUCCESSFUL');
  const result = await deployNative(
    deps(),
    { cluster: 'c', service: 'svc' },
    taskDefinitionInput(taskdef, JSON.stringify({ ImageURI: IMAGE })),
  );
  expect(result).toMatchObject({
    ok: true,
    taskDefinitionArn: TD,
    serviceDeploymentArn: SD,
    status: 'SUCCESSFUL',
  });
  expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input).toEqual({
    cluster: 'c',
    service: 'svc',
    taskDefinition: TD,
  });
  expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)).toHaveLength(3);
});

test.each(['ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED', 'STOPPED'])(
  'a deployment that ends %s fails the step with ECS’s reason',
  async (end) => {
    states('IN_PROGRESS', 'ROLLBACK_IN_PROGRESS', end);
    const result = await deployNative(
      deps(),
      { cluster: 'c', service: 'svc' },
      { family: 'f', containerDefinitions: [] },
    );
    expect(result).toEqual({
      ok: false,
      taskDefinitionArn: TD,
      serviceDeploymentArn: SD,
      status: end,
      reason: `reason for ${end}`,
    });
  },
);

test('the command exits 1 on a rolled-back deployment and 2 without its variables', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'native-deploy-'));
  await writeFile(join(dir, 'taskdef.json'), taskdef);
  await writeFile(join(dir, 'imageDetail.json'), JSON.stringify({ ImageURI: IMAGE }));
  states('ROLLBACK_SUCCESSFUL');
  await expect(main(['--release', dir], { CLUSTER_NAME: 'c', SERVICE_NAME: 'svc' }, deps())).resolves.toBe(1);
  expect(lines.at(-1)).toBe(`deployment ${SD} ended ROLLBACK_SUCCESSFUL: reason for ROLLBACK_SUCCESSFUL`);
  await expect(main(['--release', dir], {}, deps())).resolves.toBe(2);
  await rm(dir, { recursive: true, force: true });
});

test('a production rule reset onto the empty target group is refused before anything is registered', async () => {
  // After an odd number of releases the service runs on green; a stack update put production back on blue.
  liveService(ecs, { productionOnBlue: 100, healthy: { blue: 0, green: 2 } });
  const result = await deployNative(
    deps(),
    { cluster: 'c', service: 'svc' },
    { family: 'f', containerDefinitions: [] },
  );
  expect(result).toMatchObject({ ok: false, status: 'NOT_STARTED' });
  expect(result.reason).toMatch(/production sends 100% to blue, which has no healthy target/);
  expect(lines).toContain(
    `aws elbv2 modify-rule --rule-arn ${PROD_RULE} --actions 'Type=forward,ForwardConfig={TargetGroups=[{TargetGroupArn=arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/1,Weight=0},{TargetGroupArn=${GREEN},Weight=100}]}'`,
  );
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
  expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
});

test('an alarm already in ALARM is named, with alarm rollback off, before the deployment starts', async () => {
  liveService(ecs, { firing: ['svc-target-5xx'] });
  states('SUCCESSFUL');
  const result = await deployNative(
    deps(),
    { cluster: 'c', service: 'svc' },
    { family: 'f', containerDefinitions: [] },
  );
  expect(result.ok).toBe(true);
  const warning = lines.findIndex((l) => l.startsWith('WARNING: alarm svc-target-5xx is in ALARM'));
  expect(warning).toBeGreaterThanOrEqual(0);
  expect(lines[warning]).toMatch(/alarm rollback is off for this release/);
  expect(lines.some((l) => l.includes('svc-unhealthy-hosts'))).toBe(false);
  // Said before ECS's deployment starts: before the revision is registered.
  expect(warning).toBeLessThan(lines.findIndex((l) => l.startsWith('registered ')));
});

test('the command exits 1 and starts nothing when production points at a target group with no healthy target', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'native-deploy-'));
  await writeFile(join(dir, 'taskdef.json'), taskdef);
  await writeFile(join(dir, 'imageDetail.json'), JSON.stringify({ ImageURI: IMAGE }));
  liveService(ecs, { productionOnBlue: 0, healthy: { blue: 2, green: 0 } });
  await expect(main(['--release', dir], { CLUSTER_NAME: 'c', SERVICE_NAME: 'svc' }, deps())).resolves.toBe(1);
  expect(lines.at(-1)).toBe('no deployment started');
  expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  await rm(dir, { recursive: true, force: true });
});
