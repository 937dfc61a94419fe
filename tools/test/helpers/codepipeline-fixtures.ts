import type {
  ActionExecutionDetail,
  ActionExecutionStatus,
  GetPipelineExecutionOutput,
  GetPipelineStateOutput,
  ListActionExecutionsOutput,
  ListPipelineExecutionsOutput,
  PipelineExecutionStatus,
} from '@aws-sdk/client-codepipeline';
import { RELEASE_STAGES } from '../../../contract/release-trigger';
import { at } from './codedeploy-fixtures';

/** Shapes follow @aws-sdk/client-codepipeline's typings for a V2 pipeline in QUEUED mode. */
export const PIPELINE = 'RollbackRehearsalPipeline-ReleasePipeline4A1B2C3D-9XYZ';
export const BUILD_URL =
  'https://console.aws.amazon.com/codesuite/codebuild/123456789012/projects/ReleaseBuild/build/ReleaseBuild%3A1f2e3d4c/?region=eu-west-1';
export const BUILD_FAILURE =
  'Build terminated with state: FAILED. Phase: BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: npm test. Reason: exit status 1';

const PROVIDERS = {
  source: { category: 'Source', owner: 'AWS', provider: 'CodeStarSourceConnection', version: '1' },
  build: { category: 'Build', owner: 'AWS', provider: 'CodeBuild', version: '1' },
  deploy: { category: 'Deploy', owner: 'AWS', provider: 'CodeDeployToECS', version: '1' },
} as const;

/** ListPipelineExecutions: the newest first, each built from one commit of the GitHub source. */
export function executions(
  ...runs: { id: string; commit: string; status: PipelineExecutionStatus; startSeconds?: number }[]
): ListPipelineExecutionsOutput {
  return {
    pipelineExecutionSummaries: runs.map((run) => ({
      pipelineExecutionId: run.id,
      status: run.status,
      startTime: at(run.startSeconds ?? 0),
      lastUpdateTime: at(run.startSeconds ?? 0),
      executionMode: 'QUEUED',
      executionType: 'STANDARD',
      trigger: {
        triggerType: 'WebhookV2',
        triggerDetail: 'arn:aws:codeconnections:eu-west-1:123456789012:connection/abc',
      },
      sourceRevisions: [
        {
          actionName: RELEASE_STAGES.source.action,
          revisionId: run.commit,
          revisionSummary: '{"ProviderType":"GitHub","CommitMessage":"rehearsal: flip FAULTS"}',
          revisionUrl: `https://github.com/example/rollback-rehearsal/commit/${run.commit}`,
        },
      ],
    })),
  };
}

/** GetPipelineExecution of one execution. */
export function execution(
  id: string,
  status: PipelineExecutionStatus,
  statusSummary?: string,
): GetPipelineExecutionOutput {
  return {
    pipelineExecution: {
      pipelineName: PIPELINE,
      pipelineVersion: 3,
      pipelineExecutionId: id,
      status,
      ...(statusSummary && { statusSummary }),
      executionMode: 'QUEUED',
      executionType: 'STANDARD',
    },
  };
}

/** One run of an action of the release pipeline, started `startSeconds` after T0. */
export function actionRun(
  executionId: string,
  step: keyof typeof RELEASE_STAGES,
  status: ActionExecutionStatus,
  startSeconds: number,
  result: { summary?: string; error?: string; url?: string; externalId?: string } = {},
): ActionExecutionDetail {
  return {
    pipelineExecutionId: executionId,
    actionExecutionId: `${executionId.slice(0, 8)}-${step}`,
    pipelineVersion: 3,
    stageName: RELEASE_STAGES[step].stage,
    actionName: RELEASE_STAGES[step].action,
    startTime: at(startSeconds),
    lastUpdateTime: at(startSeconds + 5),
    status,
    input: { actionTypeId: { ...PROVIDERS[step] }, configuration: {}, region: 'eu-west-1' },
    output: {
      executionResult: {
        ...(result.externalId && { externalExecutionId: result.externalId }),
        ...(result.summary && { externalExecutionSummary: result.summary }),
        ...(result.url && { externalExecutionUrl: result.url }),
        ...(result.error && { errorDetails: { code: 'JobFailed', message: result.error } }),
      },
    },
  };
}

/** ListActionExecutions for one execution: the newest run first, as CodePipeline lists them. */
export function actionRuns(...details: ActionExecutionDetail[]): ListActionExecutionsOutput {
  return { actionExecutionDetails: [...details].reverse() };
}

/** GetPipelineState with `waiting` queued to enter `stage`, which `holder` is running. */
export function queuedBehind(
  waiting: string,
  holder: string,
  stage = RELEASE_STAGES.build.stage,
): GetPipelineStateOutput {
  const stages = Object.values(RELEASE_STAGES).map((s) => s.stage);
  return {
    pipelineName: PIPELINE,
    pipelineVersion: 3,
    stageStates: stages.map((stageName) => ({
      stageName,
      ...(stageName === stage && {
        inboundExecutions: [{ pipelineExecutionId: waiting, status: 'InProgress' }],
        latestExecution: { pipelineExecutionId: holder, status: 'InProgress' },
      }),
    })),
  };
}
