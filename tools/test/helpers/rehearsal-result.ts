import type { ActiveFaults } from '../../../contract/faults/catalogue';
import { deploymentConfig } from '../../../contract/deployment-configs';
import { formatFaults } from '../../../contract/faults/parse-faults';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import type { DecidingSignal } from '../../../core/model/signal-paths';
import {
  defaultReleaseContext,
  expectedRelease,
  type ExpectedOutcome,
  type ReleaseOutcome,
} from '../../../core/model/rollback-time';
import type { EventInput, RehearsalEvent, StopTrigger } from '../../src/experiment/rehearsal-event';
import { modelledAwsTime } from '../../src/local/result/aws-model';
import { localTimings } from '../../src/local/time-scale/local-timings';
import type { RehearsalOptions, RehearsalResult } from '../../src/local/rehearsal/rehearsal';
import { resultFromRecord } from '../../src/local/result/result-from-record';

const group = { requests: 0, target5xx: 0, elb5xx: 0, responseTimeSumMs: 0, responses: 0 };

/** The moments the fixture's record holds, in rehearsal milliseconds. */
export const FIXTURE_MS = {
  deploymentStart: 2_000,
  greenLaunch: 2_100,
  greenRunning: 2_400,
  stop: 5_400,
  rolledBack: 6_000,
  succeeded: 30_000,
};

const at = (atMs: number, event: EventInput): RehearsalEvent => ({ ...event, atMs });

const TRIGGERS: Partial<Record<DecidingSignal, StopTrigger>> = {
  'stopped-task guard': 'guard',
  'target-health watcher': 'watcher',
  'test-traffic hook': 'hook',
};
const TRIGGER_OF = (signal: DecidingSignal): StopTrigger => TRIGGERS[signal] ?? 'alarm';

/** The start check's refusal the fixture records, as `core/weights` words it. */
export const FIXTURE_REFUSAL = {
  detail:
    'production sends 100% to green, which has no healthy target (production rule: blue 0% (2 healthy), green 100% (0 healthy); test rule: blue 100% (2 healthy), green 0% (0 healthy)); a stack update that rewrote the rule (aws-cdk#36649) can do this. Send production back to blue, then deploy',
  fix: "aws elbv2 modify-rule --rule-arn arn:local:rule/production --actions 'Type=forward,ForwardConfig={TargetGroups=[{TargetGroupArn=arn:local:tg/blue,Weight=100},{TargetGroupArn=arn:local:tg/green,Weight=0}]}'",
};

/**
 * A record of a rehearsal that ends with `outcome`, stopped (when it rolls back) by `signal`; a refused one
 * starts with production reset to the empty green and ends at the start check.
 */
export function recordFor(
  faults: ActiveFaults,
  outcome: ExpectedOutcome,
  stop: { trigger: StopTrigger; signal?: DecidingSignal },
): RehearsalEvent[] {
  const t = FIXTURE_MS;
  if (outcome === 'refused')
    return [
      at(0, { type: 'started', faults: formatFaults(faults), config: 'fixture', timeScale: 20 }),
      at(1_000, { type: 'traffic', listener: 'production', greenPercent: 100 }),
      at(t.deploymentStart, { type: 'start-check', ok: false, ...FIXTURE_REFUSAL }),
      at(t.deploymentStart, { type: 'outcome', outcome }),
    ];
  const events = [
    at(0, { type: 'started', faults: formatFaults(faults), config: 'fixture', timeScale: 20 }),
    at(1_000, { type: 'traffic', listener: 'production', greenPercent: 0 }),
    at(t.deploymentStart, { type: 'lifecycle', step: 'Install', status: 'started' }),
    at(t.greenLaunch, { type: 'task-started', group: 'green', taskId: 'green-1', port: 4001 }),
    at(t.greenRunning, { type: 'green-running', basis: 'listening' }),
  ];
  if (outcome === 'rolled-back')
    return [
      ...events,
      at(t.stop, { type: 'stop', ...stop, detail: `${stop.signal ?? stop.trigger} stopped the deployment` }),
      at(t.stop, { type: 'traffic', listener: 'production', greenPercent: 0 }),
      at(t.rolledBack, { type: 'rollback', status: 'done' }),
      at(t.rolledBack, { type: 'outcome', outcome }),
    ];
  return [
    ...events,
    at(10_000, { type: 'lifecycle', step: 'AllowTraffic', status: 'started' }),
    at(10_000, { type: 'traffic', listener: 'production', greenPercent: 10 }),
    at(20_000, { type: 'traffic', listener: 'production', greenPercent: 100 }),
    at(t.succeeded, { type: 'outcome', outcome }),
  ];
}

/**
 * A rehearsal result as `runRehearsal` would return it for `faults`: a typed record ending with `outcome`
 * (the catalogue's own expectation unless given), stopped by the model's signal unless `stop` says
 * otherwise, and read the way the rehearsal reads its own.
 */
export function resultFor(
  faults: ActiveFaults,
  overrides: {
    outcome?: ExpectedOutcome;
    stop?: { trigger: StopTrigger; signal?: DecidingSignal };
    failed?: number;
    /** @default 'codedeploy' */
    controller?: DeploymentControllerName;
    /** Production reset to the empty target group (native ECS): the model expects a refusal. */
    productionRuleReset?: boolean;
  } = {},
): RehearsalResult {
  const controller = overrides.controller ?? 'codedeploy';
  const reset = overrides.productionRuleReset === true && { productionRuleReset: true };
  const outcome =
    overrides.outcome ??
    expectedRelease(faults, { ...defaultReleaseContext(), controller, ...reset }).outcome;
  // Decided, by default, by the signal the model names (the unhealthy-hosts alarm when it names none).
  const signal = modelledAwsTime(faults, undefined, controller)?.decidedBy ?? 'unhealthy-hosts alarm';
  const stop = overrides.stop ?? { trigger: TRIGGER_OF(signal), signal };
  const failed = overrides.failed ?? 0;
  return resultFromRecord({
    faults,
    config: deploymentConfig('CodeDeployDefault.ECSCanary10Percent5Minutes')!,
    controller,
    ...reset,
    timings: localTimings(20),
    events: recordFor(faults, outcome, stop),
    hookRun: { requestsMs: [] },
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
    targetGroups: { blue: { ...group }, green: { ...group } },
    alarms: [],
  });
}

/** A stand-in for `runRehearsal` that answers at once with {@link resultFor}, per the options' faults. */
export function fakeRehearse(
  outcomeFor: (faults: ActiveFaults) => ReleaseOutcome | undefined = () => undefined,
): (options: RehearsalOptions) => Promise<RehearsalResult> {
  return (options) => {
    const outcome = outcomeFor(options.faults);
    const controller = options.controller ?? 'codedeploy';
    return Promise.resolve(
      resultFor(options.faults, { controller, ...(outcome !== undefined && { outcome }) }),
    );
  };
}
