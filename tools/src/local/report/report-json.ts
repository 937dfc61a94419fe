import { alarmHistory, productionTraffic } from '../../experiment/read-record';
import type { RehearsalResult } from '../rehearsal/rehearsal';
import { startRefusal, verdictOf } from './verdict';

/**
 * The machine-readable result (`--json`, `report.json`): the verdict's figures, then the typed record they
 * are read from (`events`), then what the record derives for a reader's convenience (alarms, traffic).
 */
export function toJson(result: RehearsalResult): object {
  const v = verdictOf(result);
  const history = alarmHistory(result.events);
  return {
    outcome: result.outcome,
    expected: result.expected,
    matched: result.matched,
    reason: result.reason,
    trigger: result.deployment.trigger ?? null,
    decidedBy: result.decidedBy ?? null,
    detectedAwsSeconds: result.detectedAwsSeconds ?? null,
    realTime: result.realTime,
    faults: result.faults,
    config: result.config,
    controller: result.controller,
    alarmAtStart: result.alarmAtStart ?? null,
    productionRuleReset: result.productionRuleReset ?? false,
    // The deploy step's lines, as it prints them: what points where, then (when there is one) what to run.
    refusal: startRefusal(result) ?? null,
    timeScale: result.timeScale,
    times: {
      measuredMs: {
        detection: v.detectionMs ?? null,
        rollback: v.rollbackMs ?? null,
        deployment: v.deploymentMs,
      },
    },
    modelledAws: result.modelledAws ?? null,
    hold: result.hold ?? null,
    handStop: result.handStop ?? null,
    outsideModel: result.outsideModel ?? null,
    greenRunningAtMs: result.greenRunningAtMs ?? null,
    greenStartupMs: result.greenStartupMs ?? null,
    stoppedIn: result.deployment.stoppedIn ?? null,
    productionShifted: result.deployment.productionShifted,
    load: result.load,
    hook: result.hook ?? null,
    alarms: result.alarms.map((a) => ({
      ...a,
      state: history.get(a.name)?.state ?? 'OK',
      firedAtMs: history.get(a.name)?.firedAtMs ?? null,
    })),
    targetGroups: result.targetGroups,
    timings: result.timings,
    events: result.events,
    traffic: productionTraffic(result.events),
    series: result.series,
  };
}
