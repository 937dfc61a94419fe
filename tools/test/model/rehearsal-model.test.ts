import { deploymentConfig } from '../../../contract/deployment-configs';
import { FAULT_NAMES } from '../../../contract/faults/catalogue';
import { formatFaultValue, parseFaults } from '../../../contract/faults/parse-faults';
import { settings } from '../../../contract/settings';
import { hypothesisFor } from '../../src/drill/report/prediction';
import { modelledAwsTime } from '../../src/local/result/aws-model';
import { signalPaths } from '../../../core/model/signal-paths';
import {
  decidingPrediction,
  DEFAULT_ASSUMPTIONS,
  expectedRelease,
  predictFault,
  predictRollbackTimes,
  timingInputsFromSettings,
} from '../../../core/model/rollback-time';

const inputs = timingInputsFromSettings();
const hc = settings.targetHealthCheck;
/** The ALB's unhealthy window with the settings: a target failing from its start is marked unhealthy after it. */
const window = hc.intervalSeconds * (hc.unhealthyThresholdCount - 1);
const predict = (entry: string) => decidingPrediction(parseFaults(entry))!;
/** From an alarm's condition beginning to CodeDeploy noticing: the datapoint closes, is published, is polled. */
const alarmDelay =
  settings.alarms.periodSeconds * settings.alarms.datapointsToAlarm +
  DEFAULT_ASSUMPTIONS.metricPublishDelaySeconds +
  DEFAULT_ASSUMPTIONS.codeDeployAlarmPollSeconds;

describe('expected release', () => {
  it('expects a rollback for every fault at its default value, and success with no fault', () => {
    for (const name of FAULT_NAMES) {
      expect(expectedRelease(parseFaults(name)).outcome).toBe('rolled-back');
    }
    expect(expectedRelease({}).outcome).toBe('succeeded');
  });

  it('expects success for values the deployment tolerates', () => {
    expect(expectedRelease(parseFaults('slow-start=1')).outcome).toBe('succeeded');
    expect(expectedRelease(parseFaults('crash-after=3600')).outcome).toBe('succeeded');
    expect(expectedRelease(parseFaults('latency=100')).outcome).toBe('succeeded');
    expect(expectedRelease(parseFaults('error-rate=0')).outcome).toBe('succeeded');
  });

  it('counts the traffic shift as part of the deployment a crash can still roll back', () => {
    const crash = parseFaults('crash-after=400');
    const canary = deploymentConfig('Canary10Percent5Minutes')!;
    const allAtOnce = deploymentConfig('AllAtOnce')!;
    expect(expectedRelease(crash, { settings, deploymentConfig: canary }).outcome).toBe('rolled-back');
    expect(expectedRelease(crash, { settings, deploymentConfig: allAtOnce }).outcome).toBe('succeeded');
  });

  it('states the deciding signal as the expectation, the same words the prediction gives', () => {
    expect(expectedRelease(parseFaults('error-rate')).signal).toBe(predict('error-rate').signal);
    expect(expectedRelease(parseFaults('error-rate')).signal).toMatch(/^test-traffic hook/);
  });
});

describe('one rule for a set of faults', () => {
  it('picks the fault whose signal tells CodeDeploy first, not the first in catalogue order', () => {
    const both = predict('latency=2000,crash-after=60');
    expect(both.fault).toBe('latency');
    expect(both.seconds).toBeLessThan(predict('crash-after=60').seconds!);
    expect(expectedRelease(parseFaults('latency=2000,crash-after=60')).signal).toBe(both.signal);
  });

  it('lets a fault that rolls back decide over one that would succeed', () => {
    expect(predict('slow-start=1,crash-after=60')).toMatchObject({
      fault: 'crash-after',
      outcome: 'rolled-back',
    });
  });

  it('answers the same for drill and local', () => {
    for (const faults of ['health-fail', 'latency=2000,crash-after=60', 'slow-start=1', 'error-rate=0.2']) {
      expect(hypothesisFor(faults).prediction).toEqual(modelledAwsTime(parseFaults(faults)));
    }
  });

  it('writes a value the way FAULTS does', () => {
    const active = parseFaults('dependency-down=db.internal:6543');
    expect(predictFault('dependency-down', active['dependency-down']!).value).toBe(
      formatFaultValue(active['dependency-down']!),
    );
    expect(predictFault('health-fail', true).value).toBe('');
  });
});

/** The model without the target-health watcher: the backups it keeps, the guard and the alarms, decide. */
const noWatcher = { ...DEFAULT_ASSUMPTIONS, watcherReactionSeconds: Number.POSITIVE_INFINITY };
const predictWithout = (entry: string) => decidingPrediction(parseFaults(entry), inputs, noWatcher)!;

describe('green tasks that fail their ELB health checks', () => {
  const a = DEFAULT_ASSUMPTIONS;
  const drainAndExit =
    settings.deregistrationDelaySeconds +
    Math.min(settings.shutdown.deadlineMs / 1000, settings.container.stopTimeoutSeconds);
  /** ECS begins stopping the first task: both it and its replacement judged, a failing check taking `check`. */
  const stoppingAfter = (check: number) => {
    const judged =
      Math.max(window + check, settings.ecs.healthCheckGracePeriodSeconds) + a.ecsHealthReactionSeconds;
    return 2 * judged + a.replacementTaskStartSeconds;
  };
  /** Seconds a failing check takes with each fault: the answer, capped by the ALB's timeout. */
  const checkSeconds = {
    'health-fail': a.requestRoundTripSeconds,
    'wrong-port': a.requestRoundTripSeconds,
    'dependency-down': settings.dependencyProbeTimeoutMs / 1000 + a.requestRoundTripSeconds,
    'slow-start': a.requestRoundTripSeconds,
  };

  it('are stopped by the watcher a confirmation window and a read after the ALB marks them unhealthy', () => {
    const w = settings.targetHealthWatcher;
    for (const [fault, check] of Object.entries(checkSeconds)) {
      const prediction = predict(fault);
      expect([fault, prediction]).toEqual([
        fault,
        expect.objectContaining({
          decidedBy: 'target-health watcher',
          seconds: Math.ceil(window + check + w.confirmSeconds + w.pollSeconds + a.watcherReactionSeconds),
        }),
      ]);
      expect(prediction.signal).toContain('backed up by the stopped-task guard at');
    }
  });

  it('are stopped by ECS after a replacement fails too, and the guard decides when the stop begins', () => {
    for (const [fault, check] of Object.entries(checkSeconds)) {
      const stopping = stoppingAfter(check);
      const prediction = predictWithout(fault);
      expect([fault, prediction]).toEqual([
        fault,
        expect.objectContaining({
          decidedBy: 'stopped-task guard',
          seconds: Math.ceil(stopping + a.eventDeliverySeconds + a.guardReactionSeconds),
        }),
      ]);
      // The stopped-tasks alarm counts the task only once it is STOPPED: drained and exited.
      const stoppedAlarm = stopping + drainAndExit + a.eventDeliverySeconds + alarmDelay;
      expect(prediction.signal).toContain(`stopped-tasks alarm at ${Math.ceil(stoppedAlarm)} s`);
      const unhealthyAlarm = window + check + alarmDelay;
      expect(prediction.signal).toContain(`unhealthy-hosts alarm at ${Math.ceil(unhealthyAlarm)} s`);
    }
  });

  it("take each fault's own check time: an answer at once, the probe's limit, or the timeout for a hang", () => {
    const seconds = (fault: string) => predict(fault).seconds!;
    expect(seconds('wrong-port')).toBe(seconds('health-fail'));
    expect(seconds('dependency-down')).toBeGreaterThan(seconds('health-fail'));
    const paths = signalPaths(inputs, DEFAULT_ASSUMPTIONS);
    expect(paths.failingHealth(0).checkSeconds).toBe(a.requestRoundTripSeconds);
    expect(paths.failingHealth(Number.POSITIVE_INFINITY).checkSeconds).toBe(hc.timeoutSeconds);
    expect(paths.failingHealth(Number.POSITIVE_INFINITY).unhealthyAt).toBe(window + hc.timeoutSeconds);
  });

  it('do not wait for the stopped task to drain and exit before the guard acts', () => {
    const slowDrain = { ...inputs, deregistrationDelaySeconds: 300, taskExitSeconds: 30 };
    const now = predictFault('health-fail', true, inputs, noWatcher);
    const drained = predictFault('health-fail', true, slowDrain, noWatcher);
    expect(drained).toMatchObject({ decidedBy: 'stopped-task guard', seconds: now.seconds });
    expect(drained.signal).not.toBe(now.signal);
  });

  it('fall back to the unhealthy-hosts alarm when ECS is slower than the alarm', () => {
    const slowEcs = predictRollbackTimes(inputs, { ...noWatcher, ecsHealthReactionSeconds: 600 });
    expect(slowEcs.find((p) => p.fault === 'health-fail')).toMatchObject({
      decidedBy: 'unhealthy-hosts alarm',
      seconds: Math.ceil(window + DEFAULT_ASSUMPTIONS.requestRoundTripSeconds + alarmDelay),
    });
  });

  it('are judged no later because of the grace period: it ends before the ALB can mark a target unhealthy', () => {
    expect(settings.ecs.healthCheckGracePeriodSeconds).toBeLessThanOrEqual(window);
    const longGrace = predictRollbackTimes({ ...inputs, healthCheckGracePeriodSeconds: 60 }, noWatcher);
    const now = predictRollbackTimes(inputs, noWatcher);
    expect(longGrace[0]!.seconds!).toBeGreaterThan(now[0]!.seconds!);
  });
});

describe('crashes', () => {
  it('reach the guard when the stop begins and the stopped-tasks alarm once the task left its target group', () => {
    const a = DEFAULT_ASSUMPTIONS;
    const crash = predict('startup-crash');
    expect(crash).toMatchObject({
      decidedBy: 'stopped-task guard',
      seconds: a.eventDeliverySeconds + a.guardReactionSeconds,
    });
    const alarm = settings.deregistrationDelaySeconds + a.eventDeliverySeconds + alarmDelay;
    expect(crash.signal).toContain(`stopped-tasks alarm at ${Math.ceil(alarm)} s`);
  });
});

describe('slow-start', () => {
  it('succeeds just inside the unhealthy window and rolls back at its edge', () => {
    expect(predict(`slow-start=${window - 0.1}`)).toMatchObject({ outcome: 'succeeded' });
    expect(predict(`slow-start=${window}`)).toMatchObject({ outcome: 'rolled-back' });
  });

  it('is left to the alarm when the task recovers before the watcher confirms it and ECS judges it', () => {
    expect(predict(`slow-start=${window}`)).toMatchObject({ decidedBy: 'unhealthy-hosts alarm' });
    expect(predict('slow-start=30')).toMatchObject({ decidedBy: 'target-health watcher' });
    expect(predictWithout(`slow-start=${window + 1}`)).toMatchObject({ decidedBy: 'unhealthy-hosts alarm' });
    expect(predictWithout('slow-start=30')).toMatchObject({ decidedBy: 'stopped-task guard' });
  });
});
