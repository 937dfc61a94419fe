import { parseFaults } from '../../../../contract/faults/parse-faults';
import { settings } from '../../../../contract/settings';
import { deploymentConfig } from '../../../../contract/deployment-configs';
import { localFaults } from '../../../src/local/time-scale/local-faults';
import { DEFAULT_ASSUMPTIONS } from '../../../../core/model/signal-paths';
import {
  localTimings,
  MIN_HEALTH_INTERVAL_MS,
  MIN_HEALTH_TIMEOUT_MS,
  MIN_RESPONSE_LIMIT_MS,
  scaleSteps,
} from '../../../src/local/time-scale/local-timings';

describe('deployment configurations', () => {
  test('the settings default is a known configuration', () => {
    expect(deploymentConfig(settings.deployment.defaultConfig)?.name).toBe(settings.deployment.defaultConfig);
  });

  test('short and full names give the same steps; canary is 10 % then 100 %', () => {
    expect(deploymentConfig('Canary10Percent15Minutes')).toEqual(
      deploymentConfig('CodeDeployDefault.ECSCanary10Percent15Minutes'),
    );
    expect(deploymentConfig('Canary10Percent5Minutes')?.steps).toEqual([
      { percent: 10, waitMs: 300_000 },
      { percent: 100, waitMs: 0 },
    ]);
  });

  test('linear moves 10 % per interval and reaches 100 % after nine waits', () => {
    const steps = deploymentConfig('Linear10PercentEvery1Minutes')!.steps;
    expect(steps.map((s) => s.percent)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(steps.reduce((sum, s) => sum + s.waitMs, 0)).toBe(9 * 60_000);
  });

  test('unknown names are rejected', () => {
    expect(deploymentConfig('HalfAtOnce')).toBeUndefined();
  });
});

describe('local timings', () => {
  test('control-plane waits are divided by the time scale', () => {
    const t = localTimings(60);
    expect(t.alarmPeriodMs).toBe((settings.alarms.periodSeconds * 1000) / 60);
    expect(t.terminationWaitMs).toBe((settings.deployment.terminationWaitMinutes * 60_000) / 60);
    expect(scaleSteps(deploymentConfig('Canary10Percent5Minutes')!.steps, 60)[0]?.waitMs).toBe(5000);
  });

  test('one clock: health checks, grace, the guard, ECS and the hook are divided by the same scale', () => {
    const t = localTimings(20);
    const aws = (ms: number): number => ms * 20;
    expect(aws(t.healthCheck.intervalMs)).toBe(settings.targetHealthCheck.intervalSeconds * 1000);
    expect(t.healthCheck.timeoutMs).toBe(
      Math.max(MIN_HEALTH_TIMEOUT_MS, (settings.targetHealthCheck.timeoutSeconds * 1000) / 20),
    );
    expect(aws(t.healthCheckGraceMs)).toBe(settings.ecs.healthCheckGracePeriodSeconds * 1000);
    expect(aws(t.deregistrationDelayMs)).toBe(settings.deregistrationDelaySeconds * 1000);
    expect(aws(t.eventDeliveryMs)).toBe(DEFAULT_ASSUMPTIONS.eventDeliverySeconds * 1000);
    expect(aws(t.guardReactionMs)).toBe(DEFAULT_ASSUMPTIONS.guardReactionSeconds * 1000);
    expect(aws(t.replacementTaskStartMs)).toBe(DEFAULT_ASSUMPTIONS.replacementTaskStartSeconds * 1000);
    expect(aws(t.metricPublishDelayMs)).toBe(DEFAULT_ASSUMPTIONS.metricPublishDelaySeconds * 1000);
    expect(aws(t.codeDeployStepMs)).toBe(DEFAULT_ASSUMPTIONS.codeDeployStepSeconds * 1000);
    expect(aws(t.hookColdStartMs)).toBe(DEFAULT_ASSUMPTIONS.hookColdStartSeconds * 1000);
    expect(aws(t.hook.requestRoundTripMs)).toBeCloseTo(DEFAULT_ASSUMPTIONS.requestRoundTripSeconds * 1000);
  });

  test('response times are compressed only down to the floor, the limit and the hook keeping their ratios', () => {
    const t = localTimings(20);
    expect(t.responseTimeAlarmMs).toBe(
      Math.max(MIN_RESPONSE_LIMIT_MS, (settings.alarms.responseTimeSeconds * 1000) / 20),
    );
    expect(t.hook.maxResponseMs * t.responseScale).toBe(settings.alarms.responseTimeSeconds * 1000);
    expect(t.hook.requestTimeoutMs * t.responseScale).toBe(settings.hook.requestTimeoutMs);
    expect(t.hook.probeTimeoutMs * t.responseScale).toBe(settings.hook.probeTimeoutMs);
  });

  test('health checks are never faster than the minimum interval, nor time out sooner than the floor', () => {
    const fast = localTimings(1000);
    expect(fast.healthCheck.intervalMs).toBe(MIN_HEALTH_INTERVAL_MS);
    expect(fast.healthCheck.timeoutMs).toBe(MIN_HEALTH_TIMEOUT_MS);
    expect(fast.healthCheck.healthyThreshold).toBe(settings.targetHealthCheck.healthyThresholdCount);
  });

  test('a time scale below 1 is refused', () => {
    expect(() => localTimings(0.5)).toThrow(/1 or more/);
  });
});

describe('local faults', () => {
  const scaling = { timeScale: 20, responseScale: 1 };

  test('durations follow the one time scale, latency the response-time scale, and the notes keep the AWS value', () => {
    const local = localFaults(
      parseFaults('crash-after=60,slow-start=30,latency=2000'),
      { timeScale: 20, responseScale: 4 },
      5000,
      5001,
    );
    expect(local.faults).toBe('latency=500,crash-after=3,slow-start=1.5');
    expect(local.notes).toEqual([
      expect.stringMatching(
        /^latency=2000 \(AWS ms\) runs as latency=500 \(scale 4, the response-time limit's/,
      ),
      expect.stringMatching(/^crash-after=60 \(AWS s\) runs as crash-after=3/),
      expect.stringMatching(/^slow-start=30 \(AWS s\) runs as slow-start=1.5/),
    ]);
  });

  test('wrong-port becomes a spare loopback port per task, unless it names the container port', () => {
    expect(localFaults(parseFaults('wrong-port'), scaling, 5000, 5001).faults).toBe('wrong-port=5001');
    expect(
      localFaults(parseFaults(`wrong-port=${settings.container.port}`, { port: 5000 }), scaling, 5000, 5001)
        .faults,
    ).toBe('wrong-port=5000');
  });

  test('faults without a duration pass through unchanged', () => {
    expect(localFaults(parseFaults('error-rate=0.5,health-fail'), scaling, 5000, 5001).faults).toBe(
      'health-fail,error-rate=0.5',
    );
  });
});
