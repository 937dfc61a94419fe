import { afterCheck, INITIAL, type HealthCounters } from '../../../src/local/elb/health-state';

const T = { healthyThreshold: 2, unhealthyThreshold: 3 };
const run = (results: boolean[], from: HealthCounters = INITIAL): HealthCounters =>
  results.reduce((state, passed) => afterCheck(state, passed, T), from);

describe('target health state machine', () => {
  test('a new target stays initial until the healthy threshold of consecutive passes', () => {
    expect(run([true]).state).toBe('initial');
    expect(run([true, true]).state).toBe('healthy');
  });

  test('a new target becomes unhealthy after the unhealthy threshold of consecutive failures', () => {
    expect(run([false, false]).state).toBe('initial');
    expect(run([false, false, false]).state).toBe('unhealthy');
  });

  test('a pass in between resets the failure streak, so a healthy target stays healthy', () => {
    expect(run([true, true, false, false, true, false, false]).state).toBe('healthy');
    expect(run([true, true, false, false, false]).state).toBe('unhealthy');
  });

  test('an unhealthy target recovers after the healthy threshold of passes', () => {
    const unhealthy = run([false, false, false]);
    expect(run([true], unhealthy).state).toBe('unhealthy');
    expect(run([true, true], unhealthy).state).toBe('healthy');
  });

  test('a draining target ignores checks', () => {
    expect(run([true, true, true], { state: 'draining', streak: 0 }).state).toBe('draining');
  });
});
