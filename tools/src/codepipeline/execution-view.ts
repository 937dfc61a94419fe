/**
 * Reading one execution of the release pipeline: which execution built a commit (ListPipelineExecutions,
 * `sourceRevisions[].revisionId`), its status (GetPipelineExecution), its actions (ListActionExecutions)
 * and, in QUEUED mode, the stage it waits to enter (GetPipelineState). CodePipeline has no "queued"
 * execution status: a waiting execution is `InProgress` and is listed in the `inboundExecutions` of the
 * stage it waits for (CodePipeline API Reference, "PipelineExecutionSummary" and "StageState").
 */
import {
  GetPipelineExecutionCommand,
  GetPipelineStateCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  type ActionExecutionDetail,
  type CodePipelineClient,
} from '@aws-sdk/client-codepipeline';

/** The latest run of one action of an execution. */
export interface ActionView {
  readonly stage: string;
  readonly action: string;
  /** `InProgress`, `Succeeded`, `Failed` or `Abandoned`. */
  readonly status: string;
  /** Why it failed, or what it did: the action's error message, else its provider's summary. */
  readonly summary?: string;
  /** The provider's page for this run: for a CodeBuild action, the build and its log. */
  readonly url?: string;
  /** AWS's time the action started, epoch ms. */
  readonly startedAt?: number;
}

/** One execution as one poll saw it. */
export interface ExecutionView {
  readonly id: string;
  /** CodePipeline's status: `InProgress`, `Succeeded`, `Failed`, `Stopped`, `Stopping`, `Superseded`, `Cancelled`. */
  readonly status: string;
  readonly statusSummary?: string;
  /** The latest run of each action, in the order they started. */
  readonly actions: readonly ActionView[];
  /** Set while the execution waits to enter `stage`, which `behind` (another execution) holds. */
  readonly waiting?: { readonly stage: string; readonly behind?: string };
}

/** How many of the latest executions are searched for a commit: a drill's push is among the newest. */
const RECENT_EXECUTIONS = 50;

/**
 * The id of the newest execution whose source revision is `commit` (a full sha, or a prefix of one), or
 * undefined while none has started.
 */
export async function findExecution(
  client: CodePipelineClient,
  pipelineName: string,
  commit: string,
): Promise<string | undefined> {
  const { pipelineExecutionSummaries = [] } = await client.send(
    new ListPipelineExecutionsCommand({ pipelineName, maxResults: RECENT_EXECUTIONS }),
  );
  const wanted = commit.toLowerCase();
  const found = pipelineExecutionSummaries.find((summary) =>
    (summary.sourceRevisions ?? []).some((revision) => revision.revisionId?.toLowerCase().startsWith(wanted)),
  );
  return found?.pipelineExecutionId;
}

function actionView(detail: ActionExecutionDetail): ActionView {
  const result = detail.output?.executionResult;
  const summary = result?.errorDetails?.message ?? result?.externalExecutionSummary;
  return {
    stage: detail.stageName ?? '?',
    action: detail.actionName ?? '?',
    status: detail.status ?? '?',
    ...(summary && { summary }),
    ...(result?.externalExecutionUrl && { url: result.externalExecutionUrl }),
    ...(detail.startTime && { startedAt: detail.startTime.getTime() }),
  };
}

/** The latest run of each action of the execution (a retried stage lists an action once per run). */
async function actionsOf(
  client: CodePipelineClient,
  pipelineName: string,
  executionId: string,
): Promise<ActionView[]> {
  const latest = new Map<string, ActionView>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListActionExecutionsCommand({
        pipelineName,
        filter: { pipelineExecutionId: executionId },
        ...(nextToken && { nextToken }),
      }),
    );
    for (const view of (page.actionExecutionDetails ?? []).map(actionView)) {
      const key = `${view.stage}/${view.action}`;
      const seen = latest.get(key);
      if (!seen || (view.startedAt ?? 0) > (seen.startedAt ?? 0)) latest.set(key, view);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return [...latest.values()].sort((a, b) => (a.startedAt ?? 0) - (b.startedAt ?? 0));
}

/** The stage the execution waits to enter, and the execution that holds it. */
async function waitingOf(
  client: CodePipelineClient,
  pipelineName: string,
  executionId: string,
): Promise<ExecutionView['waiting']> {
  const { stageStates = [] } = await client.send(new GetPipelineStateCommand({ name: pipelineName }));
  for (const stage of stageStates) {
    const inbound = [
      ...(stage.inboundExecutions ?? []),
      ...(stage.inboundExecution ? [stage.inboundExecution] : []),
    ];
    if (!inbound.some((execution) => execution.pipelineExecutionId === executionId)) continue;
    const holder = stage.latestExecution;
    const behind =
      holder?.status === 'InProgress' && holder.pipelineExecutionId !== executionId
        ? holder.pipelineExecutionId
        : undefined;
    return { stage: stage.stageName ?? '?', ...(behind && { behind }) };
  }
  return undefined;
}

/** The execution's status and actions; where it is still in progress, also what it waits for. */
export async function readExecution(
  client: CodePipelineClient,
  pipelineName: string,
  executionId: string,
): Promise<ExecutionView> {
  const { pipelineExecution } = await client.send(
    new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId }),
  );
  const status = pipelineExecution?.status ?? '?';
  const actions = await actionsOf(client, pipelineName, executionId);
  const running = actions.some((action) => action.status === 'InProgress');
  const waiting =
    status === 'InProgress' && !running ? await waitingOf(client, pipelineName, executionId) : undefined;
  return {
    id: executionId,
    status,
    ...(pipelineExecution?.statusSummary && { statusSummary: pipelineExecution.statusSummary }),
    actions,
    ...(waiting && { waiting }),
  };
}
