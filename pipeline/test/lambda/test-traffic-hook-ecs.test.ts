import {
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { settings } from '../../../contract/settings';
import type { NativeHookAnswer } from '../../../core/probe/native-hook-answer';
import { probeRelease } from '../../../core/probe/release-probe';
import type { EcsHookEvent } from '../../lambda/deployment-control/ecs-control';
import { createHook, handler, type HookDeps } from '../../lambda/test-traffic-hook/handler';
import {
  BLUE_REVISION as BLUE,
  ecsControl,
  GREEN_REVISION as GREEN,
  REGION,
  serving,
  testListener,
} from './fixtures';

/* The hook under the ecs controller: one health attempt per invocation, the answer returned to ECS. */
const listener = testListener();
const TASK_DEF = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/app:8';
const ecs = mockClient(ECSClient);

/** The payload ECS sends at POST_TEST_TRAFFIC_SHIFT (ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments"). */
const event = (overrides: Partial<EcsHookEvent> = {}): EcsHookEvent => ({
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
const deps = (): HookDeps<NativeHookAnswer> => ({
  control: ecsControl({ now: () => clock }),
  ecs: new ECSClient({ region: REGION }),
  testListenerUrl: listener.url(),
  containerName: settings.container.name,
  probe: probeRelease,
  log: () => undefined,
  answerReserveMs: 10_000,
  versionLookupTimeoutMs: 10_000,
});
const context = { getRemainingTimeInMillis: () => 30_000 };
const hook = (overrides: Partial<HookDeps<NativeHookAnswer>> = {}) => {
  const handle = createHook({ ...deps(), ...overrides });
  return (e: EcsHookEvent) => handle(e, context);
};

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
  listener.behave(serving('v2'));
  const answer = await hook()(event());
  expect(answer).toEqual({ hookStatus: 'SUCCEEDED', hookDetails: { reason: 'all checks passed' } });
});

test('green not healthy yet asks ECS to call again, carrying the first attempt, without waiting itself', async () => {
  listener.behave(serving('v2', 503));
  const started = Date.now();
  const answer = await hook()(event());
  expect(Date.now() - started).toBeLessThan(3_000);
  expect(answer).toEqual({
    hookStatus: 'IN_PROGRESS',
    callBackDelay: 5,
    hookDetails: { firstAttemptAt: 1_000_000, attempts: 1 },
  });

  clock += 10_000;
  const again = await hook()(event({ hookDetails: answer.hookDetails }));
  expect(again).toEqual({
    hookStatus: 'IN_PROGRESS',
    callBackDelay: 5,
    hookDetails: { firstAttemptAt: 1_000_000, attempts: 2 },
  });
});

test('green still unhealthy when the window ends fails with a classified reason', async () => {
  listener.behave(serving('v2', 503));
  clock += 20_000;
  const answer = await hook()(event({ hookDetails: { firstAttemptAt: 1_000_000, attempts: 4 } }));
  expect(answer).toMatchObject({ hookStatus: 'FAILED', hookDetails: { failure: 'health-window-expired' } });
  expect(answer.hookDetails).toHaveProperty('reason', expect.stringMatching(/5 attempt\(s\).*HTTP 503/));
});

test('green answering with another version fails the probe', async () => {
  listener.behave(serving('v1'));
  const answer = await hook()(event());
  expect(answer).toMatchObject({ hookStatus: 'FAILED', hookDetails: { failure: 'probe-failed' } });
  expect(answer.hookDetails).toHaveProperty('reason', expect.stringMatching(/^version: .*expected v2/));
});

test('an unknown expected version is named, and the rest of the probe still decides', async () => {
  listener.behave(serving('v9'));
  ecs.on(DescribeServiceRevisionsCommand).rejects(new Error('AccessDenied'));
  const answer = await hook()(event());
  expect(answer).toEqual({
    hookStatus: 'SUCCEEDED',
    hookDetails: { reason: 'all checks passed (version not checked: looking it up failed: AccessDenied)' },
  });
});

test('test traffic not all on green fails before probing', async () => {
  listener.behave(() => {
    throw new Error('the probe must not run');
  });
  const answer = await hook()(
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
  const answer = await hook()({ ...(overrides as EcsHookEvent) });
  expect(answer).toEqual({
    hookStatus: 'FAILED',
    hookDetails: {
      failure: 'malformed-event',
      reason: 'the event names no executionDetails.targetServiceRevisionArn',
    },
  });
});

test('a probe that throws still answers FAILED with the reason', async () => {
  const answer = await hook({ probe: () => Promise.reject(new Error('boom')) })(event());
  expect(answer).toEqual({
    hookStatus: 'FAILED',
    hookDetails: { failure: 'hook-error', reason: 'the hook failed: boom' },
  });
});

test('the entry point without its test listener answers FAILED with what is missing', async () => {
  delete process.env.TEST_LISTENER_URL;
  process.env.DEPLOYMENT_CONTROLLER = 'ecs';
  process.env.AWS_REGION ??= REGION;
  const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  await expect(handler(event(), context as never)).resolves.toEqual({
    hookStatus: 'FAILED',
    hookDetails: {
      failure: 'hook-error',
      reason: 'TEST_LISTENER_URL is not set; the stack sets it to the test listener URL',
    },
  });
  quiet.mockRestore();
  delete process.env.DEPLOYMENT_CONTROLLER;
});
