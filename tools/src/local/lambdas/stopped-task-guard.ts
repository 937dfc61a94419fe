import {
  judgeDeployment,
  nothingToStop,
  type DeploymentView,
  type GuardOutcome,
  type TaskStoppedDetail,
} from '../../../../core/guard/guard-decision';
import type { Clock } from '../clock';
import type { TaskStopping } from '../ecs/task-set';

/** What the local stopped-task guard needs: the model's delays, the deployment it can see, and how to stop it. */
export interface LocalGuardOptions {
  readonly clock: Clock;
  /** An ECS task state change reaches the guard function this long after ECS sends it. */
  readonly eventDeliveryMs: number;
  /** The function stops the deployment this long after the event reaches it. */
  readonly reactionMs: number;
  /** The local deployments in progress, as the controller's API would describe them to the guard. */
  readonly deployments: () => readonly DeploymentView[];
  /** The controller's states in which a rollback is still possible. @default ACTIVE_STATUSES (CodeDeploy's) */
  readonly activeStatuses?: readonly string[];
  /** Stops the deployment with rollback (CodeDeploy's StopDeployment with autoRollbackEnabled). */
  readonly stopDeployment: (deploymentId: string, task: TaskStoppedDetail) => void;
  /** Every decision, for the rehearsal record. */
  readonly onDecision?: (outcome: GuardOutcome, task: TaskStoppedDetail) => void;
}

/** The task definition ARN of a local task set, in the form ECS writes it. */
export const localTaskDefinitionArn = (family: string, revision: string): string =>
  `arn:aws:ecs:local:000000000000:task-definition/${family}:${revision}`;

/**
 * The stopped-task guard of the local stand-in: the EventBridge rule's match (the first event of an
 * abnormal stop, desiredStatus STOPPED), the delivery and reaction delays the rehearsal model assumes, and
 * the guard Lambda's own decision (`judgeDeployment`, `nothingToStop`), fed the event shape ECS sends.
 */
export class LocalStoppedTaskGuard {
  private readonly pending = new Set<unknown>();

  constructor(private readonly options: LocalGuardOptions) {}

  /** A stop began: when it is abnormal, the guard sees it after the delivery delay and acts after its reaction. */
  taskStopping(stopping: TaskStopping, taskDefinitionArn: string): void {
    if (!stopping.abnormal) return;
    const detail: TaskStoppedDetail = {
      taskArn: `arn:aws:ecs:local:000000000000:task/rehearsal/${stopping.taskId}`,
      taskDefinitionArn,
      lastStatus: 'RUNNING',
      desiredStatus: 'STOPPED',
      stopCode: stopping.stopCode,
      stoppedReason: stopping.reason,
    };
    const { clock, eventDeliveryMs, reactionMs } = this.options;
    const handle = clock.setTimeout(() => {
      this.pending.delete(handle);
      this.decide(detail);
    }, eventDeliveryMs + reactionMs);
    this.pending.add(handle);
  }

  /** Drops events still in flight: the rehearsal is over. */
  close(): void {
    for (const handle of this.pending) this.options.clock.clearTimeout(handle);
    this.pending.clear();
  }

  private decide(detail: TaskStoppedDetail): void {
    const stopped = detail.taskDefinitionArn ?? '';
    const unreadable: string[] = [];
    for (const deployment of this.options.deployments()) {
      const verdict = judgeDeployment(stopped, deployment, this.options.activeStatuses);
      if (verdict.kind === 'not-this-one') {
        if (verdict.unreadableBecause !== undefined) unreadable.push(verdict.unreadableBecause);
        continue;
      }
      if (verdict.kind === 'ignore') {
        this.options.onDecision?.({ action: 'ignored', reason: verdict.reason }, detail);
        return;
      }
      this.options.stopDeployment(verdict.deploymentId, detail);
      this.options.onDecision?.({ action: 'stopped', deploymentId: verdict.deploymentId }, detail);
      return;
    }
    this.options.onDecision?.({ action: 'ignored', reason: nothingToStop(stopped, unreadable) }, detail);
  }
}
