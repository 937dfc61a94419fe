/**
 * What the hook, the guard and the watcher need of whichever controller runs the deployment, named for
 * their jobs rather than for either API: find the deployments in progress, the task definition green
 * runs, stop a deployment with rollback, answer the hook. `codedeploy-control.ts` and `ecs-control.ts`
 * implement it; `control-from-environment.ts` picks one by the name the stack sets on the function.
 */
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import type { DeploymentView } from '../../../core/guard/guard-decision';
import type { NativeHookAnswer } from '../../../core/probe/native-hook-answer';
import type { ProbeOptions, ProbeResult } from '../../../core/probe/release-probe';
import type { AwsCall } from '../aws-calls/call-within-budget';

/** One deployment in progress; what the guard needs of it is read only when the guard gets to it. */
export interface ActiveDeployment {
  /** The deployment's id (CodeDeploy) or ARN (ECS). */
  readonly id: string;
  readonly view: () => Promise<DeploymentView>;
}

/** Whether a stop with rollback took effect, or why the deployment was already ending. */
export type StopResult = { readonly stopped: true } | { readonly stopped: false; readonly reason: string };

/** The task definition green runs, or why it cannot be read (an API error is thrown instead). */
export type TaskDefinitionRef =
  { readonly arn: string } | { readonly arn?: undefined; readonly unknownBecause: string };

/** The deployment a watcher's start event is about, or why there is nothing to watch. */
export type WatchTarget = { readonly id: string } | { readonly id?: undefined; readonly none: string };

/** The hook's judgement of green, which the controller turns into its own kind of answer. */
export type HookVerdict =
  | {
      readonly kind: 'probed';
      readonly result: ProbeResult;
      readonly expectedVersion?: string;
      /** Appended to the reason, e.g. why the version was not checked. */
      readonly note: string;
    }
  | { readonly kind: 'error'; readonly reason: string };

/** What the CodeDeploy hook returns, for the logs and the tests (CodeDeploy itself reads the report). */
export interface CodeDeployHookOutcome {
  readonly status: 'Succeeded' | 'Failed';
  readonly reason: string;
  readonly expectedVersion?: string;
  /**
   * Why CodeDeploy did not get the verdict: the report was throttled or failed past the budget. CodeDeploy
   * then fails the lifecycle event when its own hour runs out, so the logs say why.
   */
  readonly notReported?: string;
}

/** Either controller's answer to a hook invocation. */
export type HookAnswer = CodeDeployHookOutcome | NativeHookAnswer;

/** The milliseconds a Lambda invocation has left. */
export interface InvocationTime {
  readonly getRemainingTimeInMillis: () => number;
}

/** One hook invocation, read from the controller's event. */
export interface HookInvocation<A extends HookAnswer> {
  /** What {@link DeploymentControl.expectedTaskDefinition} reads: a deployment id or a service revision ARN. */
  readonly green: string;
  /** The controller's changes to the probe, e.g. one health attempt when it calls again by itself. */
  readonly probe: Partial<ProbeOptions>;
  /** Tells the controller the verdict, in its own words. */
  readonly answer: (verdict: HookVerdict, time: InvocationTime) => Promise<A>;
}

/** One controller's verbs. `A` is its answer to a hook invocation. */
export interface DeploymentControl<A extends HookAnswer = HookAnswer> {
  readonly name: DeploymentControllerName;
  /** The states in which a stop still rolls the deployment back. */
  readonly activeStatuses: readonly string[];
  /** The service's deployments in progress, as the controller lists them. */
  activeDeployments(call: AwsCall): Promise<readonly ActiveDeployment[]>;
  /** The deployment a start event is about, or why there is none to watch (a rollback, for one). */
  deploymentToWatch(event: unknown): Promise<WatchTarget>;
  /** Whether a deployment can still be stopped with rollback. */
  isInProgress(id: string): Promise<boolean>;
  /** Stops a deployment with rollback; a deployment another stop got to first is not an error. */
  stopWithRollback(id: string, call: AwsCall): Promise<StopResult>;
  /** The task definition a hook invocation's green runs (`HookInvocation.green`). */
  expectedTaskDefinition(green: string): Promise<TaskDefinitionRef>;
  /** Reads a hook event; an event it cannot answer for is refused with the answer to give. */
  readHookEvent(event: unknown): HookInvocation<A> | { readonly refused: A; readonly why: string };
}
