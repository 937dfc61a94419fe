/**
 * The calls a person's `continue` and `rollback` make, shared with `drill --gate` so a drill ends a hold
 * exactly as a person would. CodeDeploy: ContinueDeployment with READY_WAIT, or StopDeployment with
 * autoRollbackEnabled (CodeDeploy API Reference). Native ECS: ContinueServiceDeployment with CONTINUE or
 * ROLLBACK on the pause hook, or StopServiceDeployment with ROLLBACK for a release not held (Amazon ECS API
 * Reference, "ContinueServiceDeployment"; ECS Developer Guide, "Pause hooks for Amazon ECS service
 * deployments").
 */
import { ContinueDeploymentCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { ContinueServiceDeploymentCommand, StopServiceDeploymentCommand } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../clients';
import { deploymentIdOf } from '../format-native';
import type { ReleaseTargetRef } from '../resolve-controller';
import { describeTarget, findHeldRelease, type HeldRelease } from './held-release';

/** Ends the hold with the controller's own call; returns the line that says so. */
export async function continueHeld(aws: AwsClients, held: HeldRelease): Promise<string> {
  if (held.controller === 'codedeploy') {
    await aws
      .codeDeploy()
      .send(
        new ContinueDeploymentCommand({ deploymentId: held.deploymentId, deploymentWaitType: 'READY_WAIT' }),
      );
    return `Deployment ${held.deploymentId} goes on: production traffic moves to green now.`;
  }
  await aws.ecs().send(
    new ContinueServiceDeploymentCommand({
      serviceDeploymentArn: held.deploymentArn,
      hookId: held.hookId,
      action: 'CONTINUE',
    }),
  );
  return `Service deployment ${deploymentIdOf(held.deploymentArn)} goes on: production traffic moves to green now (${held.deploymentArn}).`;
}

/**
 * Stops deployment `id` of the target with rollback; returns the line that says so. A held native release is
 * rolled back through its pause hook, the call ECS documents for ending a pause; any other with
 * StopServiceDeployment.
 */
export async function stopWithRollback(
  aws: AwsClients,
  target: ReleaseTargetRef,
  id: string,
): Promise<string> {
  if (target.controller === 'codedeploy') {
    const answer = await aws
      .codeDeploy()
      .send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
    return `Stopped deployment ${id} of ${describeTarget(target)} with rollback (${answer.status ?? 'no status'}${answer.statusMessage ? `: ${answer.statusMessage}` : ''}).`;
  }
  const held = await findHeldRelease(aws, target);
  if (held?.controller === 'ecs' && held.deploymentArn === id) {
    await aws.ecs().send(
      new ContinueServiceDeploymentCommand({
        serviceDeploymentArn: id,
        hookId: held.hookId,
        action: 'ROLLBACK',
      }),
    );
    return `Rolled back held service deployment ${deploymentIdOf(id)} of ${describeTarget(target)} through its pause hook (${id}).`;
  }
  await aws.ecs().send(new StopServiceDeploymentCommand({ serviceDeploymentArn: id, stopType: 'ROLLBACK' }));
  return `Stopped service deployment ${deploymentIdOf(id)} of ${describeTarget(target)} with rollback (${id}).`;
}
