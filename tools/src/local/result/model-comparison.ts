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
import {
  detectedAwsSecondsOf,
  matchesModel,
  type RealTimeSpan,
  type RehearsalResult,
} from './rehearsal-result';
import { handStopOf, holdOf, outsideModel, type HoldSummary } from './hand-decisions';

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
  | 'hold'
  | 'handStop'
  | 'outsideModel'
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
  const hold = holdOf(events);
  const handStop = handStopOf(events);
  const outside = outsideModel(events);
  const realTime = [
    ...realTimeSpans(timings, green, decidedBy, input.hook),
    ...gateWait(events, hold, deployment.detectedAtMs),
  ];
  // A person's stop (or the gate's time-out) is no detection to set beside the model's.
  const detectedAwsSeconds =
    deployment.detectedAtMs === undefined || zero === undefined || outside !== undefined
      ? undefined
      : detectedAwsSecondsOf(deployment.detectedAtMs - zero, timings.timeScale, realTime);
  return {
    expected,
    matched:
      outside !== undefined ||
      (deployment.outcome !== undefined &&
        matchesModel(deployment.outcome, decidedBy, expected, modelledAws)),
    ...(decidedBy && { decidedBy }),
    ...(zero !== undefined && { greenRunningAtMs: Math.round(zero) }),
    ...(zero !== undefined && launchedAt !== undefined && { greenStartupMs: Math.round(zero - launchedAt) }),
    ...(detectedAwsSeconds !== undefined && { detectedAwsSeconds }),
    realTime,
    ...(modelledAws && { modelledAws }),
    ...(hold && { hold }),
    ...(handStop && { handStop }),
    ...(outside !== undefined && { outsideModel: outside }),
  };
}

/**
 * The time production traffic waited at the gate after the hook had passed, until a person's continue or a
 * time-out whose action is continue. The model has no gate, so a detection after the hold leaves it out.
 */
function gateWait(
  events: readonly RehearsalEvent[],
  hold: HoldSummary | undefined,
  detectedAtMs: number | undefined,
): RealTimeSpan[] {
  const { endedAtMs, endedBy } = hold ?? {};
  if (hold === undefined || endedAtMs === undefined || (endedBy !== 'continue' && endedBy !== 'timeout'))
    return [];
  if (detectedAtMs === undefined || detectedAtMs < endedAtMs) return [];
  const passed = eventsOf(events, 'hook').find((e) => e.ok && e.atMs >= hold.heldAtMs && e.atMs <= endedAtMs);
  if (passed === undefined) return [];
  return [
    {
      what: `the hold at the gate after the hook passed, until ${endedBy === 'continue' ? "a person's continue" : 'its time-out'} (the model has no gate: not counted)`,
      realMs: Math.round(endedAtMs - passed.atMs),
      countedAsAwsMs: 0,
      insideDetection: true,
    },
  ];
}
