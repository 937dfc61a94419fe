/**
 * The CodeDeploy controller's verbs: its deployment group's deployments (ListDeployments, GetDeployment),
 * green's task definition from the deployment's AppSpec, StopDeployment with `autoRollbackEnabled`, and the
 * AfterAllowTestTraffic hook's answer through PutLifecycleEventHookExecutionStatus, reported exactly once
 * and before the Lambda's own timeout, so CodeDeploy never waits an hour for it.
 */
import {
  GetDeploymentCommand,
  ListDeploymentsCommand,
  PutLifecycleEventHookExecutionStatusCommand,
  StopDeploymentCommand,
  type CodeDeployClient,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import { ACTIVE_STATUSES, type DeploymentView } from '../../../core/guard/guard-decision';
import { callWithinBudget, describe, type AwsCall } from '../aws-calls/call-within-budget';
import { isNamed } from '../aws-calls/error-name';
import { appSpecFromRevision, taskDefinitionFromAppSpec } from './appspec-from-revision';
import type {
  ActiveDeployment,
  CodeDeployHookOutcome,
  DeploymentControl,
  HookInvocation,
  HookVerdict,
  InvocationTime,
  StopResult,
  TaskDefinitionRef,
  WatchTarget,
} from './deployment-control';

/** What CodeDeploy sends a lifecycle hook. */
export interface CodeDeployHookEvent {
  readonly DeploymentId?: string;
  readonly LifecycleEventHookExecutionId?: string;
}

export interface CodeDeployControlDeps {
  readonly codedeploy: CodeDeployClient;
  /** The deployment group whose deployments the guard lists; the hook and the watcher are given ids. */
  readonly deploymentGroup?: { readonly applicationName: string; readonly deploymentGroupName: string };
  readonly log: (entry: Record<string, unknown>) => void;
  /** Time the hook keeps back from the Lambda's remaining time for its report. @default 10_000 */
  readonly reportReserveMs?: number;
  /** Waits between retries of a throttled report. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Kept back from the Lambda's remaining time while retrying the report, so the hook still ends itself; at
 * most half of the time set aside for the report.
 */
const REPORT_MARGIN_MS = 500;

export class CodeDeployControl implements DeploymentControl<CodeDeployHookOutcome> {
  readonly name = 'codedeploy';
  readonly activeStatuses = ACTIVE_STATUSES;
  readonly reportReserveMs: number;

  constructor(private readonly deps: CodeDeployControlDeps) {
    this.reportReserveMs = deps.reportReserveMs ?? 10_000;
  }

  async activeDeployments(call: AwsCall): Promise<readonly ActiveDeployment[]> {
    const group = this.deps.deploymentGroup;
    if (group === undefined) throw new Error('the CodeDeploy control was given no deployment group to list');
    const { deployments = [] } = await call('ListDeployments', (abortSignal) =>
      this.deps.codedeploy.send(
        new ListDeploymentsCommand({ ...group, includeOnlyStatuses: [...ACTIVE_STATUSES] }),
        { abortSignal },
      ),
    );
    return deployments.map((id) => ({
      id,
      view: async () =>
        viewOf(id, await call(`GetDeployment ${id}`, (abortSignal) => this.info(id, abortSignal))),
    }));
  }

  async deploymentToWatch(event: unknown): Promise<WatchTarget> {
    const id = (event as { detail?: { deploymentId?: unknown } } | null | undefined)?.detail?.deploymentId;
    if (typeof id !== 'string' || id === '') return { none: 'the event names no deploymentId' };
    // A rollback redeploys blue; stopping it would strand the service.
    if ((await this.info(id))?.creator === 'codeDeployRollback')
      return { none: `deployment ${id} is a rollback: nothing to watch` };
    return { id };
  }

  async isInProgress(id: string): Promise<boolean> {
    const status = (await this.info(id))?.status;
    return (ACTIVE_STATUSES as readonly string[]).includes(status ?? '');
  }

  async stopWithRollback(id: string, call: AwsCall): Promise<StopResult> {
    try {
      await call(`StopDeployment ${id}`, (abortSignal) =>
        this.deps.codedeploy.send(
          new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }),
          {
            abortSignal,
          },
        ),
      );
      return { stopped: true };
    } catch (error) {
      // Another event of the same stop, the hook, the guard or an alarm got there first.
      if (isNamed(error, 'DeploymentAlreadyCompletedException'))
        return { stopped: false, reason: `deployment ${id} had already finished` };
      throw error;
    }
  }

  async expectedTaskDefinition(deploymentId: string): Promise<TaskDefinitionRef> {
    const appSpec = appSpecFromRevision((await this.info(deploymentId))?.revision);
    if (appSpec.content === undefined)
      return { unknownBecause: `deployment ${deploymentId}: ${appSpec.unreadableBecause}` };
    const arn = taskDefinitionFromAppSpec(appSpec.content);
    return arn === undefined ? { unknownBecause: 'the AppSpec names no TaskDefinition' } : { arn };
  }

  readHookEvent(
    event: unknown,
  ): HookInvocation<CodeDeployHookOutcome> | { refused: CodeDeployHookOutcome; why: string } {
    const { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId } = (event ??
      {}) as CodeDeployHookEvent;
    if (
      typeof deploymentId !== 'string' ||
      !deploymentId ||
      typeof executionId !== 'string' ||
      !executionId
    ) {
      // Without both ids there is nothing to report to; say so loudly instead of guessing.
      return {
        refused: { status: 'Failed', reason: 'malformed event' },
        why: 'event lacks DeploymentId or LifecycleEventHookExecutionId',
      };
    }
    return {
      green: deploymentId,
      probe: {},
      answer: (verdict, time) => this.report(deploymentId, executionId, outcomeOf(verdict), time),
    };
  }

  private async info(deploymentId: string, abortSignal?: AbortSignal): Promise<DeploymentInfo | undefined> {
    const options = abortSignal === undefined ? {} : { abortSignal };
    return (await this.deps.codedeploy.send(new GetDeploymentCommand({ deploymentId }), options))
      .deploymentInfo;
  }

  /** Tells CodeDeploy the verdict, retrying while it throttles; says why when that was not possible. */
  private async report(
    deploymentId: string,
    executionId: string,
    outcome: CodeDeployHookOutcome,
    time: InvocationTime,
  ): Promise<CodeDeployHookOutcome> {
    this.deps.log({
      level: outcome.status === 'Succeeded' ? 'info' : 'warn',
      msg: 'reporting',
      deploymentId,
      ...outcome,
    });
    try {
      await callWithinBudget(
        'PutLifecycleEventHookExecutionStatus',
        (abortSignal) =>
          this.deps.codedeploy.send(
            new PutLifecycleEventHookExecutionStatusCommand({
              deploymentId,
              lifecycleEventHookExecutionId: executionId,
              status: outcome.status,
            }),
            { abortSignal },
          ),
        {
          remainingMs: () => time.getRemainingTimeInMillis(),
          reserveMs: Math.min(REPORT_MARGIN_MS, this.reportReserveMs / 2),
          ...(this.deps.sleep && { sleep: this.deps.sleep }),
        },
      );
      return outcome;
    } catch (error) {
      // A repeated invocation of a hook that already answered: CodeDeploy has a verdict, nothing is lost.
      const already = isNamed(error, 'LifecycleEventAlreadyCompletedException');
      const why = already ? `already reported: ${describe(error)}` : describe(error);
      this.deps.log({
        level: already ? 'info' : 'error',
        msg: 'the verdict was not reported',
        deploymentId,
        why,
      });
      return { ...outcome, notReported: why };
    }
  }
}

/** The hook's verdict as CodeDeploy's lifecycle event status. */
function outcomeOf(verdict: HookVerdict): CodeDeployHookOutcome {
  if (verdict.kind === 'error') return { status: 'Failed', reason: verdict.reason };
  const { result, expectedVersion, note } = verdict;
  return {
    status: result.ok ? 'Succeeded' : 'Failed',
    reason: `${result.reason}${note}`,
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  };
}

/** What the guard's decision needs of a CodeDeploy deployment. */
function viewOf(id: string, info: DeploymentInfo | undefined): DeploymentView {
  const appSpec = appSpecFromRevision(info?.revision);
  return {
    id,
    creator: info?.creator,
    status: info?.status,
    rollbackDeploymentId: info?.rollbackInfo?.rollbackDeploymentId,
    taskDefinition:
      appSpec.content === undefined
        ? { unreadableBecause: appSpec.unreadableBecause }
        : { arn: taskDefinitionFromAppSpec(appSpec.content) ?? '' },
  };
}
