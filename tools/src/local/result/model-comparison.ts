import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import type { DeploymentConfig } from '../../../../contract/deployment-configs';
import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import { settings } from '../../../../contract/settings';
import { expectedRelease, type DecidingSignal } from '../../../../core/model/rollback-time';
import { modelledAwsTime } from './aws-model';
import { eventsOf, greenRunningAtMs, summarizeDeployment } from '../../experiment/read-record';
import type { RehearsalEvent } from '../../experiment/rehearsal-event';
import type { LocalTimings } from '../time-scale/local-timings';
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
 * Sets a rehearsal's record against the model: the expected outcome and deciding signal, whether both
 * match, and the detection in AWS seconds from green running (the model's time zero).
 */
export function compareWithModel(input: {
  readonly faults: ActiveFaults;
  readonly config: DeploymentConfig;
  readonly controller: DeploymentControllerName;
  readonly timings: LocalTimings;
  readonly events: readonly RehearsalEvent[];
  readonly hook: HookRun;
  /** A deployment alarm already in ALARM when the deployment started, as its signal. */
  readonly alarmAtStart?: DecidingSignal;
  /** Production started reset to the empty target group: the model expects the start check to refuse. */
  readonly productionRuleReset?: boolean;
}): ModelComparison {
  const { events, timings } = input;
  const deployment = summarizeDeployment(events);
  const { controller, alarmAtStart } = input;
  const expected = expectedRelease(input.faults, {
    settings,
    deploymentConfig: input.config,
    controller,
    ...(alarmAtStart && { alarmAtStart }),
    ...(input.productionRuleReset && { productionRuleReset: true }),
  });
  // A refused release never runs green: no fault's worst case applies.
  const modelledAws =
    expected.outcome === 'refused'
      ? undefined
      : modelledAwsTime(input.faults, input.config, controller, alarmAtStart);
  const decidedBy = deployment.signal;
  const zero = greenRunningAtMs(events);
  const launchedAt = eventsOf(events, 'task-started').find((e) => e.group === 'green')?.atMs;
  const green = {
    ...(launchedAt !== undefined && { launchedAt }),
    ...(zero !== undefined && { zero }),
  };
  const realTime = realTimeSpans(timings, green, decidedBy, input.hook);
  const detectedAwsSeconds =
    deployment.detectedAtMs === undefined || zero === undefined
      ? undefined
      : detectedAwsSecondsOf(deployment.detectedAtMs - zero, timings.timeScale, realTime);
  return {
    expected,
    matched:
      deployment.outcome !== undefined && matchesModel(deployment.outcome, decidedBy, expected, modelledAws),
    ...(decidedBy && { decidedBy }),
    ...(zero !== undefined && { greenRunningAtMs: Math.round(zero) }),
    ...(zero !== undefined && launchedAt !== undefined && { greenStartupMs: Math.round(zero - launchedAt) }),
    ...(detectedAwsSeconds !== undefined && { detectedAwsSeconds }),
    realTime,
    ...(modelledAws && { modelledAws }),
  };
}
