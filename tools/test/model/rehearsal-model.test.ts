import { deploymentConfig } from '../../../contract/deployment-configs';
import { FAULT_NAMES } from '../../../contract/faults/catalogue';
import { formatFaultValue, parseFaults } from '../../../contract/faults/parse-faults';
import { settings } from '../../../contract/settings';
import { hypothesisFor } from '../../src/drill/prediction';
import { modelledAwsTime } from '../../src/local/aws-model';
import {
  decidingPrediction,
  DEFAULT_ASSUMPTIONS,
  expectedRelease,
  predictFault,
  predictRollbackTimes,
  timingInputsFromSettings,
} from '../../src/model/rollback-time';

const inputs = timingInputsFromSettings();
const hc = settings.targetHealthCheck;
/** The ALB's unhealthy window with the settings: a target failing from its start is marked unhealthy after it. */
const window = hc.intervalSeconds * (hc.unhealthyThresholdCount - 1);
const predict = (entry: string) => decidingPrediction(parseFaults(entry))!;

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
    expect(expectedRelease(parseFaults(`wrong-port=${settings.container.port}`)).outcome).toBe('succeeded');
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

describe('green tasks that fail their ELB health checks', () => {
  it('are stopped by ECS after a replacement fails too, and the guard decides before the alarm', () => {
    const a = DEFAULT_ASSUMPTIONS;
    const unhealthyAt = window + hc.timeoutSeconds;
    const judged =
      Math.max(unhealthyAt, settings.ecs.healthCheckGracePeriodSeconds) + a.ecsHealthReactionSeconds;
    const stopped =
      2 * judged +
      a.replacementTaskStartSeconds +
      settings.deregistrationDelaySeconds +
      Math.min(settings.shutdown.deadlineMs / 1000, settings.container.stopTimeoutSeconds);
    for (const fault of ['health-fail', 'wrong-port', 'dependency-down', 'slow-start']) {
      expect(predict(fault)).toMatchObject({
        decidedBy: 'stopped-task guard',
        seconds: Math.ceil(stopped + a.eventDeliverySeconds + a.guardReactionSeconds),
      });
      expect(predict(fault).signal).toContain('unhealthy-hosts alarm at');
    }
  });

  it('fall back to the unhealthy-hosts alarm when ECS is slower than the alarm', () => {
    const slowEcs = predictRollbackTimes(inputs, { ...DEFAULT_ASSUMPTIONS, ecsHealthReactionSeconds: 600 });
    expect(slowEcs.find((p) => p.fault === 'health-fail')).toMatchObject({
      decidedBy: 'unhealthy-hosts alarm',
      seconds: 159,
    });
  });

  it('are judged no later because of the grace period: it ends before the ALB can mark a target unhealthy', () => {
    expect(settings.ecs.healthCheckGracePeriodSeconds).toBeLessThanOrEqual(window);
    const longGrace = predictRollbackTimes({ ...inputs, healthCheckGracePeriodSeconds: 60 });
    const now = predictRollbackTimes(inputs);
    expect(longGrace[0]!.seconds!).toBeGreaterThan(now[0]!.seconds!);
  });
});

describe('slow-start', () => {
  it('succeeds just inside the unhealthy window and rolls back at its edge', () => {
    expect(predict(`slow-start=${window - 0.1}`)).toMatchObject({ outcome: 'succeeded' });
    expect(predict(`slow-start=${window}`)).toMatchObject({ outcome: 'rolled-back' });
  });

  it('is left to the alarm when the task recovers before ECS judges it, since ECS then replaces nothing', () => {
    expect(predict(`slow-start=${window + 1}`)).toMatchObject({ decidedBy: 'unhealthy-hosts alarm' });
    expect(predict('slow-start=30')).toMatchObject({ decidedBy: 'stopped-task guard' });
  });
});
