import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { describePipelineEnd, followExecution } from '../../src/codepipeline/follow-execution';
import { T0 } from '../helpers/codedeploy-fixtures';
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
import { FakeClock } from '../helpers/fake-clock';

const pipeline = mockClient(CodePipelineClient);
const COMMIT = '3f9c2d1e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e';
const OURS = 'b1d3c2a4-0000-4000-8000-000000000001';
const OTHER = 'a0c2b1d3-0000-4000-8000-000000000000';
const POLL = 10_000;

function follow(clock: FakeClock, lines: string[], startWithinMs = 600_000) {
  return followExecution({
    client: new CodePipelineClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'A', secretAccessKey: 'B' },
    }),
    pipelineName: PIPELINE,
    commit: COMMIT,
    pollMs: POLL,
    startWithinMs,
    now: clock.now,
    sleep: clock.sleep,
    onLine: (line) => lines.push(line),
  });
}

describe('following the pipeline execution of a commit', () => {
  beforeEach(() => pipeline.reset());

  it('ends on the first look at a failed Build, naming the action, its summary and the build log', async () => {
    pipeline
      .on(ListPipelineExecutionsCommand)
      .resolves(
        executions(
          { id: OURS, commit: COMMIT, status: 'Failed' },
          { id: OTHER, commit: 'abc', status: 'Succeeded' },
        ),
      );
    pipeline.on(GetPipelineExecutionCommand).resolves(execution(OURS, 'Failed', 'Build failed'));
    pipeline.on(ListActionExecutionsCommand, { filter: { pipelineExecutionId: OURS } }).resolves(
      actionRuns(
        actionRun(OURS, 'source', 'Succeeded', 0),
        actionRun(OURS, 'build', 'Failed', 5, {
          error: BUILD_FAILURE,
          url: BUILD_URL,
          summary: 'Build failed',
        }),
      ),
    );
    const clock = new FakeClock(T0);
    const lines: string[] = [];

    const outcome = await follow(clock, lines);

    expect(clock.now() - T0).toBe(0);
    expect(outcome).toEqual({
      kind: 'ended',
      executionId: OURS,
      status: 'Failed',
      statusSummary: 'Build failed',
      failedAction: expect.objectContaining({
        stage: 'Build',
        action: 'TestAndBuildImage',
        status: 'Failed',
        summary: BUILD_FAILURE,
        url: BUILD_URL,
      }),
    });
    expect(lines.join('\n')).toContain('Build/TestAndBuildImage Failed');
    if (outcome.kind !== 'ended') throw new Error('not ended');
    expect(describePipelineEnd(outcome)).toEqual([
      `Pipeline execution ${OURS} Failed: Build failed; nothing was deployed.`,
      `  failed action: Build/TestAndBuildImage: ${BUILD_FAILURE}`,
      `  build log: ${BUILD_URL}`,
    ]);
    expect(pipeline.commandCalls(GetPipelineStateCommand)).toHaveLength(0);
  });

  it('reports an execution queued behind another as waiting, then follows it to its deploy stage', async () => {
    pipeline
      .on(ListPipelineExecutionsCommand)
      .resolves(
        executions(
          { id: OURS, commit: COMMIT, status: 'InProgress', startSeconds: 0 },
          { id: OTHER, commit: 'abc', status: 'InProgress', startSeconds: -300 },
        ),
      );
    pipeline.on(GetPipelineExecutionCommand).resolves(execution(OURS, 'InProgress'));
    pipeline.on(GetPipelineStateCommand).resolves(queuedBehind(OURS, OTHER));
    const source = actionRun(OURS, 'source', 'Succeeded', 0);
    pipeline
      .on(ListActionExecutionsCommand)
      .resolvesOnce(actionRuns(source))
      .resolvesOnce(actionRuns(source))
      .resolvesOnce(actionRuns(source, actionRun(OURS, 'build', 'InProgress', 300, { url: BUILD_URL })))
      .resolves(
        actionRuns(
          source,
          actionRun(OURS, 'build', 'Succeeded', 300),
          actionRun(OURS, 'deploy', 'InProgress', 600),
        ),
      );
    const clock = new FakeClock(T0);
    const lines: string[] = [];

    const outcome = await follow(clock, lines);

    expect(outcome).toEqual({ kind: 'deploying', executionId: OURS, deployStartedAt: T0 + 600_000 });
    const text = lines.map((line) => line.replace(/^\d\d:\d\d:\d\d {2}/, ''));
    expect(text).toEqual([
      `execution ${OURS} of ${PIPELINE} for ${COMMIT.slice(0, 12)}`,
      'Source/GitHub Succeeded',
      `waiting to enter Build behind execution ${OTHER}`,
      `Build/TestAndBuildImage InProgress  ${BUILD_URL}`,
      'Build/TestAndBuildImage Succeeded',
      'Deploy/BlueGreen InProgress',
    ]);
    expect(clock.sleeps).toEqual([POLL, POLL, POLL]);
  });

  it('finds the execution by a short commit id', async () => {
    pipeline
      .on(ListPipelineExecutionsCommand)
      .resolves(executions({ id: OURS, commit: COMMIT, status: 'Succeeded' }));
    pipeline.on(GetPipelineExecutionCommand).resolves(execution(OURS, 'Succeeded'));
    pipeline.on(ListActionExecutionsCommand).resolves(actionRuns(actionRun(OURS, 'deploy', 'Succeeded', 60)));

    const outcome = await followExecution({
      client: new CodePipelineClient({
        region: 'eu-west-1',
        credentials: { accessKeyId: 'A', secretAccessKey: 'B' },
      }),
      pipelineName: PIPELINE,
      commit: COMMIT.slice(0, 8).toUpperCase(),
      pollMs: POLL,
      startWithinMs: 0,
      now: () => T0,
      sleep: () => Promise.resolve(),
      onLine: () => undefined,
    });

    expect(outcome).toMatchObject({ kind: 'deploying', executionId: OURS });
  });

  it('gives up when no execution of the commit starts within the wait', async () => {
    pipeline
      .on(ListPipelineExecutionsCommand)
      .resolves(executions({ id: OTHER, commit: 'abc', status: 'Succeeded' }));
    const clock = new FakeClock(T0);

    const outcome = await follow(clock, [], 30_000);

    expect(outcome).toEqual({ kind: 'not-started', waitedMs: 30_000 });
    expect(pipeline.commandCalls(GetPipelineExecutionCommand)).toHaveLength(0);
  });

  it('stops polling when interrupted', async () => {
    pipeline.on(ListPipelineExecutionsCommand).resolves(executions());
    const abort = new AbortController();
    abort.abort();

    const outcome = await followExecution({
      client: new CodePipelineClient({
        region: 'eu-west-1',
        credentials: { accessKeyId: 'A', secretAccessKey: 'B' },
      }),
      pipelineName: PIPELINE,
      commit: COMMIT,
      pollMs: POLL,
      startWithinMs: 60_000,
      now: () => T0,
      sleep: () => Promise.resolve(),
      signal: abort.signal,
      onLine: () => undefined,
    });

    expect(outcome).toEqual({ kind: 'interrupted' });
  });
});
