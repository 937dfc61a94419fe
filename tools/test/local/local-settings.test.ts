import { parseFaults } from '../../../contract/faults/parse-faults';
import { settings } from '../../../contract/settings';
import { deploymentConfig } from '../../../contract/deployment-configs';
import { localFaults } from '../../src/local/local-faults';
import { localTimings, MIN_HEALTH_INTERVAL_MS, scaleSteps } from '../../src/local/local-timings';

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

  test('health checks are compressed too, but never below the minimum interval', () => {
    expect(localTimings(2).healthCheck.intervalMs).toBe(
      (settings.targetHealthCheck.intervalSeconds * 1000) / 2,
    );
    const fast = localTimings(1000);
    expect(fast.healthCheck.intervalMs).toBe(MIN_HEALTH_INTERVAL_MS);
    expect(fast.healthCheck.timeoutMs).toBeLessThan(fast.healthCheck.intervalMs);
    expect(fast.healthCheck.healthyThreshold).toBe(settings.targetHealthCheck.healthyThresholdCount);
  });

  test('a time scale below 1 is refused', () => {
    expect(() => localTimings(0.5)).toThrow(/1 or more/);
  });
});

describe('local faults', () => {
  const scaling = { timeScale: 60, healthScale: 5 };

  test('crash-after follows the time scale and slow-start the health-check scale', () => {
    const local = localFaults(parseFaults('crash-after=60,slow-start=30'), scaling, 5000, 5001);
    expect(local.faults).toBe('crash-after=1,slow-start=6');
    expect(local.notes).toHaveLength(2);
  });

  test('wrong-port becomes a spare loopback port per task, unless it names the container port', () => {
    expect(localFaults(parseFaults('wrong-port'), scaling, 5000, 5001).faults).toBe('wrong-port=5001');
    expect(
      localFaults(parseFaults(`wrong-port=${settings.container.port}`, { port: 5000 }), scaling, 5000, 5001)
        .faults,
    ).toBe('wrong-port=5000');
  });

  test('other faults pass through unchanged', () => {
    expect(localFaults(parseFaults('latency=2000,error-rate=0.5'), scaling, 5000, 5001).faults).toBe(
      'error-rate=0.5,latency=2000',
    );
  });
});
