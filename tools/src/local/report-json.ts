import type { RehearsalResult } from './rehearsal';
import { verdictOf } from './verdict';

/** The machine-readable result (`--json`, `report.json`). */
export function toJson(result: RehearsalResult): object {
  const v = verdictOf(result);
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
    timeScale: result.timeScale,
    times: {
      measuredMs: {
        detection: v.detectionMs ?? null,
        rollback: v.rollbackMs ?? null,
        deployment: v.deploymentMs,
      },
    },
    modelledAws: result.modelledAws ?? null,
    greenRunningAtMs: result.greenRunningAtMs ?? null,
    greenStartupMs: result.greenStartupMs ?? null,
    guard: result.guard,
    stoppedIn: result.deployment.stoppedIn ?? null,
    productionShifted: result.deployment.productionShifted,
    load: result.load,
    hook: result.hook ?? null,
    alarms: result.alarms,
    taskStops: result.taskStops,
    targetGroups: result.targetGroups,
    timings: result.timings,
    notes: result.notes,
    timeline: result.timeline,
    traffic: result.traffic,
    series: result.series,
  };
}
