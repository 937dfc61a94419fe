import { OUTPUT_KEYS, STACK_NAMES } from '../../../contract/stack-outputs';
import type { AwsClients } from '../aws/clients';
import { describeError } from '../aws/describe-error';
import type { DrillAction } from '../experiment/rehearsal-event';
import { readStackOutputs, requireOutput } from '../aws/stack-outputs';
import type { GitRunner } from '../git/run-git';
import { followExecution, type FollowExecutionOptions, type PipelineOutcome } from './follow-execution';
import { describeSkipped, skippedCommit, type SkippedCommit } from './trigger-check';

/**
 * What became of a pushed commit before its deployment: the trigger skipped it, the pipeline could not be
 * read (`unfollowed`), or how its execution went.
 */
export type CommitOutcome =
  | PipelineOutcome
  | { readonly kind: 'not-triggered'; readonly skipped: SkippedCommit }
  | { readonly kind: 'unfollowed'; readonly reason: string };

export interface FollowCommitOptions extends Omit<FollowExecutionOptions, 'client' | 'pipelineName'> {
  readonly aws: AwsClients;
  readonly git: GitRunner;
  /** The repository the commit is in. */
  readonly cwd: string;
  /** @default the pipeline stack's PipelineName output */
  readonly pipeline?: string | undefined;
}

/** The release pipeline's name: the flag when given, else the pipeline stack's `PipelineName` output. */
export async function pipelineName(aws: AwsClients, pipeline?: string): Promise<string> {
  if (pipeline !== undefined) return pipeline;
  const outputs = await readStackOutputs(aws.cloudFormation(), STACK_NAMES.pipeline);
  return requireOutput(outputs, OUTPUT_KEYS.pipelineName);
}

/**
 * Follows a pushed commit up to its deployment: decided from git at once when the trigger's file filter
 * skips it, else through the pipeline's execution of it until the deploy stage starts or the execution
 * ends without one.
 */
export async function followCommit(options: FollowCommitOptions): Promise<CommitOutcome> {
  const { aws, git, cwd, commit, pipeline, ...follow } = options;
  const skipped = await skippedCommit(git, cwd, commit);
  if (skipped) return { kind: 'not-triggered', skipped };
  let name: string;
  try {
    name = await pipelineName(aws, pipeline);
  } catch (error) {
    return { kind: 'unfollowed', reason: describeError(error) };
  }
  return followExecution({ ...follow, commit, client: aws.codePipeline(), pipelineName: name });
}

/** One sentence for an outcome that ends the wait without a deployment. */
export function describeCommitEnd(
  outcome: Exclude<CommitOutcome, { kind: 'deploying' | 'interrupted' }>,
  commit: string,
): string {
  switch (outcome.kind) {
    case 'not-triggered':
      return describeSkipped(outcome.skipped);
    case 'unfollowed':
      return `the pipeline cannot be followed: ${outcome.reason}`;
    case 'not-started':
      return `no pipeline execution for ${commit.slice(0, 12)} within ${Math.round(outcome.waitedMs / 1000)} s: check that the push went to the branch the pipeline releases and that its connection is available`;
    case 'ended': {
      const failed = outcome.failedAction;
      return failed
        ? `${failed.stage}/${failed.action} ${failed.status}${failed.summary ? `: ${failed.summary}` : ''}${failed.url ? ` (${failed.url})` : ''}`
        : `execution ${outcome.executionId} ${outcome.status}${outcome.statusSummary ? `: ${outcome.statusSummary}` : ''}`;
    }
  }
}

/** What a drill has and does around its push, as far as following the pipeline needs. */
export interface DrillPush {
  readonly options: {
    readonly cwd: string;
    readonly pipeline?: string | undefined;
    readonly pollMs: number;
    readonly waitDeploymentMs: number;
  };
  readonly deps: Pick<FollowCommitOptions, 'aws' | 'git' | 'now' | 'sleep' | 'signal'>;
  /** The drill's report: the commit it pushed is read from it, the execution followed written to it. */
  readonly report: {
    readonly method: { readonly commit?: string; pipelineExecutionId?: string };
    readonly observations: { pipeline?: Extract<PipelineOutcome, { kind: 'ended' }> };
  };
  /** When the push happened, epoch ms. */
  readonly pushAt: number;
  readonly say: (line: string) => void;
}

/** Where a drill goes after following its push: on to the deployment from `since`, or to its end. */
export type DrillHandover =
  | { readonly since: Date }
  | {
      readonly end: 'not-triggered' | 'pipeline-failed' | 'no-deployment' | 'interrupted';
      readonly mark?: { readonly action: DrillAction; readonly detail: string };
    };

/**
 * Follows a drill's pushed flip through the pipeline. The drill ends at once when the trigger skips the
 * commit, when its execution ends before deploying, or when none starts in time; when the pipeline cannot
 * be read, the drill waits for the deployment alone, as from a minute before the push.
 */
export async function followDrillPush(push: DrillPush): Promise<DrillHandover> {
  const { options, deps, report, say } = push;
  const commit = report.method.commit;
  if (commit === undefined)
    throw new Error('the drill follows the pipeline only after its flip is committed');
  say('');
  say('== Following the pipeline');
  const outcome = await followCommit({
    ...deps,
    cwd: options.cwd,
    commit,
    pipeline: options.pipeline,
    pollMs: options.pollMs,
    startWithinMs: options.waitDeploymentMs,
    onLine: (line) => say(`  ${line}`),
  });
  const sincePush = new Date(push.pushAt - 60_000);
  if ('executionId' in outcome) report.method.pipelineExecutionId = outcome.executionId;
  switch (outcome.kind) {
    case 'deploying':
      // In QUEUED mode the deploy stage admits one execution at a time: a deployment created before this
      // execution's deploy action started belongs to an execution ahead of it.
      return {
        since: outcome.deployStartedAt === undefined ? sincePush : new Date(outcome.deployStartedAt),
      };
    case 'unfollowed':
      say(`  ${describeCommitEnd(outcome, commit)}; the drill waits for the deployment alone`);
      return { since: sincePush };
    case 'interrupted':
      return { end: 'interrupted' };
    case 'not-triggered':
      return {
        end: 'not-triggered',
        mark: { action: 'not-triggered', detail: describeCommitEnd(outcome, commit) },
      };
    case 'not-started':
      return {
        end: 'no-deployment',
        mark: { action: 'no-pipeline-execution', detail: describeCommitEnd(outcome, commit) },
      };
    case 'ended':
      report.observations.pipeline = outcome;
      return {
        end: 'pipeline-failed',
        mark: { action: 'pipeline-ended', detail: describeCommitEnd(outcome, commit) },
      };
  }
}
