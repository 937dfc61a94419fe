/**
 * What the gate, a hold before production traffic, adds to a release's times. The rollback model's clock
 * starts when green's tasks run; the hold comes after the test traffic, so:
 *
 * - A fault the model catches is caught as before: the hook answers before the hold can end, and the
 *   stopped-task guard, the target-health watcher and the alarms act on the deployment while it is held
 *   (assumed: AWS documents the hold, not whether a held deployment is watched differently). Nothing is
 *   added to its rollback trigger.
 * - A release that passes every check waits for a person: its verdict moves later by up to the whole wait.
 * - A release nobody answers ends with the hold: CodeDeploy stops it (production never left blue; CloudFormation
 *   Template Reference, "AWS::CodeDeploy::DeploymentGroup DeploymentReadyOption"), ECS takes the hook's
 *   time-out action (ECS Developer Guide, "Pause hooks for Amazon ECS service deployments").
 * - Under CodeDeploy the wait starts when the replacement task set is provisioned, about when green runs
 *   (CodeDeploy User Guide, "Create a deployment group for an Amazon ECS deployment"); under ECS with the
 *   POST_TEST_TRAFFIC_SHIFT stage, about when the hook starts.
 * - The pipeline runs in QUEUED mode: a push made during the hold waits behind it.
 */
import type { DeploymentControllerName } from '../../contract/native-strategies';

/** A hold before production traffic, as deployed. */
export interface GateHold {
  readonly waitSeconds: number;
  /** What ends an unanswered hold: CodeDeploy can only stop (`rollback`); ECS also goes on (`continue`). */
  readonly onTimeout: 'rollback' | 'continue';
}

/** How an unanswered hold ends. */
export type UnansweredEnd = 'stopped' | 'rolled-back' | 'goes-on';

/** What the gate adds, in seconds from green running unless said otherwise. */
export interface GateTimes {
  /** When the hold starts. */
  readonly holdStartsAt: number;
  /** When an unanswered hold ends, and how. */
  readonly expiresAt: number;
  readonly unanswered: UnansweredEnd;
  /** Added to the rollback trigger of a fault the model catches: none. */
  readonly rollbackTriggerAdds: 0;
  /** The most a successful release's verdict moves later: a person answering at the last moment. */
  readonly successAddsAtMost: number;
  /** The most a push made during the hold waits behind it (QUEUED): the rest of the hold. */
  readonly queuedPushWaitsAtMost: number;
}

/**
 * The gate's times for a controller whose hook starts at `hookStartsAt` and whose burst ends at
 * `hookEndsAt` (signal-paths.ts). A successful release moves production at the later of the hook's end
 * and the person's answer.
 */
export function gateTimes(
  controller: DeploymentControllerName,
  hold: GateHold,
  hookStartsAt: number,
  hookEndsAt: number,
): GateTimes {
  if (controller === 'codedeploy' && hold.onTimeout === 'continue')
    throw new Error(
      'CodeDeploy stops a deployment whose wait ends: onTimeout "continue" needs the ecs controller',
    );
  const holdStartsAt = controller === 'codedeploy' ? 0 : hookStartsAt;
  const expiresAt = holdStartsAt + hold.waitSeconds;
  return {
    holdStartsAt,
    expiresAt,
    unanswered:
      controller === 'codedeploy' ? 'stopped' : hold.onTimeout === 'continue' ? 'goes-on' : 'rolled-back',
    rollbackTriggerAdds: 0,
    successAddsAtMost: Math.max(0, expiresAt - hookEndsAt),
    queuedPushWaitsAtMost: hold.waitSeconds,
  };
}
