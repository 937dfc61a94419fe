import type { ActiveFaults } from '../../../contract/faults/catalogue';
import { formatFaults } from '../../../contract/faults/parse-faults';
import { modelledAwsTime } from '../../src/local/aws-model';
import { expectedRelease, type ReleaseOutcome } from '../../../core/model/rollback-time';
import type { DeploymentOutcome } from '../../src/local/codedeploy-lifecycle';
import { localTimings } from '../../src/local/local-timings';
import type { RehearsalOptions, RehearsalResult } from '../../src/local/rehearsal';
import { detectedAwsSecondsOf, matchesModel } from '../../src/local/rehearsal-result';

const TRIGGERS: Partial<Record<string, DeploymentOutcome['trigger']>> = {
  'stopped-task guard': 'guard',
  'target-health watcher': 'watcher',
};

const group = { requests: 0, target5xx: 0, elb5xx: 0, responseTimeSumMs: 0, responses: 0 };

/**
 * A rehearsal result as `runRehearsal` would return it for `faults`, ending with `outcome` (the
 * catalogue's own expectation unless given), decided by `deployment` (every step passing by default).
 */
export function resultFor(
  faults: ActiveFaults,
  overrides: { outcome?: ReleaseOutcome; deployment?: Partial<DeploymentOutcome>; failed?: number } = {},
): RehearsalResult {
  const expected = expectedRelease(faults);
  const outcome = overrides.outcome ?? expected.outcome;
  const rolledBack = outcome === 'rolled-back';
  const modelledAws = modelledAwsTime(faults);
  // Decided, by default, by the signal the model names (the unhealthy-hosts alarm when it names none).
  const signal = modelledAws?.decidedBy ?? 'unhealthy-hosts alarm';
  const deployment: DeploymentOutcome = {
    outcome,
    reason: rolledBack ? `${signal} stopped the deployment` : 'every step passed',
    ...(rolledBack && {
      trigger: TRIGGERS[signal] ?? ('alarm' as const),
      signal,
      detectedAtMs: 5_400,
      rolledBackAtMs: 6_000,
    }),
    startedAtMs: 2_000,
    finishedAtMs: rolledBack ? 6_000 : 30_000,
    productionShifted: !rolledBack,
    ...overrides.deployment,
  };
  const failed = overrides.failed ?? 0;
  const decidedBy = deployment.signal;
  return {
    faults: formatFaults(faults),
    config: 'CodeDeployDefault.ECSCanary10Percent5Minutes',
    timeScale: 20,
    timings: localTimings(20),
    outcome,
    expected,
    matched: matchesModel(outcome, decidedBy, expected, modelledAws),
    reason: deployment.reason,
    ...(decidedBy && { decidedBy }),
    deployment,
    greenRunningAtMs: 2_400,
    greenStartupMs: 300,
    ...(rolledBack && { detectedAwsSeconds: detectedAwsSecondsOf(5_400 - 2_400, 20, []) }),
    realTime: [],
    timeline: [{ atMs: 0, kind: 'note', message: 'fixture' }],
    load: {
      requests: 200,
      failed,
      byVersion: { blue: 200 - failed },
      byStatus: { '200': 200 - failed },
      errors: { connection: failed, timeout: 0 },
      latency: { p50Ms: 1, p90Ms: 2, p99Ms: 3, maxMs: 4 },
      failedByVersion: {},
    },
    series: [{ second: 0, requests: { blue: 20 }, failed: {} }],
    traffic: [{ atMs: 0, green: 0 }],
    targetGroups: { blue: { ...group }, green: { ...group } },
    taskStops: [],
    guard: [],
    alarms: [],
    notes: [],
    ...(modelledAws && { modelledAws }),
  };
}

/** A stand-in for `runRehearsal` that answers at once with {@link resultFor}, per the options' faults. */
export function fakeRehearse(
  outcomeFor: (faults: ActiveFaults) => ReleaseOutcome | undefined = () => undefined,
): (options: RehearsalOptions) => Promise<RehearsalResult> {
  return (options) => {
    const outcome = outcomeFor(options.faults);
    return Promise.resolve(resultFor(options.faults, outcome === undefined ? {} : { outcome }));
  };
}
