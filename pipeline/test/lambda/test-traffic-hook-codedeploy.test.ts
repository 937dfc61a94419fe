import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CodeDeployClient,
  GetDeploymentCommand,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { settings } from '../../../contract/settings';
import { probeRelease, type ProbeOptions } from '../../../core/probe/release-probe';
import type { CodeDeployHookEvent } from '../../lambda/deployment-control/codedeploy-control';
import { createHook, handler, type HookDeps } from '../../lambda/test-traffic-hook/handler';
import { taskDefinitionFromAppSpec } from '../../lambda/deployment-control/appspec-from-revision';
import type { CodeDeployHookOutcome } from '../../lambda/deployment-control/deployment-control';
import { codeDeployControl, endsIn, REGION, serving, testListener, throttled } from './fixtures';

/* The hook under the codedeploy controller: green probed in one invocation, the verdict reported to CodeDeploy. */
const listener = testListener();
const healthy = (version: string) => serving(version);

const TASK_DEF = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/app:7';
const codedeploy = mockClient(CodeDeployClient);
const ecs = mockClient(ECSClient);

beforeEach(() => {
  codedeploy.reset();
  ecs.reset();
  codedeploy.on(GetDeploymentCommand).resolves({
    deploymentInfo: {
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: {
          content: `version: 0.0\nResources:\n  - TargetService:\n      Type: AWS::ECS::Service\n      Properties:\n        TaskDefinition: "${TASK_DEF}"\n`,
        },
      },
    },
  });
  ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: TASK_DEF }).resolves({
    taskDefinition: {
      containerDefinitions: [
        {
          name: settings.container.name,
          environment: [
            { name: 'APP_VERSION', value: 'abc123' },
            { name: 'FAULTS', value: '' },
          ],
        },
      ],
    },
  });
  codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).resolves({});
});

/** Probe options scaled down so every test is quick: the code paths are the same. */
function fastProbe(url: string, expectedVersion?: string): ProbeOptions {
  return {
    baseUrl: url,
    expectedVersion,
    healthPath: settings.container.healthPath,
    burstRequests: 5,
    requestTimeoutMs: 300,
    probeTimeoutMs: 3_000,
    healthRetryWindowMs: 400,
    maxResponseMs: 200,
  };
}

function hook(
  overrides: Partial<HookDeps<CodeDeployHookOutcome>> = {},
  sleep?: (ms: number) => Promise<void>,
) {
  return createHook<CodeDeployHookOutcome>({
    control: codeDeployControl({ reportReserveMs: 100, ...(sleep && { sleep }) }),
    ecs: new ECSClient({ region: REGION }),
    testListenerUrl: listener.url(),
    containerName: settings.container.name,
    probe: (options) => probeRelease({ ...fastProbe(options.baseUrl, options.expectedVersion) }),
    log: () => undefined,
    answerReserveMs: 100,
    versionLookupTimeoutMs: 1_000,
    ...overrides,
  });
}

const event = { DeploymentId: 'd-ABC', LifecycleEventHookExecutionId: 'exec-1' };
const context = { getRemainingTimeInMillis: () => 10_000 };

function reported(): string[] {
  return codedeploy.commandCalls(PutLifecycleEventHookExecutionStatusCommand).map((c) => {
    expect(c.args[0].input).toMatchObject({ deploymentId: 'd-ABC', lifecycleEventHookExecutionId: 'exec-1' });
    return c.args[0].input.status!;
  });
}

describe('the hook reports exactly once', () => {
  test('healthy green with the expected version: Succeeded', async () => {
    listener.behave(healthy('abc123'));
    const outcome = await hook()(event, context);
    expect(reported()).toEqual(['Succeeded']);
    expect(outcome).toMatchObject({ status: 'Succeeded', expectedVersion: 'abc123' });
  });

  test('GET / answering 500: Failed, naming the requests check', async () => {
    listener.behave((req, res) => {
      res.setHeader('x-app-version', 'abc123');
      res.statusCode = req.url === '/' ? 500 : 200;
      res.end();
    });
    const outcome = await hook()(event, context);
    expect(reported()).toEqual(['Failed']);
    // The burst ends at its first failure: the verdict cannot change after it.
    expect(outcome.reason).toMatch(/^requests: 1\/1 GET \/ failed \(first: HTTP 500\)/);
  });

  test('the test listener still serving the old version: Failed on the version check', async () => {
    listener.behave(healthy('old999'));
    const outcome = await hook()(event, context);
    expect(reported()).toEqual(['Failed']);
    expect(outcome.reason).toMatch(/^version: 1\/1 answers carried x-app-version old999, expected abc123/);
  });

  test('connection refused: Failed once the health window ends', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await hook({ testListenerUrl: `http://127.0.0.1:${port}` })(event, context);
    expect(reported()).toEqual(['Failed']);
    expect(outcome.reason).toMatch(/^health: \/health did not answer 200 within 400 ms .*ECONNREFUSED/);
  });

  test('an answer that never comes: Failed with the request timeout', async () => {
    listener.behave(() => undefined); // hold the request open
    const outcome = await hook()(event, context);
    expect(reported()).toEqual(['Failed']);
    expect(outcome.reason).toMatch(/no answer within 300 ms/);
  });

  test('an answer slower than the response-time limit: Failed on latency, without the rest of the burst', async () => {
    listener.behave((req, res) => {
      res.setHeader('x-app-version', 'abc123');
      if (req.url === '/') setTimeout(() => res.end(), 250);
      else res.end();
    });
    const outcome = await hook()(event, context);
    expect(reported()).toEqual(['Failed']);
    expect(outcome.reason).toMatch(/^latency: 1\/1 answers took longer than 200 ms/);
  });

  test('a probe that hangs past the budget: Failed within the Lambda time left', async () => {
    const outcome = await hook({ probe: () => new Promise(() => undefined) })(event, {
      getRemainingTimeInMillis: () => 300,
    });
    expect(reported()).toEqual(['Failed']);
    expect(outcome.reason).toMatch(/did not decide within 200 ms/);
  });

  test('a probe that throws: Failed with the error', async () => {
    const outcome = await hook({ probe: () => Promise.reject(new Error('boom')) })(event, context);
    expect(reported()).toEqual(['Failed']);
    expect(outcome.reason).toBe('the hook failed: boom');
  });

  test('version lookup failing: the version check is skipped, said so, and a healthy green passes', async () => {
    codedeploy.on(GetDeploymentCommand).rejects(new Error('AccessDenied'));
    listener.behave(healthy('anything'));
    const outcome = await hook()(event, context);
    expect(reported()).toEqual(['Succeeded']);
    expect(outcome.reason).toMatch(/version not checked: looking it up failed: AccessDenied/);
  });

  test('a revision of the deprecated String type: the version is read from it and checked', async () => {
    codedeploy.on(GetDeploymentCommand).resolves({
      deploymentInfo: {
        revision: {
          revisionType: 'String',
          string: {
            content: JSON.stringify({ Resources: [{ T: { Properties: { TaskDefinition: TASK_DEF } } }] }),
          },
        },
      },
    });
    listener.behave(healthy('abc123'));
    const outcome = await hook()(event, context);
    expect(outcome).toMatchObject({ status: 'Succeeded', expectedVersion: 'abc123' });
  });

  test('an AppSpec in S3: the verdict says the version could not be checked, and why', async () => {
    codedeploy.on(GetDeploymentCommand).resolves({
      deploymentInfo: {
        revision: { revisionType: 'S3', s3Location: { bucket: 'releases', key: 'appspec.yml' } },
      },
    });
    listener.behave(healthy('anything'));
    const outcome = await hook()(event, context);
    expect(reported()).toEqual(['Succeeded']);
    expect(outcome.reason).toMatch(
      /version not checked: deployment d-ABC: its AppSpec is in S3 \(s3:\/\/releases\/appspec.yml\)/,
    );
  });

  test('an event without ids reports nothing and says why', async () => {
    const outcome = await hook()({}, context);
    expect(reported()).toEqual([]);
    expect(outcome).toEqual({ status: 'Failed', reason: 'malformed event' });
  });
});

describe('the Lambda entry point', () => {
  test('without TEST_LISTENER_URL it still reports Failed, naming the missing variable', async () => {
    const saved = {
      url: process.env.TEST_LISTENER_URL,
      region: process.env.AWS_REGION,
      controller: process.env.DEPLOYMENT_CONTROLLER,
    };
    delete process.env.TEST_LISTENER_URL;
    process.env.AWS_REGION = REGION;
    process.env.DEPLOYMENT_CONTROLLER = 'codedeploy';
    const quiet = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const outcome = (await handler(event, { ...context } as never)) as CodeDeployHookOutcome;
      expect(reported()).toEqual(['Failed']);
      expect(outcome.reason).toMatch(/TEST_LISTENER_URL is not set/);
    } finally {
      quiet.mockRestore();
      if (saved.url !== undefined) process.env.TEST_LISTENER_URL = saved.url;
      if (saved.controller === undefined) delete process.env.DEPLOYMENT_CONTROLLER;
      else process.env.DEPLOYMENT_CONTROLLER = saved.controller;
      if (saved.region === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved.region;
    }
  });
});

describe('probe and AppSpec parsing', () => {
  test('probeRelease refuses a bad base URL as a failed check rather than throwing', async () => {
    const result = await probeRelease({ ...fastProbe('test-listener:8080') });
    expect(result).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/baseUrl must be an http\(s\) URL/),
    });
  });

  test('a health endpoint that recovers within the window passes', async () => {
    let calls = 0;
    listener.behave((req, res) => {
      res.setHeader('x-app-version', 'v');
      res.statusCode = req.url === settings.container.healthPath && (calls += 1) < 2 ? 503 : 200;
      res.end();
    });
    const result = await probeRelease({
      ...fastProbe(listener.url(), 'v'),
      healthRetryWindowMs: 3_000,
      sleep: () => Promise.resolve(),
    });
    expect(result.ok).toBe(true);
    expect(result.checks[0]).toMatchObject({
      name: 'health',
      detail: expect.stringContaining('after 2 attempt(s)'),
    });
  });

  test('the AppSpec task definition is read from YAML and JSON', () => {
    const json = JSON.stringify({
      Resources: [{ TargetService: { Properties: { TaskDefinition: TASK_DEF } } }],
    });
    expect(taskDefinitionFromAppSpec(json)).toBe(TASK_DEF);
    expect(taskDefinitionFromAppSpec('version: 0.0\n')).toBeUndefined();
  });
});

describe('hostile events and a CodeDeploy that throttles: always a classified result', () => {
  beforeEach(() => {
    listener.behave(healthy('abc123'));
  });
  // Built per call: the test listener's address is known only once beforeAll ran.
  const fastHook = (e: CodeDeployHookEvent, c: typeof context) =>
    hook({}, () => new Promise((resolve) => setTimeout(resolve, 5)))(e, c);

  it.each<[string, unknown]>([
    ['no event', undefined],
    ['a null event', null],
    ['an empty event', {}],
    ['ids that are not strings', { DeploymentId: 7, LifecycleEventHookExecutionId: ['x'] }],
  ])('%s is Failed as malformed and reports nothing', async (_, bad) => {
    await expect(hook()(bad as CodeDeployHookEvent, context)).resolves.toEqual({
      status: 'Failed',
      reason: 'malformed event',
    });
    expect(reported()).toEqual([]);
  });

  it('a throttled report is retried until CodeDeploy takes it', async () => {
    codedeploy
      .on(PutLifecycleEventHookExecutionStatusCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({});
    const outcome = await fastHook(event, endsIn(10_000));
    expect(outcome).toMatchObject({ status: 'Succeeded' });
    expect(outcome.notReported).toBeUndefined();
    expect(reported()).toEqual(['Succeeded', 'Succeeded', 'Succeeded']);
  });

  it('a report throttled past the budget ends with the verdict and why it was not reported, in time', async () => {
    codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).rejects(throttled());
    const started = Date.now();
    const outcome = await fastHook(event, endsIn(2_500));
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(outcome).toMatchObject({
      status: 'Succeeded',
      notReported: expect.stringMatching(/PutLifecycleEventHookExecutionStatus.*ThrottlingException/),
    });
    expect(reported().length).toBeGreaterThan(1);
  });

  it('a repeated invocation of a hook that already answered is classified, not thrown', async () => {
    codedeploy
      .on(PutLifecycleEventHookExecutionStatusCommand)
      .resolvesOnce({})
      .rejects(
        Object.assign(new Error('already completed'), { name: 'LifecycleEventAlreadyCompletedException' }),
      );
    await expect(fastHook(event, endsIn(10_000))).resolves.not.toHaveProperty('notReported');
    await expect(fastHook(event, endsIn(10_000))).resolves.toMatchObject({
      notReported: expect.stringMatching(/^already reported: LifecycleEventAlreadyCompletedException/),
    });
  });

  it('an event for a deployment CodeDeploy does not know is Failed, and the refused report classified', async () => {
    const unknown = Object.assign(new Error('no such deployment'), {
      name: 'DeploymentDoesNotExistException',
    });
    codedeploy.on(GetDeploymentCommand).rejects(unknown);
    codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).rejects(unknown);
    const outcome = await fastHook({ ...event, DeploymentId: 'd-OTHER' }, endsIn(10_000));
    expect(outcome).toMatchObject({
      notReported: 'DeploymentDoesNotExistException: no such deployment',
    });
    expect(codedeploy.commandCalls(PutLifecycleEventHookExecutionStatusCommand)).toHaveLength(1);
  });

  it('a report that never answers ends within the time left', async () => {
    codedeploy.on(PutLifecycleEventHookExecutionStatusCommand).callsFake(() => new Promise(() => undefined));
    const started = Date.now();
    const outcome = await fastHook(event, endsIn(2_000));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcome.notReported).toMatch(/PutLifecycleEventHookExecutionStatus: no answer within/);
  });
});
