/**
 * Finding a release the gate holds before production traffic, under either controller, and the target's
 * name as a person reads it. CodeDeploy: a deployment with status Ready (CodeDeploy API Reference,
 * "DeploymentInfo"). Native ECS: a service deployment in progress whose PAUSE hook is AWAITING_ACTION, with
 * the hook id ContinueServiceDeployment needs (ECS Developer Guide, "Pause hooks for Amazon ECS service
 * deployments").
 */
import { DescribeServiceDeploymentsCommand } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../clients';
import { listDeploymentIds } from '../find-deployment';
import { listServiceDeployments } from '../native-deployment';
import type { ReleaseTargetRef } from '../resolve-controller';
import { HELD_STATUS } from '../watch-deployment';
import { AWAITING_ACTION, PAUSE } from '../watch-native';

/** A held release and what ending its hold needs. */
export type HeldRelease =
  | { readonly controller: 'codedeploy'; readonly deploymentId: string }
  | {
      readonly controller: 'ecs';
      readonly deploymentArn: string;
      readonly hookId: string;
      readonly expiresAt?: Date;
      readonly timeoutAction?: string;
    };

/** The target as a person names it: application/group or cluster/service. */
export function describeTarget(target: ReleaseTargetRef): string {
  return target.controller === 'codedeploy'
    ? `${target.group.application}/${target.group.deploymentGroup}`
    : `${target.service.cluster}/${target.service.service}`;
}

/** The release the gate holds on the target, or undefined when none is held. */
export async function findHeldRelease(
  aws: AwsClients,
  target: ReleaseTargetRef,
): Promise<HeldRelease | undefined> {
  if (target.controller === 'codedeploy') {
    const [deploymentId] = await listDeploymentIds(aws.codeDeploy(), target.group, {
      statuses: [HELD_STATUS],
    });
    return deploymentId === undefined ? undefined : { controller: 'codedeploy', deploymentId };
  }
  const running = await listServiceDeployments(aws.ecs(), target.service, { statuses: ['IN_PROGRESS'] });
  const arns = running.flatMap((b) => (b.serviceDeploymentArn ? [b.serviceDeploymentArn] : []));
  if (arns.length === 0) return undefined;
  const { serviceDeployments = [] } = await aws
    .ecs()
    .send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: arns }));
  for (const d of serviceDeployments) {
    const pause = d.lifecycleHookDetails?.find(
      (h) => h.targetType === PAUSE && h.status === AWAITING_ACTION && h.hookId,
    );
    if (d.serviceDeploymentArn && pause?.hookId)
      return {
        controller: 'ecs',
        deploymentArn: d.serviceDeploymentArn,
        hookId: pause.hookId,
        ...(pause.expiresAt && { expiresAt: pause.expiresAt }),
        ...(pause.timeoutAction && { timeoutAction: pause.timeoutAction }),
      };
  }
  return undefined;
}
