import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import type { DeploymentConfig } from '../../../../contract/deployment-configs';
import { formatFaults } from '../../../../contract/faults/parse-faults';
import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import type { ProbeResult } from '../../../../core/probe/release-probe';
import { summarizeDeployment } from '../../experiment/read-record';
import type { RehearsalEvent } from '../../experiment/rehearsal-event';
import { deploymentOutcome } from '../controllers/lifecycle-parts';
import type { LocalTimings } from '../time-scale/local-timings';
import { compareWithModel } from './model-comparison';
import type { HookRun } from './real-time-spans';
import type { RehearsalResult } from './rehearsal-result';

/** What a finished rehearsal hands over: its record, and the measurements that are not events. */
export interface RecordedRehearsal extends Pick<
  RehearsalResult,
  'load' | 'series' | 'targetGroups' | 'alarms'
> {
  readonly faults: ActiveFaults;
  readonly config: DeploymentConfig;
  /** Who ran the local deployment: the CodeDeploy stand-in or the native ECS one. */
  readonly controller: DeploymentControllerName;
  readonly timings: LocalTimings;
  readonly events: readonly RehearsalEvent[];
  /** The hook's full answer, with each check. */
  readonly hook?: ProbeResult;
  /** The hook's probe as it ran, for what of it ran in real time. */
  readonly hookRun: HookRun;
}

/**
 * The rehearsal's result as a function of its record: outcome, detection and rollback times, the deciding
 * signal and the comparison with the model are all read from the typed events.
 */
export function resultFromRecord(input: RecordedRehearsal): RehearsalResult {
  const deployment = deploymentOutcome(summarizeDeployment(input.events), input.hook);
  const comparison = compareWithModel({
    faults: input.faults,
    config: input.config,
    controller: input.controller,
    timings: input.timings,
    events: input.events,
    hook: input.hookRun,
  });
  return {
    faults: formatFaults(input.faults),
    config: input.config.name,
    controller: input.controller,
    timeScale: input.timings.timeScale,
    timings: input.timings,
    outcome: deployment.outcome,
    ...comparison,
    reason: deployment.reason,
    deployment,
    events: input.events,
    load: input.load,
    series: input.series,
    targetGroups: input.targetGroups,
    alarms: input.alarms,
    ...(input.hook && { hook: input.hook }),
  };
}
