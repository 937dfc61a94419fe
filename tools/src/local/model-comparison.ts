import type { ActiveFaults } from '../../../contract/faults/catalogue';
import type { DeploymentConfig } from '../../../contract/deployment-configs';
import { settings } from '../../../contract/settings';
import { expectedRelease } from '../../../core/model/rollback-time';
import { modelledAwsTime } from './aws-model';
import type { DeploymentOutcome } from './codedeploy-lifecycle';
import type { LocalTimings } from './local-timings';
import { realTimeSpans, type HookRun } from './real-time-spans';
import { detectedAwsSecondsOf, matchesModel, type RehearsalResult } from './rehearsal-result';

/** The fields of a result that set a local rehearsal against the rehearsal model. */
export type ModelComparison = Pick<
  RehearsalResult,
  | 'expected'
  | 'matched'
  | 'decidedBy'
  | 'greenRunningAtMs'
  | 'greenStartupMs'
  | 'detectedAwsSeconds'
  | 'realTime'
  | 'modelledAws'
>;

/**
 * Sets a deployment's outcome against the model: the expected outcome and deciding signal, whether both
 * match, and the detection in AWS seconds from green running (the model's time zero).
 */
export function compareWithModel(input: {
  readonly faults: ActiveFaults;
  readonly config: DeploymentConfig;
  readonly timings: LocalTimings;
  readonly deployment: DeploymentOutcome;
  readonly green: { readonly launchedAt?: number; readonly zero?: number };
  readonly hook: HookRun;
}): ModelComparison {
  const { deployment, green, timings } = input;
  const expected = expectedRelease(input.faults, { settings, deploymentConfig: input.config });
  const modelledAws = modelledAwsTime(input.faults, input.config);
  const decidedBy = deployment.signal;
  const realTime = realTimeSpans(timings, green, decidedBy, input.hook);
  const zero = green.zero;
  const detectedAwsSeconds =
    deployment.detectedAtMs === undefined || zero === undefined
      ? undefined
      : detectedAwsSecondsOf(deployment.detectedAtMs - zero, timings.timeScale, realTime);
  return {
    expected,
    matched: matchesModel(deployment.outcome, decidedBy, expected, modelledAws),
    ...(decidedBy && { decidedBy }),
    ...(zero !== undefined && { greenRunningAtMs: Math.round(zero) }),
    ...(zero !== undefined &&
      green.launchedAt !== undefined && { greenStartupMs: Math.round(zero - green.launchedAt) }),
    ...(detectedAwsSeconds !== undefined && { detectedAwsSeconds }),
    realTime,
    ...(modelledAws && { modelledAws }),
  };
}
