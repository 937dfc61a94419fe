/**
 * The gate: an optional hold after green has passed its test traffic and before production traffic moves,
 * during which a person lets the release go on (`npm run rehearse -- continue`) or takes it back
 * (`npm run rehearse -- rollback`). Chosen at deploy time (`gate` in deploy-settings.json); off by default.
 *
 * - CodeDeploy: the deployment group's `DeploymentReadyOption` with `STOP_DEPLOYMENT` and a wait. The wait
 *   starts once the replacement task set is provisioned, the lifecycle hooks run during it, the deployment
 *   shows status `Ready`, `ContinueDeployment` (deploymentWaitType READY_WAIT) ends it, and at its end
 *   CodeDeploy stops the deployment (CloudFormation Template Reference, "AWS::CodeDeploy::DeploymentGroup
 *   DeploymentReadyOption"; CodeDeploy User Guide, "Create a deployment group for an Amazon ECS
 *   deployment"). It has no "go on when the time is up": only `rollback` fits it.
 * - Native ECS: a `PAUSE` lifecycle hook at POST_TEST_TRAFFIC_SHIFT with a timeout and its action;
 *   `ContinueServiceDeployment` with CONTINUE or ROLLBACK ends it (ECS Developer Guide, "Pause hooks for
 *   Amazon ECS service deployments"). Not PRE_PRODUCTION_TRAFFIC_SHIFT, which ECS runs before every step
 *   of a linear or canary shift. The Lambda test-traffic hook runs at the same stage; ECS waits for both
 *   ("Lifecycle hooks for Amazon ECS service deployments").
 */
import { Duration } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { type ReleaseGate } from '../../contract/release-gate';

export {
  GATE_LIMITS,
  GATE_SETTING_HELP,
  parseGate,
  type GateTimeoutAction,
  type ReleaseGate,
} from '../../contract/release-gate';

/** CodeDeploy's wait for `ContinueDeployment`: `EcsDeploymentGroup`'s deploymentApprovalWaitTime. */
export function codeDeployApprovalWait(gate: ReleaseGate | undefined): Duration | undefined {
  return gate === undefined ? undefined : Duration.minutes(gate.waitMinutes);
}

/**
 * Adds the pause hook after the service's other lifecycle hooks. aws-cdk-lib's `CfnService`
 * DeploymentLifecycleHook type has no TargetType or TimeoutConfiguration yet, though CloudFormation has
 * both (CloudFormation Template Reference, "AWS::ECS::Service DeploymentLifecycleHook", "AWS::ECS::Service
 * HookTimeoutConfig"), so the hook is written as a property override at the next index of the list.
 */
export function addPauseHook(service: ecs.CfnService, gate: ReleaseGate, existingHooks: number): void {
  service.addPropertyOverride(`DeploymentConfiguration.LifecycleHooks.${existingHooks}`, {
    TargetType: 'PAUSE',
    LifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
    TimeoutConfiguration: {
      TimeoutInMinutes: gate.waitMinutes,
      Action: gate.onTimeout === 'continue' ? 'CONTINUE' : 'ROLLBACK',
    },
  });
}
