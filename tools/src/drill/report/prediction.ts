import { parseFaults } from '../../../../contract/faults/parse-faults';
import { DEFAULT_CONTROLLER, type DeploymentControllerName } from '../../../../contract/native-strategies';
import {
  defaultReleaseContext,
  expectedRelease,
  type ExpectedRelease,
  type RollbackPrediction,
} from '../../../../core/model/rollback-time';
import { modelledAwsTime } from '../../local/result/aws-model';

/** The drill's hypothesis: what the release should do, and how fast the pipeline should notice. */
export interface Hypothesis {
  readonly faults: string;
  readonly expected: ExpectedRelease;
  /** The controller the hypothesis is about: the one the stack was deployed with. */
  readonly controller: DeploymentControllerName;
  /** The rehearsal model's deciding prediction: the fault whose signal tells the controller first. */
  readonly prediction?: RollbackPrediction;
}

/**
 * Builds the hypothesis for a normalized FAULTS value, from the rehearsal model with the shared settings
 * and the controller the release runs under.
 */
export function hypothesisFor(
  faults: string,
  controller: DeploymentControllerName = DEFAULT_CONTROLLER,
): Hypothesis {
  const active = parseFaults(faults);
  // The same prediction a local rehearsal of these faults is set against.
  const prediction = modelledAwsTime(active, undefined, controller);
  return {
    faults,
    controller,
    expected: expectedRelease(active, { ...defaultReleaseContext(), controller }),
    ...(prediction && { prediction }),
  };
}
