/**
 * Native ECS blue/green's verbs: the service's deployments in progress (ListServiceDeployments), green's
 * task definition from its service revision (DescribeServiceRevisions), StopServiceDeployment with
 * `stopType: ROLLBACK` (Amazon ECS API Reference), and the POST_TEST_TRAFFIC_SHIFT hook's answer as the
 * function's return value.
 *
 * ECS invokes a Lambda hook again after `callBackDelay` seconds when it answers IN_PROGRESS, passing back
 * the `hookDetails` it returned (ECS Developer Guide, "Lambda hooks for Amazon ECS service deployments").
 * So each invocation asks `/health` once and leaves the waiting to ECS (`core/probe/native-hook-answer.ts`).
 * Every FAILED carries a classified reason: an answer without a valid `hookStatus`, or a thrown error,
 * would roll back without saying why. A native rollback is the same deployment in a ROLLBACK_* state,
 * which the in-progress listing leaves out, so a rollback is never stopped or watched.
 */
import {
  DescribeServiceRevisionsCommand,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
  type ECSClient,
  type ServiceDeploymentBrief,
} from '@aws-sdk/client-ecs';
import { NATIVE_ACTIVE_STATUSES, type DeploymentView } from '../../../core/guard/guard-decision';
import {
  answerFromProbe,
  failedAnswer,
  nextAttempt,
  type HookAttempts,
  type NativeHookAnswer,
} from '../../../core/probe/native-hook-answer';
import { directCall, type AwsCall } from '../aws-calls/call-within-budget';
import { isNamed } from '../aws-calls/error-name';
import type {
  ActiveDeployment,
  DeploymentControl,
  HookInvocation,
  HookVerdict,
  StopResult,
  TaskDefinitionRef,
  WatchTarget,
} from './deployment-control';

/** What ECS sends a Lambda lifecycle hook (the parts the hook reads). */
export interface EcsHookEvent {
  readonly executionDetails?: {
    readonly serviceArn?: string;
    readonly targetServiceRevisionArn?: string;
    /** Service revision ARN to percentage of test traffic. */
    readonly testTrafficWeights?: Readonly<Record<string, number>>;
    readonly productionTrafficWeights?: Readonly<Record<string, number>>;
  };
  readonly executionId?: string;
  readonly lifecycleStage?: string;
  /** What the previous IN_PROGRESS answer of this execution returned. */
  readonly hookDetails?: Readonly<Record<string, unknown>>;
}

export interface EcsControlDeps {
  readonly ecs: ECSClient;
  /**
   * The service whose deployments the guard and the watcher list. The hook is not given it: the service
   * depends on the hook through its lifecycle hook, so the hook's settings cannot name the service.
   */
  readonly service?: { readonly clusterArn: string; readonly serviceName: string };
  readonly log: (entry: Record<string, unknown>) => void;
  readonly now: () => number;
  /** How long green may take to answer `/health` through the test listener, from the first attempt. */
  readonly healthWindowMs: number;
  /** Seconds ECS waits before asking again while green settles. */
  readonly callBackDelaySeconds: number;
}

export class EcsControl implements DeploymentControl<NativeHookAnswer> {
  readonly name = 'ecs';
  readonly activeStatuses = NATIVE_ACTIVE_STATUSES;

  constructor(private readonly deps: EcsControlDeps) {}

  async activeDeployments(call: AwsCall): Promise<readonly ActiveDeployment[]> {
    return (await this.listInProgress(call)).map((brief) => ({
      id: brief.serviceDeploymentArn ?? '(no ARN)',
      view: () => this.viewOf(brief, call),
    }));
  }

  async deploymentToWatch(): Promise<WatchTarget> {
    const [arn] = await this.inProgressArns();
    return arn === undefined ? { none: 'no service deployment in progress' } : { id: arn };
  }

  async isInProgress(id: string): Promise<boolean> {
    return (await this.inProgressArns()).includes(id);
  }

  async stopWithRollback(id: string, call: AwsCall): Promise<StopResult> {
    try {
      await call(`StopServiceDeployment ${id}`, (abortSignal) =>
        this.deps.ecs.send(
          new StopServiceDeploymentCommand({ serviceDeploymentArn: id, stopType: 'ROLLBACK' }),
          {
            abortSignal,
          },
        ),
      );
      return { stopped: true };
    } catch (error) {
      // Another event of the same stop, the hook, the guard or an alarm got there first.
      if (isNamed(error, 'ConflictException'))
        return { stopped: false, reason: `deployment ${id} is already stopping or finished` };
      throw error;
    }
  }

  expectedTaskDefinition(serviceRevisionArn: string): Promise<TaskDefinitionRef> {
    return this.taskDefinitionOf(serviceRevisionArn, directCall);
  }

  readHookEvent(raw: unknown): HookInvocation<NativeHookAnswer> | { refused: NativeHookAnswer; why: string } {
    const event = (raw ?? {}) as EcsHookEvent;
    const target = event.executionDetails?.targetServiceRevisionArn;
    if (typeof target !== 'string' || target === '') {
      const why = 'the event names no executionDetails.targetServiceRevisionArn';
      return { refused: failedAnswer('malformed-event', why), why };
    }
    const weights = event.executionDetails?.testTrafficWeights;
    const onGreen = weights?.[target];
    // The stage runs after the test shift; a weight below 100 means the probe would partly judge blue.
    if (weights !== undefined && onGreen !== 100) {
      const why = `test traffic to ${target} is ${onGreen ?? 0} %, not 100 %: the probe would not judge green alone`;
      return { refused: failedAnswer('test-traffic-not-on-green', why), why };
    }
    const attempt = nextAttempt(event.hookDetails, this.deps.now());
    return {
      green: target,
      // One /health attempt per invocation: waiting is ECS's job, between invocations.
      probe: { healthRetryWindowMs: 0 },
      answer: (verdict) => Promise.resolve(this.answer(event, attempt, verdict)),
    };
  }

  private answer(event: EcsHookEvent, attempt: HookAttempts, verdict: HookVerdict): NativeHookAnswer {
    const answer =
      verdict.kind === 'error'
        ? failedAnswer('hook-error', verdict.reason)
        : answerFromProbe({
            result: verdict.result,
            attempt,
            now: this.deps.now(),
            healthWindowMs: this.deps.healthWindowMs,
            callBackDelaySeconds: this.deps.callBackDelaySeconds,
            note: verdict.note,
          });
    this.deps.log({
      level: answer.hookStatus === 'FAILED' ? 'warn' : 'info',
      msg: 'answering',
      executionId: event.executionId,
      lifecycleStage: event.lifecycleStage,
      attempts: attempt.attempts,
      ...answer,
    });
    return answer;
  }

  private async listInProgress(call: AwsCall): Promise<ServiceDeploymentBrief[]> {
    const service = this.deps.service;
    if (service === undefined) throw new Error('the ECS control was given no service to list');
    const { serviceDeployments = [] } = await call('ListServiceDeployments', (abortSignal) =>
      this.deps.ecs.send(
        new ListServiceDeploymentsCommand({
          cluster: service.clusterArn,
          service: service.serviceName,
          status: [...NATIVE_ACTIVE_STATUSES],
        }),
        { abortSignal },
      ),
    );
    return serviceDeployments;
  }

  private async inProgressArns(): Promise<string[]> {
    return (await this.listInProgress(directCall)).flatMap((d) =>
      d.serviceDeploymentArn ? [d.serviceDeploymentArn] : [],
    );
  }

  private async taskDefinitionOf(revision: string, call: AwsCall): Promise<TaskDefinitionRef> {
    const { serviceRevisions = [], failures = [] } = await call(
      `DescribeServiceRevisions ${revision}`,
      (abortSignal) =>
        this.deps.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [revision] }), {
          abortSignal,
        }),
    );
    const arn = serviceRevisions[0]?.taskDefinition;
    return arn === undefined
      ? { unknownBecause: `service revision ${revision}: ${failures[0]?.reason ?? 'not found'}` }
      : { arn };
  }

  /** What the guard's decision needs of an ECS service deployment. */
  private async viewOf(deployment: ServiceDeploymentBrief, call: AwsCall): Promise<DeploymentView> {
    const id = deployment.serviceDeploymentArn ?? '(no ARN)';
    const revision = deployment.targetServiceRevisionArn;
    const taskDefinition =
      revision === undefined
        ? { unknownBecause: 'it names no target service revision' }
        : await this.taskDefinitionOf(revision, call);
    return {
      id,
      status: deployment.status,
      taskDefinition:
        taskDefinition.arn === undefined
          ? { unreadableBecause: taskDefinition.unknownBecause }
          : taskDefinition,
    };
  }
}
