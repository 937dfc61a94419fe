import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import type { DeploymentConfig } from '../../../../contract/deployment-configs';
import { formatFaults } from '../../../../contract/faults/parse-faults';
import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import type { ProbeResult } from '../../../../core/probe/release-probe';
import { eventsOf, summarizeDeployment } from '../../experiment/read-record';
import type { DecidingSignal } from '../../../../core/model/signal-paths';
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
  /** The deployment alarm (its local name) already in ALARM when the deployment started. */
  readonly alarmAtStart?: string;
  /** Production started reset to the empty target group (native ECS). */
  readonly productionRuleReset?: boolean;
}

/**
 * The rehearsal's result as a function of its record: outcome, detection and rollback times, the deciding
 * signal and the comparison with the model are all read from the typed events.
 */
export function resultFromRecord(input: RecordedRehearsal): RehearsalResult {
  const deployment = deploymentOutcome(summarizeDeployment(input.events), input.hook);
  const alarmAtStart = alarmAtStartOf(input.events, input.alarmAtStart);
  const comparison = compareWithModel({
    faults: input.faults,
    config: input.config,
    controller: input.controller,
    timings: input.timings,
    events: input.events,
    hook: input.hookRun,
    ...(alarmAtStart && { alarmAtStart: alarmAtStart.signal }),
    ...(input.productionRuleReset && { productionRuleReset: true }),
  });
  return {
    faults: formatFaults(input.faults),
    config: input.config.name,
    controller: input.controller,
    ...(alarmAtStart && { alarmAtStart: alarmAtStart.name }),
    ...(input.productionRuleReset && { productionRuleReset: true }),
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

/** The alarm seeded in ALARM before the deployment, with the signal its first event names. */
function alarmAtStartOf(
  events: readonly RehearsalEvent[],
  name: string | undefined,
): { readonly name: string; readonly signal: DecidingSignal } | undefined {
  if (name === undefined) return undefined;
  const signal = eventsOf(events, 'alarm').find((e) => e.alarm === name)?.signal;
  return signal === undefined ? undefined : { name, signal };
}
