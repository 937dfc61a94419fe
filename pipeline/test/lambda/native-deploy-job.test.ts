import {
  CodePipelineClient,
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
} from '@aws-sdk/client-codepipeline';
import {
  DescribeServiceDeploymentsCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ServiceDeploymentStatus,
} from '@aws-sdk/client-ecs';
import { GetObjectCommand, S3Client, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import type { CodePipelineEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { strToU8, zipSync } from 'fflate';
import { liveClients, liveService } from '../release/live-service';
import { runDeployJob, type DeployJobDeps } from '../../lambda/native-deploy/deploy-job';
import { depsFromEnvironment, handler } from '../../lambda/native-deploy/handler';
import { fetchFromS3, releaseFilesFromZip } from '../../lambda/native-deploy/release-artifact';

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/repo@sha256:' + 'b'.repeat(64);
const TD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/rollback-rehearsal:10';
const SD = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/c/svc/def';
const TASKDEF = JSON.stringify({
  family: 'rollback-rehearsal',
  containerDefinitions: [
    { name: 'app', image: '<IMAGE1_NAME>', environment: [{ name: 'FAULTS', value: 'health-fail' }] },
  ],
});
/** The Build stage's output as CodeBuild zips the release folder. */
const RELEASE_ZIP = zipSync({
  'taskdef.json': strToU8(TASKDEF),
  'imageDetail.json': strToU8(JSON.stringify({ ImageURI: IMAGE })),
  'appspec.yml': strToU8('version: 0.0\n'),
});

const ecs = mockClient(ECSClient);
const codepipeline = mockClient(CodePipelineClient);

function jobEvent(continuationToken?: string): CodePipelineEvent {
  return {
    'CodePipeline.job': {
      id: 'job-1',
      accountId: '123456789012',
      data: {
        actionConfiguration: { configuration: { FunctionName: 'deploy', UserParameters: '' } },
        inputArtifacts: [
          {
            name: 'Release',
            revision: null,
            location: { type: 'S3', s3Location: { bucketName: 'artifacts', objectKey: 'p/Release/abc' } },
          },
        ],
        outputArtifacts: [],
        artifactCredentials: { accessKeyId: 'AKIA', secretAccessKey: 'secret', sessionToken: 'token' },
        ...(continuationToken === undefined ? {} : { continuationToken }),
      },
    },
  };
}

/** A clock that the job's sleeps move on; each read of the deployment takes a poll. */
function deps(overrides: Partial<DeployJobDeps> = {}): DeployJobDeps {
  let now = 0;
  return {
    ecs: new ECSClient({ region: 'eu-west-1' }),
    ...liveClients(),
    codepipeline: new CodePipelineClient({ region: 'eu-west-1' }),
    fetchArtifact: () => Promise.resolve(RELEASE_ZIP),
    target: { cluster: 'c', service: 'svc' },
    log: () => undefined,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    now: () => now,
    pollMs: 10_000,
    followMs: 30_000,
    ...overrides,
  };
}

const states = (...statuses: ServiceDeploymentStatus[]) => {
  const chain = ecs.on(DescribeServiceDeploymentsCommand);
  for (const status of statuses) {
    chain.resolvesOnce({
      serviceDeployments: [
        { serviceDeploymentArn: SD, status, lifecycleStage: 'BAKE_TIME', statusReason: `ECS says ${status}` },
      ],
    });
  }
};
const success = () => codepipeline.commandCalls(PutJobSuccessResultCommand).map((c) => c.args[0].input);
const failure = () => codepipeline.commandCalls(PutJobFailureResultCommand).map((c) => c.args[0].input);
const tokenOf = (i = 0) => JSON.parse(success()[i]!.continuationToken!) as Record<string, unknown>;

beforeEach(() => {
  ecs.reset();
  codepipeline.reset();
  liveService(ecs);
  ecs.on(RegisterTaskDefinitionCommand).resolves({ taskDefinition: { taskDefinitionArn: TD } });
  ecs.on(UpdateServiceCommand).resolves({ service: { currentServiceDeployment: SD } });
});

test('the first invocation registers the artifact’s task definition, starts ECS and hands back a continuation token', async () => {
  states('IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS');
  await expect(runDeployJob(jobEvent(), deps())).resolves.toMatchObject({ result: 'continue' });
  const registered = ecs.commandCalls(RegisterTaskDefinitionCommand)[0]!.args[0].input;
  expect(registered.containerDefinitions?.[0]).toMatchObject({
    image: IMAGE,
    environment: [{ name: 'FAULTS', value: 'health-fail' }],
  });
  expect(ecs.commandCalls(UpdateServiceCommand)[0]!.args[0].input.taskDefinition).toBe(TD);
  // Follows for followMs (30 s at a 10 s poll), then reports once, with the token.
  expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)).toHaveLength(3);
  expect(success()).toHaveLength(1);
  expect(success()[0]).toMatchObject({
    jobId: 'job-1',
    executionDetails: { summary: 'IN_PROGRESS at BAKE_TIME', externalExecutionId: SD },
  });
  expect(tokenOf()).toMatchObject({ serviceDeploymentArn: SD, taskDefinitionArn: TD });
  expect(failure()).toHaveLength(0);
});

test('an invocation with the token registers nothing and goes on following the same deployment', async () => {
  states('IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS');
  const token = JSON.stringify({ serviceDeploymentArn: SD, taskDefinitionArn: TD, failedReads: 0 });
  await expect(
    runDeployJob(jobEvent(token), deps({ fetchArtifact: () => Promise.reject(new Error('not read')) })),
  ).resolves.toMatchObject({ result: 'continue' });
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
  expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)[0]!.args[0].input).toEqual({
    serviceDeploymentArns: [SD],
  });
  expect(tokenOf()).toMatchObject({ serviceDeploymentArn: SD });
});

test('SUCCESSFUL ends the job with success and no continuation token', async () => {
  states('IN_PROGRESS', 'SUCCESSFUL');
  const token = JSON.stringify({ serviceDeploymentArn: SD, taskDefinitionArn: TD, failedReads: 0 });
  await expect(runDeployJob(jobEvent(token), deps())).resolves.toEqual({
    result: 'succeeded',
    summary: `released ${TD}`,
  });
  expect(success()).toEqual([
    { jobId: 'job-1', executionDetails: { summary: `released ${TD}`, externalExecutionId: SD } },
  ]);
  expect(failure()).toHaveLength(0);
});

test.each<ServiceDeploymentStatus>(['ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED', 'STOPPED'])(
  'a deployment that ends %s fails the job with ECS’s reason',
  async (end) => {
    states('ROLLBACK_IN_PROGRESS', end);
    const token = JSON.stringify({ serviceDeploymentArn: SD, taskDefinitionArn: TD, failedReads: 0 });
    await runDeployJob(jobEvent(token), deps());
    expect(failure()).toEqual([
      {
        jobId: 'job-1',
        failureDetails: {
          type: 'JobFailed',
          message: `deployment ${SD} ended ${end} at BAKE_TIME: ECS says ${end}`,
          externalExecutionId: SD,
        },
      },
    ]);
    expect(success()).toHaveLength(0);
  },
);

test('start checks that refuse fail the job and start nothing', async () => {
  liveService(ecs, { productionOnBlue: 0, healthy: { blue: 2, green: 0 } });
  await expect(runDeployJob(jobEvent(), deps())).resolves.toMatchObject({ result: 'failed' });
  expect(failure()[0]!.failureDetails!.message).toMatch(/^refusing to start the deployment: /);
  expect(ecs.commandCalls(RegisterTaskDefinitionCommand)).toHaveLength(0);
  expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
  expect(success()).toHaveLength(0);
});

test('an alarm already in ALARM is warned about in every summary of the job, and the release goes on', async () => {
  liveService(ecs, { firing: ['svc-target-5xx'] });
  states('IN_PROGRESS', 'IN_PROGRESS', 'IN_PROGRESS', 'SUCCESSFUL');
  await runDeployJob(jobEvent(), deps());
  expect(success()[0]!.executionDetails!.summary).toMatch(
    /^IN_PROGRESS at BAKE_TIME\nWARNING: alarm svc-target-5xx is in ALARM as the deployment starts/,
  );
  await runDeployJob(jobEvent(success()[0]!.continuationToken), deps());
  expect(success()[1]!.executionDetails!.summary).toMatch(/^released .*\nWARNING: alarm svc-target-5xx/);
});

test('an artifact without taskdef.json fails the job naming the file', async () => {
  const zip = zipSync({ 'appspec.yml': strToU8('version: 0.0\n') });
  await runDeployJob(jobEvent(), deps({ fetchArtifact: () => Promise.resolve(zip) }));
  expect(failure()[0]!.failureDetails!.message).toBe(
    'the deployment was not started: artifact Release holds no taskdef.json at its root; the Build stage publishes the release folder (buildspec.yml, artifacts)',
  );
  expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
});

test('reads that fail are retried in later invocations, and the third in a row fails the job', async () => {
  ecs.on(DescribeServiceDeploymentsCommand).rejects(new Error('Rate exceeded'));
  const token = JSON.stringify({ serviceDeploymentArn: SD, taskDefinitionArn: TD, failedReads: 0 });
  await runDeployJob(jobEvent(token), deps({ followMs: 15_000 }));
  expect(tokenOf()).toMatchObject({ failedReads: 2 });
  await runDeployJob(jobEvent(success()[0]!.continuationToken), deps({ followMs: 15_000 }));
  expect(failure()[0]!.failureDetails!.message).toBe('could not read the deployment (3 of 3): Rate exceeded');
});

test('a ZIP reader error names the artifact', () => {
  expect(() => releaseFilesFromZip(new Uint8Array([1, 2, 3]), 'Release')).toThrow(
    /^artifact Release is not a ZIP archive/,
  );
});

test('the artifact is read from its bucket and key with the job’s credentials, not the function’s', async () => {
  const s3 = mockClient(S3Client);
  s3.on(GetObjectCommand).resolves({
    Body: { transformToByteArray: () => Promise.resolve(RELEASE_ZIP) } as GetObjectCommandOutput['Body'],
  });
  const { inputArtifacts, artifactCredentials } = jobEvent()['CodePipeline.job'].data;
  const zip = await fetchFromS3(inputArtifacts[0]!, artifactCredentials);
  expect(releaseFilesFromZip(zip, 'Release').taskdef).toBe(TASKDEF);
  const call = s3.commandCalls(GetObjectCommand)[0]!;
  expect(call.args[0].input).toEqual({ Bucket: 'artifacts', Key: 'p/Release/abc' });
  const client = call.thisValue as S3Client;
  await expect(client.config.credentials()).resolves.toMatchObject({
    accessKeyId: 'AKIA',
    secretAccessKey: 'secret',
    sessionToken: 'token',
  });
  s3.restore();
});

test('the function names the variables the stack must set', () => {
  expect(() => depsFromEnvironment({ CLUSTER_NAME: 'c' })).toThrow(/CLUSTER_NAME and SERVICE_NAME/);
  expect(depsFromEnvironment({ CLUSTER_NAME: 'c', SERVICE_NAME: 'svc' }).target).toEqual({
    cluster: 'c',
    service: 'svc',
  });
});

test('a function without its variables fails the job instead of leaving it to time out', async () => {
  const saved = { ...process.env };
  delete process.env.CLUSTER_NAME;
  delete process.env.SERVICE_NAME;
  try {
    await expect(handler(jobEvent())).resolves.toMatchObject({ result: 'failed' });
  } finally {
    process.env = saved;
  }
  expect(failure()[0]).toMatchObject({
    jobId: 'job-1',
    failureDetails: { type: 'ConfigurationError', message: expect.stringMatching(/CLUSTER_NAME/) },
  });
});
