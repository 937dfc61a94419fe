import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import type { DeploymentConfig } from '../../../../contract/deployment-configs';
import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import { settings } from '../../../../contract/settings';
import {
  decidingPrediction,
  timingInputsFromSettings,
  type RollbackPrediction,
} from '../../../../core/model/rollback-time';

/**
 * The modelled AWS time for the faults of a release: the rehearsal model's deciding prediction (the fault
 * whose signal tells the controller first, worst case, from green tasks starting), with the deployment
 * configuration and the controller the rehearsal runs. Undefined without faults.
 */
export function modelledAwsTime(
  active: ActiveFaults,
  config?: DeploymentConfig,
  controller: DeploymentControllerName = 'codedeploy',
): RollbackPrediction | undefined {
  return decidingPrediction(active, timingInputsFromSettings(settings, config, controller));
}
