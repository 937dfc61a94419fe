import type { NativeHookAnswer } from '../../../../core/probe/native-hook-answer';
import type { ProbeResult } from '../../../../core/probe/release-probe';
import { eventsOf } from '../../../src/experiment/read-record';
import type { RehearsalRecord } from '../../../src/experiment/rehearsal-record';
import type { StopReason } from '../../../src/local/controllers/lifecycle-parts';
import {
  NATIVE_STAGES,
  runNativeLifecycle,
  type HookInvocation,
  type NativeLifecycleDeps,
} from '../../../src/local/controllers/native-lifecycle';
import { fakeController } from '../../helpers/fake-controller';

const PROBE: ProbeResult = { ok: true, reason: 'all checks passed', checks: [] };
const SUCCEEDED: NativeHookAnswer = { hookStatus: 'SUCCEEDED', hookDetails: { reason: 'all checks passed' } };
const FAILED: NativeHookAnswer = {
  hookStatus: 'FAILED',
  hookDetails: { failure: 'probe-failed', reason: 'requests: 1/2 GET / failed (first: HTTP 500)' },
};
const inProgress = (attempts: number): NativeHookAnswer => ({
  hookStatus: 'IN_PROGRESS',
  callBackDelay: 5,
  hookDetails: { firstAttemptAt: 0, attempts },
});

function setup(answers: NativeHookAnswer[] = [SUCCEEDED], overrides: Partial<NativeLifecycleDeps> = {}) {
  const { clock, calls, stop, record, deps: controller } = fakeController();
  const invocations: HookInvocation[] = [];
  const deps: NativeLifecycleDeps = {
    ...controller,
    hook: (invocation) => {
      invocations.push(invocation);
      calls.push(`hook ${invocation.attempt}`);
      return Promise.resolve({ answer: answers.shift() ?? SUCCEEDED, probe: PROBE });
    },
    steps: [
      { percent: 10, waitMs: 5000 },
      { percent: 100, waitMs: 0 },
    ],
    stageDelayMs: 1500,
    hookColdStartMs: 500,
    callBackMs: (seconds) => seconds * 50,
    bakeTimeMs: 15_000,
    ...overrides,
  };
  return { clock, calls, stop, deps, record, invocations };
}

const stagesOf = (record: RehearsalRecord) => eventsOf(record.events, 'lifecycle').map((e) => e.step);

describe('local native ECS blue/green lifecycle', () => {
  test('a healthy release goes through every stage in order, bakes, and only then scales blue down', async () => {
    const { clock, calls, deps, record } = setup();
    const done = runNativeLifecycle(deps);
    await clock.advance(1999);
    expect(calls).toEqual(['green start', 'test green']);
    await clock.advance(1);
    expect(calls).toEqual(['green start', 'test green', 'hook 1', 'production green 10']);
    await clock.advance(5000);
    expect(calls.at(-1)).toBe('production green 100');
    await clock.advance(14_999);
    expect(calls).not.toContain('blue stop');
    await clock.advance(1);
    const outcome = await done;
    expect(calls.at(-1)).toBe('blue stop');
    expect(stagesOf(record)).toEqual([...NATIVE_STAGES]);
    expect(outcome).toMatchObject({ outcome: 'succeeded', productionShifted: true, hook: PROBE });
    expect(outcome.finishedAtMs).toBe(22_000);
    expect(eventsOf(record.events, 'hook')).toEqual([
      expect.objectContaining({ ok: true, hookStatus: 'SUCCEEDED' }),
    ]);
  });

  test('an IN_PROGRESS answer is invoked again after its callBackDelay, with the hookDetails it returned', async () => {
    const { clock, calls, deps, record, invocations } = setup([inProgress(1), inProgress(2), SUCCEEDED]);
    const done = runNativeLifecycle(deps);
    await clock.advance(2000);
    expect(calls.filter((c) => c.startsWith('hook'))).toEqual(['hook 1']);
    // callBackDelay 5 s at the test's 50 ms per second.
    await clock.advance(249);
    expect(calls.filter((c) => c.startsWith('hook'))).toEqual(['hook 1']);
    await clock.advance(1);
    await clock.advance(250);
    expect(calls.filter((c) => c.startsWith('hook'))).toEqual(['hook 1', 'hook 2', 'hook 3']);
    expect(invocations.map((i) => i.hookDetails)).toEqual([
      undefined,
      { firstAttemptAt: 0, attempts: 1 },
      { firstAttemptAt: 0, attempts: 2 },
    ]);
    expect(eventsOf(record.events, 'hook-pending').map((e) => e.attempt)).toEqual([1, 2]);
    await clock.advance(20_000);
    await expect(done).resolves.toMatchObject({ outcome: 'succeeded' });
  });

  test('a FAILED answer rolls back in POST_TEST_TRAFFIC_SHIFT before production traffic moves', async () => {
    const { clock, calls, deps } = setup([FAILED]);
    const done = runNativeLifecycle(deps);
    await clock.advance(2000);
    const outcome = await done;
    expect(outcome).toMatchObject({
      outcome: 'rolled-back',
      trigger: 'hook',
      signal: 'test-traffic hook',
      stoppedIn: 'POST_TEST_TRAFFIC_SHIFT',
      productionShifted: false,
    });
    expect(outcome.reason).toContain('FAILED (probe-failed)');
    expect(calls).toEqual([
      'green start',
      'test green',
      'hook 1',
      'production green 0',
      'test blue',
      'green stop',
    ]);
  });

  test('an alarm during the bake time still rolls back: production returns to blue and green stops', async () => {
    const { clock, calls, stop, deps } = setup();
    const done = runNativeLifecycle(deps);
    await clock.advance(10_000);
    stop.abort({
      trigger: 'alarm',
      signal: 'target-5xx alarm',
      detail: 'alarm target-5xx-green in ALARM',
    } satisfies StopReason);
    const outcome = await done;
    expect(outcome).toMatchObject({ outcome: 'rolled-back', trigger: 'alarm', stoppedIn: 'BAKE_TIME' });
    expect(calls.slice(-3)).toEqual(['production green 0', 'test blue', 'green stop']);
    expect(calls).not.toContain('blue stop');
  });

  test('green that never becomes healthy stops in SCALE_UP at the local cap', async () => {
    const { clock, deps } = setup([], { greenReady: () => false, readyWaitMs: 3000 });
    const done = runNativeLifecycle(deps);
    await clock.advance(3100);
    const outcome = await done;
    expect(outcome).toMatchObject({
      outcome: 'rolled-back',
      trigger: 'ready-timeout',
      stoppedIn: 'SCALE_UP',
    });
  });
});
