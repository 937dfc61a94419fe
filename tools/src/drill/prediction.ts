import { parseFaults } from '../../../contract/faults/parse-faults';
import {
  expectedRelease,
  FAULT_NAMES,
  type ExpectedRelease,
  type FaultName,
} from '../../../contract/faults/catalogue';
import {
  predictRollbackTimes,
  timingInputsFromSettings,
  type RollbackPrediction,
} from '../model/rollback-time';

/** The drill's hypothesis: what the release should do, and how fast the pipeline should notice. */
export interface Hypothesis {
  readonly faults: string;
  readonly expected: ExpectedRelease;
  /** The model's worst case for the first fault to trigger a rollback, from green tasks starting. */
  readonly prediction?: RollbackPrediction;
}

/** Builds the hypothesis for a normalized FAULTS value, with the timing model fed from the shared settings. */
export function hypothesisFor(faults: string): Hypothesis {
  const active = parseFaults(faults);
  const faultValues: Partial<Record<FaultName, string>> = {};
  for (const entry of faults.split(',')) {
    const [name, value = ''] = entry.split(/=(.*)/s) as [FaultName, string?];
    faultValues[name] = value;
  }
  const predictions = predictRollbackTimes({ ...timingInputsFromSettings(), faultValues }).filter(
    (p) => active[p.fault] !== undefined,
  );
  const triggering = predictions
    .filter((p) => p.outcome === 'rolled-back' && p.seconds !== undefined)
    .sort((a, b) => a.seconds! - b.seconds!)[0];
  const prediction =
    triggering ?? predictions.sort((a, b) => FAULT_NAMES.indexOf(a.fault) - FAULT_NAMES.indexOf(b.fault))[0];
  return { faults, expected: expectedRelease(active), ...(prediction && { prediction }) };
}
