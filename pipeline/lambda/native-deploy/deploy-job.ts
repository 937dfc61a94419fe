/**
 * One CodePipeline job of the native Deploy stage. The first invocation reads the Build stage's artifact,
 * runs the start checks, registers the rendered task definition and calls UpdateService; every invocation
 * then follows the service deployment for a while. While ECS is still deploying, the job is reported a
 * success with a continuation token, and CodePipeline invokes the function again with that token: the
 * CodePipeline User Guide, "Invoke an AWS Lambda function in a pipeline in CodePipeline", shows this for
 * "a long-running asynchronous process" so that the action outlives the function's fifteen-minute limit,
 * and the PutJobSuccessResult reference says that when the action is complete, no continuation token
 * should be supplied. SUCCESSFUL ends the job with PutJobSuccessResult without a token; STOPPED or
 * ROLLBACK_* with PutJobFailureResult and ECS's reason, which fails the pipeline execution.
 *
 * Every outcome is reported to CodePipeline and the function returns normally: a thrown error would only
 * leave the action waiting until its timeout (the "AWS Lambda invoke action reference").
 */
import {
  PutJobFailureResultCommand,
  PutJobSuccessResultCommand,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';
import type { CodePipelineEvent } from 'aws-lambda';
import {
  readDeployment,
  startNativeDeployment,
  taskDefinitionInput,
  type NativeTarget,
} from './native-deployment';
import { releaseFilesFromZip, type FetchArtifact } from './release-artifact';
import type { StartCheckClients } from './start-checks';

export interface DeployJobDeps extends StartCheckClients {
  readonly codepipeline: CodePipelineClient;
  readonly fetchArtifact: FetchArtifact;
  readonly target: NativeTarget;
  readonly log: (entry: Record<string, unknown>) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Pause between two reads of the deployment. */
  readonly pollMs: number;
  /** How long one invocation follows the deployment before it hands a continuation token back. */
  readonly followMs: number;
}

/** What the job reported to CodePipeline. */
export interface JobReport {
  readonly result: 'continue' | 'succeeded' | 'failed';
  readonly summary: string;
}

/** The state carried from one invocation to the next (PutJobSuccessResult allows 2048 characters). */
interface Following {
  readonly serviceDeploymentArn: string;
  readonly taskDefinitionArn: string;
  /** Consecutive reads that failed; the job fails at {@link MAX_FAILED_READS}. */
  readonly failedReads: number;
  /** The start checks' warnings, repeated in every summary so the console keeps showing them. */
  readonly warnings: readonly string[];
}

const TOKEN_LIMIT = 2048;
const SUMMARY_LIMIT = 2048;
const FAILURE_MESSAGE_LIMIT = 5000;
const MAX_FAILED_READS = 3;

const clip = (text: string, limit: number): string =>
  text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function parseToken(token: string): Following {
  const parsed = JSON.parse(token) as Partial<Following>;
  if (typeof parsed.serviceDeploymentArn !== 'string' || typeof parsed.taskDefinitionArn !== 'string') {
    throw new Error(`the continuation token names no service deployment: ${clip(token, 200)}`);
  }
  return {
    serviceDeploymentArn: parsed.serviceDeploymentArn,
    taskDefinitionArn: parsed.taskDefinitionArn,
    failedReads: parsed.failedReads ?? 0,
    warnings: parsed.warnings ?? [],
  };
}

function tokenOf(following: Following): string {
  const token = JSON.stringify(following);
  return token.length <= TOKEN_LIMIT ? token : JSON.stringify({ ...following, warnings: [] });
}

/** Runs one invocation of the job and reports its outcome to CodePipeline. */
export async function runDeployJob(event: CodePipelineEvent, deps: DeployJobDeps): Promise<JobReport> {
  const job = event['CodePipeline.job'];
  const deadline = deps.now() + deps.followMs;
  let following: Following | JobReport;
  try {
    const token = job.data.continuationToken;
    following = token === undefined ? await start(job.data, deps) : parseToken(token);
  } catch (error) {
    following = { result: 'failed', summary: `the deployment was not started: ${messageOf(error)}` };
  }
  if ('result' in following) return report(job.id, following, undefined, deps);
  return follow(job.id, following, deadline, deps);
}

async function start(
  data: CodePipelineEvent['CodePipeline.job']['data'],
  deps: DeployJobDeps,
): Promise<Following | JobReport> {
  const artifact = data.inputArtifacts[0];
  if (artifact === undefined) throw new Error('the action has no input artifact (the Build stage output)');
  const files = releaseFilesFromZip(
    await deps.fetchArtifact(artifact, data.artifactCredentials),
    artifact.name,
  );
  const input = taskDefinitionInput(files.taskdef, files.imageDetail);
  const started = await startNativeDeployment(deps, deps.target, input);
  for (const line of started.lines) deps.log({ msg: line });
  if (!started.started) return { result: 'failed', summary: started.lines.join('\n') };
  return {
    serviceDeploymentArn: started.serviceDeploymentArn,
    taskDefinitionArn: started.taskDefinitionArn,
    failedReads: 0,
    warnings: started.lines.filter((line) => line.startsWith('WARNING')),
  };
}

async function follow(
  jobId: string,
  initial: Following,
  deadline: number,
  deps: DeployJobDeps,
): Promise<JobReport> {
  let following = initial;
  let line: string;
  for (;;) {
    try {
      const reading = await readDeployment(deps.ecs, following.serviceDeploymentArn);
      following = { ...following, failedReads: 0 };
      line = reading.line;
      deps.log({ msg: line, serviceDeployment: following.serviceDeploymentArn });
      if (reading.outcome !== 'running') {
        const summary =
          reading.outcome === 'succeeded'
            ? `released ${following.taskDefinitionArn}`
            : `deployment ${following.serviceDeploymentArn} ended ${reading.line}: ${reading.reason || 'no reason given'}`;
        return report(jobId, { result: reading.outcome, summary }, following, deps);
      }
    } catch (error) {
      following = { ...following, failedReads: following.failedReads + 1 };
      line = `could not read the deployment (${following.failedReads} of ${MAX_FAILED_READS}): ${messageOf(error)}`;
      deps.log({ level: 'warn', msg: line });
      if (following.failedReads >= MAX_FAILED_READS) {
        return report(jobId, { result: 'failed', summary: line }, following, deps);
      }
    }
    if (deps.now() + deps.pollMs >= deadline) break;
    await deps.sleep(deps.pollMs);
  }
  return report(jobId, { result: 'continue', summary: line }, following, deps);
}

async function report(
  jobId: string,
  outcome: JobReport,
  following: Following | undefined,
  deps: DeployJobDeps,
): Promise<JobReport> {
  const summary = [outcome.summary, ...(following?.warnings ?? [])].join('\n');
  const externalExecutionId = following?.serviceDeploymentArn;
  if (outcome.result === 'failed') {
    await deps.codepipeline.send(
      new PutJobFailureResultCommand({
        jobId,
        failureDetails: {
          type: 'JobFailed',
          message: clip(summary, FAILURE_MESSAGE_LIMIT),
          ...(externalExecutionId === undefined ? {} : { externalExecutionId }),
        },
      }),
    );
  } else {
    await deps.codepipeline.send(
      new PutJobSuccessResultCommand({
        jobId,
        executionDetails: {
          summary: clip(summary, SUMMARY_LIMIT),
          ...(externalExecutionId === undefined ? {} : { externalExecutionId }),
        },
        ...(outcome.result === 'continue' && following !== undefined
          ? { continuationToken: tokenOf(following) }
          : {}),
      }),
    );
  }
  deps.log({ msg: `job ${outcome.result}`, jobId, summary });
  return { result: outcome.result, summary };
}
