import type { ProbeResult } from '../../../../core/probe/release-probe';
import { eventsOf } from '../../../src/experiment/read-record';
import type { HoldTimeoutAction } from '../../../src/experiment/rehearsal-event';
import { runLifecycle } from '../../../src/local/controllers/codedeploy-lifecycle';
import { HoldGate, type HoldNotice } from '../../../src/local/controllers/hold-gate';
import type { DeploymentOutcome, StopReason } from '../../../src/local/controllers/lifecycle-parts';
import { runNativeLifecycle } from '../../../src/local/controllers/native-lifecycle';
import { fakeController } from '../../helpers/fake-controller';

const PASS: ProbeResult = { ok: true, reason: 'all checks passed', checks: [] };
/** AWS seconds of the hold; at time scale 10 the local clock waits a tenth of it. */
const WAIT_SECONDS = 600;
const WAIT_MS = 60_000;

type Controller = 'codedeploy' | 'ecs';

/** One controller's deployment with a gate, the hook answering after `hookMs` on the fake clock. */
function gated(controller: Controller, onTimeout: HoldTimeoutAction = 'rollback', hookMs = 0) {
  const { clock, calls, stop, record, deps } = fakeController();
  const notices: HoldNotice[] = [];
  const gate = new HoldGate({
    settings: { waitSeconds: WAIT_SECONDS, onTimeout },
    timeScale: 10,
    clock,
    record,
    stop: (reason: StopReason) => stop.abort(reason),
    deploymentId: 'd-LOCAL',
    onHeld: (notice) => notices.push(notice),
  });
  const probe = async (): Promise<ProbeResult> => {
    calls.push('hook');
    await new Promise<void>((resolve) => clock.setTimeout(resolve, hookMs));
    return PASS;
  };
  const steps = [{ percent: 100, waitMs: 0 }];
  const done: Promise<DeploymentOutcome> =
    controller === 'codedeploy'
      ? runLifecycle({ ...deps, gate, hook: probe, steps, terminationWaitMs: 1000 })
      : runNativeLifecycle({
          ...deps,
          gate,
          hook: async () => ({
            answer: { hookStatus: 'SUCCEEDED', hookDetails: { reason: 'all checks passed' } },
            probe: await probe(),
          }),
          steps,
          callBackMs: (s) => s * 100,
          bakeTimeMs: 1000,
        });
  const released = () => eventsOf(record.events, 'hold-released');
  return { clock, calls, stop, record, gate, notices, done, released };
}

describe.each<Controller>(['codedeploy', 'ecs'])('the gate of the local %s controller', (controller) => {
  test('holds with green on the test listener and production on blue until continue', async () => {
    const { clock, calls, gate, notices, done, released } = gated(controller);
    await clock.advance(WAIT_MS - 1);
    expect(gate.holding).toBe(true);
    expect(calls).toEqual(['green start', 'test green', 'hook']);
    expect(notices).toEqual([
      { waitSeconds: WAIT_SECONDS, onTimeout: 'rollback', waitMs: WAIT_MS, timeScale: 10 },
    ]);

    expect(gate.continue().ok).toBe(true);
    await clock.advance(1000);

    const outcome = await done;
    expect(outcome).toMatchObject({ outcome: 'succeeded', productionShifted: true });
    expect(calls.slice(3)).toEqual(['production green 100', 'blue stop']);
    expect(released()).toEqual([
      expect.objectContaining({
        by: 'continue',
        atMs: WAIT_MS - 1,
        detail: 'npm run rehearse -- continue --local',
      }),
    ]);
    expect(gate.continue()).toEqual({ ok: false, message: expect.stringContaining('Nothing is held') });
  });

  test('a continue before the hook has passed waits for the hook', async () => {
    const { clock, calls, gate, done } = gated(controller, 'rollback', 5000);
    await clock.advance(1000);
    gate.continue();
    await clock.advance(3000);
    expect(calls).not.toContain('production green 100');
    await clock.advance(3000);
    await expect(done).resolves.toMatchObject({ outcome: 'succeeded' });
  });

  test('a rollback by hand while held returns everything to blue and ends the hold by rollback', async () => {
    const { clock, calls, stop, record, gate, done, released } = gated(controller);
    await clock.advance(10_000);
    record.add({ type: 'stopped-by-hand', command: 'rollback', deploymentId: 'd-LOCAL' });
    stop.abort({ trigger: 'stop-call', detail: 'stopped by hand', byHand: true } satisfies StopReason);

    const outcome = await done;
    expect(outcome).toMatchObject({ outcome: 'rolled-back', trigger: 'stop-call', productionShifted: false });
    expect(calls.slice(3)).toEqual(['production green 0', 'test blue', 'green stop']);
    expect(released()).toEqual([expect.objectContaining({ by: 'rollback', detail: 'stopped by hand' })]);
    expect(gate.holding).toBe(false);
    // The time-out is cancelled: nothing more happens when its time comes.
    await clock.advance(WAIT_MS);
    expect(released()).toHaveLength(1);
  });

  test('a hold nobody ends times out with rollback: stopped, production never on green', async () => {
    const { clock, calls, done, released } = gated(controller, 'rollback');
    await clock.advance(WAIT_MS);

    const outcome = await done;
    expect(outcome).toMatchObject({ outcome: 'rolled-back', trigger: 'hold-timeout', detectedAtMs: WAIT_MS });
    expect(outcome.reason).toBe(
      `the hold before production traffic timed out after ${WAIT_SECONDS} s (AWS time)`,
    );
    expect(calls).not.toContain('production green 100');
    expect(released()).toEqual([expect.objectContaining({ by: 'timeout', atMs: WAIT_MS })]);
  });

  test('an alarm while held stops the deployment and ends the hold', async () => {
    const { clock, stop, done, released } = gated(controller);
    await clock.advance(2000);
    stop.abort({ trigger: 'alarm', detail: 'alarm elb-5xx in ALARM' } satisfies StopReason);
    await expect(done).resolves.toMatchObject({ outcome: 'rolled-back', trigger: 'alarm' });
    expect(released()).toEqual([
      expect.objectContaining({ by: 'stop-call', detail: 'alarm elb-5xx in ALARM' }),
    ]);
  });
});

test('a native PAUSE hook whose time-out action is continue goes on to production by itself', async () => {
  const { clock, calls, done, released } = gated('ecs', 'continue');
  await clock.advance(WAIT_MS);
  await clock.advance(1000);
  await expect(done).resolves.toMatchObject({ outcome: 'succeeded', productionShifted: true });
  expect(calls).toContain('production green 100');
  expect(released()).toEqual([
    expect.objectContaining({ by: 'timeout', detail: `after ${WAIT_SECONDS} s (AWS time): continue` }),
  ]);
});

test('without a gate nothing holds: production moves as soon as the hook passes', async () => {
  const { clock, calls, deps } = fakeController();
  const done = runLifecycle({
    ...deps,
    hook: () => Promise.resolve(PASS),
    steps: [{ percent: 100, waitMs: 0 }],
    terminationWaitMs: 0,
  });
  await clock.advance(0);
  await expect(done).resolves.toMatchObject({ outcome: 'succeeded' });
  expect(calls).toContain('production green 100');
});
