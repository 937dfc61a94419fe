import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { settings } from '../../contract/settings';
import { probeRelease } from '../../core/probe/release-probe';
import {
  createNativeHook,
  handler,
  type NativeHookDeps,
  type NativeHookEvent,
} from '../lambda/native-test-traffic-hook/handler';

type Behaviour = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A stand-in for the test listener on 127.0.0.1 whose behaviour each test sets. */
let behaviour: Behaviour;
let server: http.Server;
let baseUrl: string;
beforeAll(async () => {
  server = http.createServer((req, res) => behaviour(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const serving =
  (version: string, healthStatus = 200): Behaviour =>
  (req, res) => {
    res.setHeader('x-app-version', version);
    res.statusCode = req.url === settings.container.healthPath ? healthStatus : 200;
    res.end('{}');
  };

const TASK_DEF = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/app:8';
const GREEN = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/c/svc/green';
const BLUE = 'arn:aws:ecs:eu-west-1:123456789012:service-revision/c/svc/blue';
const ecs = mockClient(ECSClient);

/** The payload ECS sends at POST_TEST_TRAFFIC_SHIFT (ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments"). */
const event = (overrides: Partial<NativeHookEvent> = {}): NativeHookEvent => ({
  executionDetails: {
    serviceArn: 'arn:aws:ecs:eu-west-1:123456789012:service/c/svc',
    targetServiceRevisionArn: GREEN,
    testTrafficWeights: { [GREEN]: 100, [BLUE]: 0 },
    productionTrafficWeights: { [GREEN]: 0, [BLUE]: 100 },
  },
  executionId: 'exec-1',
  lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
  ...overrides,
});

let clock = 1_000_000;
const deps = (): NativeHookDeps => ({
  ecs: new ECSClient({ region: 'eu-west-1' }),
  testListenerUrl: baseUrl,
  containerName: settings.container.name,
  probe: probeRelease,
  log: () => undefined,
  now: () => clock,
  healthWindowMs: 20_000,
  callBackDelaySeconds: 5,
});

beforeEach(() => {
  clock = 1_000_000;
  ecs.reset();
  ecs.on(DescribeServiceRevisionsCommand, { serviceRevisionArns: [GREEN] }).resolves({
    serviceRevisions: [{ serviceRevisionArn: GREEN, taskDefinition: TASK_DEF }],
  });
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: TASK_DEF }).resolves({
    taskDefinition: {
      containerDefinitions: [
        { name: settings.container.name, environment: [{ name: 'APP_VERSION', value: 'v2' }] },
      ],
    },
  });
});

test('a healthy green serving the revision’s version succeeds', async () => {
  behaviour = serving('v2');
  const answer = await createNativeHook(deps())(event());
  expect(answer).toEqual({ hookStatus: 'SUCCEEDED', hookDetails: { reason: 'all checks passed' } });
});

test('green not healthy yet asks ECS to call again, carrying the first attempt, without waiting itself', async () => {
  behaviour = serving('v2', 503);
  const started = Date.now();
  const answer = await createNativeHook(deps())(event());
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(answer).toEqual({
    hookStatus: 'IN_PROGRESS',
    callBackDelay: 5,
    hookDetails: { firstAttemptAt: 1_000_000, attempts: 1 },
  });

  clock += 10_000;
  const again = await createNativeHook(deps())(event({ hookDetails: answer.hookDetails }));
  expect(again).toEqual({
    hookStatus: 'IN_PROGRESS',
    callBackDelay: 5,
    hookDetails: { firstAttemptAt: 1_000_000, attempts: 2 },
  });
});

test('green still unhealthy when the window ends fails with a classified reason', async () => {
  behaviour = serving('v2', 503);
  clock += 20_000;
  const answer = await createNativeHook(deps())(
    event({ hookDetails: { firstAttemptAt: 1_000_000, attempts: 4 } }),
  );
  expect(answer).toMatchObject({ hookStatus: 'FAILED', hookDetails: { failure: 'health-window-expired' } });
  expect(answer.hookDetails).toHaveProperty('reason', expect.stringMatching(/5 attempt\(s\).*HTTP 503/));
});

test('green answering with another version fails the probe', async () => {
  behaviour = serving('v1');
  const answer = await createNativeHook(deps())(event());
  expect(answer).toMatchObject({ hookStatus: 'FAILED', hookDetails: { failure: 'probe-failed' } });
  expect(answer.hookDetails).toHaveProperty('reason', expect.stringMatching(/^version: .*expected v2/));
});

test('an unknown expected version is named, and the rest of the probe still decides', async () => {
  behaviour = serving('v9');
  ecs.on(DescribeServiceRevisionsCommand).rejects(new Error('AccessDenied'));
  const answer = await createNativeHook(deps())(event());
  expect(answer).toEqual({
    hookStatus: 'SUCCEEDED',
    hookDetails: { reason: 'all checks passed (version not checked: looking it up failed: AccessDenied)' },
  });
});

test('test traffic not all on green fails before probing', async () => {
  behaviour = () => {
    throw new Error('the probe must not run');
  };
  const answer = await createNativeHook(deps())(
    event({
      executionDetails: { ...event().executionDetails, testTrafficWeights: { [GREEN]: 50, [BLUE]: 50 } },
    }),
  );
  expect(answer).toMatchObject({
    hookStatus: 'FAILED',
    hookDetails: { failure: 'test-traffic-not-on-green' },
  });
});

test.each([
  ['no executionDetails', {}],
  ['an empty target revision', { executionDetails: { targetServiceRevisionArn: '' } }],
])('an event with %s fails as malformed instead of throwing', async (_name, overrides) => {
  const answer = await createNativeHook(deps())({ ...(overrides as NativeHookEvent) });
  expect(answer).toEqual({
    hookStatus: 'FAILED',
    hookDetails: {
      failure: 'malformed-event',
      reason: 'the event names no executionDetails.targetServiceRevisionArn',
    },
  });
});

test('a probe that throws still answers FAILED with the reason', async () => {
  const answer = await createNativeHook({ ...deps(), probe: () => Promise.reject(new Error('boom')) })(
    event(),
  );
  expect(answer).toEqual({
    hookStatus: 'FAILED',
    hookDetails: { failure: 'hook-error', reason: 'the hook failed: boom' },
  });
});

test('the entry point without its environment answers FAILED with what is missing', async () => {
  delete process.env.TEST_LISTENER_URL;
  await expect(handler(event())).resolves.toEqual({
    hookStatus: 'FAILED',
    hookDetails: {
      failure: 'hook-error',
      reason: 'TEST_LISTENER_URL is not set; the stack sets it to the test listener URL',
    },
  });
});
