import type { ProbeResult } from '../../../../core/probe/release-probe';
import { runLifecycle, type LifecycleDeps } from '../../../src/local/controllers/codedeploy-lifecycle';
import type { StopReason } from '../../../src/local/controllers/lifecycle-parts';
import { fakeController } from '../../helpers/fake-controller';

const PASS: ProbeResult = { ok: true, reason: 'all checks passed', checks: [] };
const FAIL: ProbeResult = { ok: false, reason: 'requests: 10/20 GET / failed', checks: [] };

function setup(overrides: Partial<LifecycleDeps> = {}) {
  const { clock, calls, stop, deps: controller } = fakeController();
  const deps: LifecycleDeps = {
    ...controller,
    hook: () => (calls.push('hook'), Promise.resolve(PASS)),
    steps: [
      { percent: 10, waitMs: 5000 },
      { percent: 100, waitMs: 0 },
    ],
    terminationWaitMs: 5000,
    ...overrides,
  };
  return { clock, calls, stop, deps };
}

describe('local CodeDeploy lifecycle', () => {
  test('a healthy release runs every step in order and terminates blue after the bake', async () => {
    const { clock, calls, deps } = setup();
    const done = runLifecycle(deps);
    await clock.advance(4999);
    expect(calls).toEqual(['green start', 'test green', 'hook', 'production green 10']);
    await clock.advance(5000);
    expect(calls.at(-1)).toBe('production green 100');
    await clock.advance(1);
    const outcome = await done;
    expect(calls).toEqual([
      'green start',
      'test green',
      'hook',
      'production green 10',
      'production green 100',
      'blue stop',
    ]);
    expect(outcome).toMatchObject({ outcome: 'succeeded', productionShifted: true });
    expect(outcome.finishedAtMs).toBe(10_000);
  });

  test('a failed hook rolls back before any production traffic moves', async () => {
    const { clock, calls, deps } = setup({ hook: () => Promise.resolve(FAIL) });
    const done = runLifecycle(deps);
    await clock.advance(0);
    const outcome = await done;
    expect(outcome).toMatchObject({ outcome: 'rolled-back', trigger: 'hook', productionShifted: false });
    expect(outcome.reason).toContain('10/20 GET / failed');
    expect(calls).toEqual(['green start', 'test green', 'production green 0', 'test blue', 'green stop']);
  });

  test('an alarm during the canary returns production to blue and stops green', async () => {
    const { clock, calls, stop, deps } = setup();
    const done = runLifecycle(deps);
    await clock.advance(2000);
    stop.abort({ trigger: 'alarm', detail: 'alarm response-time-green in ALARM' } satisfies StopReason);
    const outcome = await done;
    expect(outcome).toMatchObject({
      outcome: 'rolled-back',
      trigger: 'alarm',
      productionShifted: true,
      detectedAtMs: 2000,
    });
    expect(calls.slice(-3)).toEqual(['production green 0', 'test blue', 'green stop']);
    expect(calls).not.toContain('blue stop');
  });

  test('green that never gets ready is waited for up to the cap, then rolled back', async () => {
    const { clock, calls, deps } = setup({ greenReady: () => false, readyWaitMs: 3000 });
    const done = runLifecycle(deps);
    await clock.advance(2900);
    expect(calls).toEqual(['green start']);
    await clock.advance(200);
    const outcome = await done;
    expect(outcome.trigger).toBe('ready-timeout');
    expect(outcome.reason).toMatch(/about an hour/);
    expect(calls).not.toContain('hook');
  });

  test('an alarm while the hook is still probing stops the deployment without waiting for the hook', async () => {
    const { clock, stop, deps } = setup({ hook: () => new Promise<ProbeResult>(() => undefined) });
    const done = runLifecycle(deps);
    await clock.advance(1000);
    stop.abort({ trigger: 'alarm', detail: 'alarm stopped-tasks in ALARM' } satisfies StopReason);
    await expect(done).resolves.toMatchObject({
      outcome: 'rolled-back',
      reason: 'alarm stopped-tasks in ALARM',
    });
  });
});
