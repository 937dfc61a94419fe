import { parseFaults } from '../../../contract/faults/parse-faults';
import {
  decidingPrediction,
  expectedRelease,
  type ExpectedRelease,
  type RollbackPrediction,
} from '../../../core/model/rollback-time';

/** The drill's hypothesis: what the release should do, and how fast the pipeline should notice. */
export interface Hypothesis {
  readonly faults: string;
  readonly expected: ExpectedRelease;
  /** The rehearsal model's deciding prediction: the fault whose signal tells CodeDeploy first. */
  readonly prediction?: RollbackPrediction;
}

/** Builds the hypothesis for a normalized FAULTS value, from the rehearsal model with the shared settings. */
export function hypothesisFor(faults: string): Hypothesis {
  const active = parseFaults(faults);
  const prediction = decidingPrediction(active);
  return { faults, expected: expectedRelease(active), ...(prediction && { prediction }) };
}
