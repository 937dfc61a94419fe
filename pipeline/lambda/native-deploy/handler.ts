/**
 * The native Deploy stage's function, invoked by CodePipeline's Lambda invoke action (`./deploy-job.ts`).
 * It never logs the event: CodePipeline passes temporary credentials in it (`artifactCredentials`), and the
 * CodePipeline User Guide says not to log that JSON event.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodePipelineClient, PutJobFailureResultCommand } from '@aws-sdk/client-codepipeline';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CodePipelineEvent, Context } from 'aws-lambda';
import { runDeployJob, type DeployJobDeps, type JobReport } from './deploy-job';
import { fetchFromS3 } from './release-artifact';

/** Between two reads of the deployment: ECS's lifecycle stages last tens of seconds at the least. */
const POLL_MS = 10_000;
/** The most one invocation follows the deployment; the function's timeout in the stack is longer. */
const FOLLOW_MS = 4 * 60_000;
/** Kept back from the function's remaining time for the report to CodePipeline. */
const RESERVE_MS = 20_000;

const log = (entry: Record<string, unknown>): void => console.log(JSON.stringify(entry));

/** The function's dependencies from the environment the stack sets; throws naming a missing variable. */
export function depsFromEnvironment(env: NodeJS.ProcessEnv): Omit<DeployJobDeps, 'followMs'> {
  const { CLUSTER_NAME, SERVICE_NAME } = env;
  if (!CLUSTER_NAME || !SERVICE_NAME) {
    throw new Error(
      'CLUSTER_NAME and SERVICE_NAME must be set on the function; the release pipeline stack sets them',
    );
  }
  return {
    ecs: new ECSClient({}),
    elbv2: new ElasticLoadBalancingV2Client({}),
    cloudwatch: new CloudWatchClient({}),
    codepipeline: new CodePipelineClient({}),
    fetchArtifact: fetchFromS3,
    target: { cluster: CLUSTER_NAME, service: SERVICE_NAME },
    log,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => Date.now(),
    pollMs: POLL_MS,
  };
}

let configured: Omit<DeployJobDeps, 'followMs'> | undefined;

/** The Lambda entry point. */
export async function handler(
  event: CodePipelineEvent,
  context?: Pick<Context, 'getRemainingTimeInMillis'>,
): Promise<JobReport> {
  try {
    configured ??= depsFromEnvironment(process.env);
  } catch (error) {
    // Reported rather than thrown: a thrown error would leave the action waiting until its timeout.
    const summary = error instanceof Error ? error.message : String(error);
    await new CodePipelineClient({}).send(
      new PutJobFailureResultCommand({
        jobId: event['CodePipeline.job'].id,
        failureDetails: { type: 'ConfigurationError', message: summary },
      }),
    );
    return { result: 'failed', summary };
  }
  const remaining = (context?.getRemainingTimeInMillis() ?? FOLLOW_MS + RESERVE_MS) - RESERVE_MS;
  return runDeployJob(event, { ...configured, followMs: Math.max(0, Math.min(FOLLOW_MS, remaining)) });
}
