import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { RELEASE_STAGES } from '../../../contract/release-trigger';
import { clockTime } from '../aws/format-watch';
import { findExecution, readExecution, type ActionView, type ExecutionView } from './execution-view';

/**
 * How following a commit's execution ended: its deploy stage started (the deployment follower takes
 * over from `deployStartedAt`), it ended before deploying (a failed Source or Build, a stop), no execution
 * started in time, or the person interrupted.
 */
export type PipelineOutcome =
  | { readonly kind: 'deploying'; readonly executionId: string; readonly deployStartedAt?: number }
  | {
      readonly kind: 'ended';
      readonly executionId: string;
      readonly status: string;
      readonly statusSummary?: string;
      readonly failedAction?: ActionView;
    }
  | { readonly kind: 'not-started'; readonly waitedMs: number }
  | { readonly kind: 'interrupted' };

export interface FollowExecutionOptions {
  readonly client: CodePipelineClient;
  readonly pipelineName: string;
  /** The pushed commit: a full sha, or a prefix of one. */
  readonly commit: string;
  readonly pollMs: number;
  /** How long to wait for an execution of the commit to appear. */
  readonly startWithinMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
  /** Each change as one line: the execution found, each action's status, a wait behind another execution. */
  readonly onLine: (line: string) => void;
}

/** Statuses after which an execution runs no further action (Stopping lets running ones finish, no more). */
const ENDED = new Set(['Failed', 'Stopped', 'Stopping', 'Superseded', 'Cancelled']);

/** Where the execution stands for the drill: undefined while it is still on its way to the deploy stage. */
function outcomeOf(view: ExecutionView): PipelineOutcome | undefined {
  const deploy = view.actions.filter((a) => a.stage === RELEASE_STAGES.deploy.stage);
  if (deploy.length > 0 || view.status === 'Succeeded') {
    const started = deploy.flatMap((a) => (a.startedAt === undefined ? [] : [a.startedAt]));
    return {
      kind: 'deploying',
      executionId: view.id,
      ...(started.length > 0 && { deployStartedAt: Math.min(...started) }),
    };
  }
  if (!ENDED.has(view.status)) return undefined;
  const failedAction = view.actions.findLast((a) => a.status === 'Failed');
  return {
    kind: 'ended',
    executionId: view.id,
    status: view.status,
    ...(view.statusSummary && { statusSummary: view.statusSummary }),
    ...(failedAction && { failedAction }),
  };
}

const actionLine = (a: ActionView): string =>
  `${a.stage}/${a.action} ${a.status}${a.status === 'InProgress' && a.url ? `  ${a.url}` : ''}`;

/**
 * Follows the pipeline execution of `commit` until its deploy stage starts or it ends without one,
 * printing each change. An execution waiting in QUEUED mode is reported once per stage it waits for.
 */
export async function followExecution(options: FollowExecutionOptions): Promise<PipelineOutcome> {
  const { client, pipelineName, commit, now, signal } = options;
  const say = (line: string): void => options.onLine(`${clockTime(now())}  ${line}`);
  const deadline = now() + options.startWithinMs;
  const started = now();
  const printed = new Map<string, string>();
  let executionId: string | undefined;
  let waitingFor = '';
  for (;;) {
    if (signal?.aborted) return { kind: 'interrupted' };
    if (executionId === undefined) {
      executionId = await findExecution(client, pipelineName, commit);
      if (executionId !== undefined)
        say(`execution ${executionId} of ${pipelineName} for ${commit.slice(0, 12)}`);
    }
    if (executionId !== undefined) {
      const view = await readExecution(client, pipelineName, executionId);
      for (const action of view.actions) {
        const line = actionLine(action);
        const key = `${action.stage}/${action.action}`;
        if (printed.get(key) !== line) say(line);
        printed.set(key, line);
      }
      const waiting = view.waiting
        ? `waiting to enter ${view.waiting.stage}${view.waiting.behind ? ` behind execution ${view.waiting.behind}` : ''}`
        : '';
      if (waiting !== '' && waiting !== waitingFor) say(waiting);
      waitingFor = waiting;
      const outcome = outcomeOf(view);
      if (outcome) return outcome;
    } else if (now() >= deadline) {
      return { kind: 'not-started', waitedMs: now() - started };
    }
    await options.sleep(options.pollMs, signal);
  }
}

/**
 * The closing lines of an execution that ended before deploying: its status, the failed action with its
 * summary, and the link to the action's run (for the build, its log).
 */
export function describePipelineEnd(outcome: Extract<PipelineOutcome, { kind: 'ended' }>): string[] {
  const lines = [
    `Pipeline execution ${outcome.executionId} ${outcome.status}${outcome.statusSummary ? `: ${outcome.statusSummary}` : ''}; nothing was deployed.`,
  ];
  const failed = outcome.failedAction;
  if (failed) {
    lines.push(
      `  failed action: ${failed.stage}/${failed.action}${failed.summary ? `: ${failed.summary}` : ''}`,
    );
    if (failed.url)
      lines.push(`  ${failed.stage === RELEASE_STAGES.build.stage ? 'build log' : 'details'}: ${failed.url}`);
  }
  return lines;
}
