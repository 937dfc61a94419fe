import { FAULT_NAMES, type ActiveFaults, type FaultName } from '../../../contract/faults/catalogue';
import { formatFaults } from '../../../contract/faults/parse-faults';
import {
  predictRollbackTimes,
  timingInputsFromSettings,
  type RollbackPrediction,
} from '../model/rollback-time';

/**
 * The modelled AWS time for the faults of a release: the worst-case prediction of
 * `tools/src/model/rollback-time.ts` (from green tasks starting to CodeDeploy being told to roll back) for
 * the first fault that rolls back, or for the first fault when none does. Undefined without faults.
 */
export function modelledAwsTime(active: ActiveFaults): RollbackPrediction | undefined {
  const names = FAULT_NAMES.filter((name) => active[name] !== undefined);
  if (names.length === 0) return undefined;
  const faultValues: Partial<Record<FaultName, string>> = {};
  for (const name of names) {
    const written = formatFaults({ [name]: active[name] });
    const eq = written.indexOf('=');
    faultValues[name] = eq === -1 ? '' : written.slice(eq + 1);
  }
  const predictions = predictRollbackTimes({ ...timingInputsFromSettings(), faultValues }).filter((p) =>
    names.includes(p.fault),
  );
  return predictions.find((p) => p.outcome === 'rolled-back') ?? predictions[0];
}
