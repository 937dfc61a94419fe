import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import type { DeploymentConfig } from '../../../../contract/deployment-configs';
import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import { settings } from '../../../../contract/settings';
import {
  decidingPrediction,
  timingInputsFromSettings,
  type DecidingSignal,
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
  /** A deployment alarm already in ALARM when the deployment starts, as its signal. */
  alarmAtStart?: DecidingSignal,
): RollbackPrediction | undefined {
  const inputs = timingInputsFromSettings(settings, config, controller);
  return decidingPrediction(active, alarmAtStart === undefined ? inputs : { ...inputs, alarmAtStart });
}
