/**
 * The preflight check of `drill --gate`: the deployed stack holds a release before production traffic,
 * read from what the controller itself reports, not from deploy-settings.json (the stack deployed may
 * not be the one the file describes).
 *
 * - CodeDeploy: the deployment group's `blueGreenDeploymentConfiguration.deploymentReadyOption` with
 *   `actionOnTimeout` STOP_DEPLOYMENT, whose `waitTimeInMinutes` is the wait (CodeDeploy API Reference,
 *   "DeploymentReadyOption"). GetDeploymentGroup returns the same `DeploymentGroupInfo` as
 *   BatchGetDeploymentGroups, and the preflight already calls it for the alarms.
 * - Native ECS: a `PAUSE` hook among the service's `deploymentConfiguration.lifecycleHooks` at
 *   POST_TEST_TRAFFIC_SHIFT; its `timeoutConfiguration` defaults to 1440 minutes and ROLLBACK (Amazon ECS
 *   API Reference, "DeploymentLifecycleHookTimeoutConfiguration").
 */
import { GetDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import type { GateHold } from '../../../../core/model/gate-time';
import type { AwsClients } from '../../aws/clients';
import type { DeploymentGroupRef } from '../../aws/find-deployment';
import { TEST_HOOK_STAGE } from '../../aws/native-stages';
import type { NativeServiceRef } from '../../aws/native-deployment';
import type { ReleaseTargetRef } from '../../aws/resolve-controller';
import { PAUSE } from '../../aws/watch-native';
import { describeService } from '../../aws/what-runs/what-runs';
import type { Found } from './preflight-finding';

/** ECS's defaults for a hook's time-out when the service names none. */
const ECS_DEFAULT_TIMEOUT = { minutes: 1440, action: 'ROLLBACK' } as const;

const DEPLOY_A_GATE =
  'deploy with "gate": {"waitMinutes": 30} in deploy-settings.json (docs/deploy.md), or run the drill without --gate';

async function codeDeployGate(aws: AwsClients, group: DeploymentGroupRef): Promise<Found<GateHold>> {
  const { deploymentGroupInfo } = await aws.codeDeploy().send(
    new GetDeploymentGroupCommand({
      applicationName: group.application,
      deploymentGroupName: group.deploymentGroup,
    }),
  );
  const ready = deploymentGroupInfo?.blueGreenDeploymentConfiguration?.deploymentReadyOption;
  if (ready?.actionOnTimeout !== 'STOP_DEPLOYMENT')
    return {
      ok: false,
      detail: `${group.application}/${group.deploymentGroup} holds no release before production traffic (deploymentReadyOption actionOnTimeout ${ready?.actionOnTimeout ?? 'not set'}, not STOP_DEPLOYMENT): ${DEPLOY_A_GATE}`,
    };
  const waitSeconds = (ready.waitTimeInMinutes ?? 0) * 60;
  return {
    ok: true,
    detail: `CodeDeploy holds each release ${ready.waitTimeInMinutes ?? 0} min before production traffic, then stops it`,
    value: { waitSeconds, onTimeout: 'rollback' },
  };
}

async function nativeGate(aws: AwsClients, ref: NativeServiceRef): Promise<Found<GateHold>> {
  const service = await describeService(aws.ecs(), ref);
  const pause = service.deploymentConfiguration?.lifecycleHooks?.find(
    (h) => h.targetType === PAUSE && h.lifecycleStages?.includes(TEST_HOOK_STAGE),
  );
  if (!pause)
    return {
      ok: false,
      detail: `${ref.cluster}/${ref.service} has no PAUSE lifecycle hook at ${TEST_HOOK_STAGE}: ${DEPLOY_A_GATE}`,
    };
  const minutes = pause.timeoutConfiguration?.timeoutInMinutes ?? ECS_DEFAULT_TIMEOUT.minutes;
  const action = pause.timeoutConfiguration?.action ?? ECS_DEFAULT_TIMEOUT.action;
  return {
    ok: true,
    detail: `ECS pauses each release at ${TEST_HOOK_STAGE} for ${minutes} min, then takes ${action}`,
    value: { waitSeconds: minutes * 60, onTimeout: action === 'CONTINUE' ? 'continue' : 'rollback' },
  };
}

/** The hold the deployed target makes before production traffic, or a failed check that says how to get one. */
export function gateDeployed(aws: AwsClients, release: ReleaseTargetRef): Promise<Found<GateHold>> {
  return release.controller === 'ecs' ? nativeGate(aws, release.service) : codeDeployGate(aws, release.group);
}
