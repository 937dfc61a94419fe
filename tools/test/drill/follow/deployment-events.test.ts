import type { WatchEvent, WatchResult } from '../../../src/aws/watch-deployment';
import { deploymentEvents } from '../../../src/drill/follow/deployment-events';
import { drillFigures } from '../../../src/drill/report/drill-figures';
import type { RehearsalEvent } from '../../../src/experiment/rehearsal-event';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const s = (seconds: number): number => T0 + seconds * 1000;
const id = 'd-NEW';

const lifecycle = (name: string, status: string, at: number, extra: Partial<WatchEvent> = {}): WatchEvent =>
  ({ at, deploymentId: id, type: 'lifecycle', name, status, ...extra }) as WatchEvent;
const green = (at: number, weight: number, running = 2): WatchEvent => ({
  at,
  deploymentId: id,
  type: 'traffic',
  taskSets: [
    { label: 'Blue', trafficWeight: 100 - weight, running: 2, desired: 2, pending: 0, status: 'PRIMARY' },
    { label: 'Green', trafficWeight: weight, running, desired: 2, pending: 0, status: 'ACTIVE' },
  ],
});

/** A release that shifted its canary and was then stopped by an alarm in the bake. */
function alarmedInBake(code: string): WatchResult {
  return {
    deploymentId: id,
    status: 'Stopped',
    outcome: 'rolled-back',
    createTime: s(10),
    completeTime: s(400),
    error: { code, message: 'stopped' },
    rollbackMessage: 'rolled back',
    events: [
      lifecycle('Install', 'InProgress', s(12), { startTime: s(12) }),
      lifecycle('Install', 'Succeeded', s(80), { startTime: s(12), endTime: s(75) }),
      lifecycle('AllowTestTraffic', 'Succeeded', s(90), { endTime: s(88) }),
      lifecycle('AfterAllowTestTraffic', 'Succeeded', s(120), { endTime: s(118) }),
      green(s(130), 10),
      { at: s(300), deploymentId: id, type: 'error', code, message: 'alarms [stopped-tasks] in ALARM' },
      green(s(305), 0),
      { at: s(310), deploymentId: id, type: 'rollback', message: 'rolled back' },
      { at: s(400), deploymentId: id, type: 'status', status: 'Stopped' },
    ],
  };
}

const types = (events: readonly RehearsalEvent[]): string[] => events.map((e) => e.type);

describe("a drill's AWS data, mapped once into the rehearsal record", () => {
  it('turns the lifecycle, the traffic, the stop and the rollback into typed events, in time order', () => {
    const events = deploymentEvents(alarmedInBake('ALARM_ACTIVE'), T0);
    expect(types(events)).toEqual([
      'deployment',
      'lifecycle',
      'green-running',
      'lifecycle',
      'lifecycle',
      'traffic',
      'lifecycle',
      'hook',
      'traffic',
      'stop',
      'traffic',
      'rollback',
      'rollback',
      'outcome',
    ]);
    expect(events.find((e) => e.type === 'green-running')).toEqual({
      type: 'green-running',
      basis: 'install-done',
      atMs: 75_000,
    });
    expect(events.find((e) => e.type === 'stop')).toMatchObject({
      trigger: 'alarm',
      code: 'ALARM_ACTIVE',
      atMs: 300_000,
    });
    expect(events.find((e) => e.type === 'hook')).toMatchObject({ ok: true });
  });

  it("reads detection from green running and the push, and names the hook's signal from CodeDeploy's code", () => {
    const push: RehearsalEvent = { type: 'drill', action: 'pushed', atMs: 0 };
    const hookFailed = alarmedInBake('HOOK_EXECUTION_FAILURE');
    const figures = drillFigures([push, ...deploymentEvents(hookFailed, T0)]);
    expect(figures).toEqual({
      detection: { fromPushSeconds: 300, fromGreenSeconds: 225 },
      rollbackDoneFromPushSeconds: 400,
      decidedBy: 'test-traffic hook',
    });
    // An alarm's code names no one signal: CodeDeploy's own words stand.
    expect(drillFigures(deploymentEvents(alarmedInBake('ALARM_ACTIVE'), T0)).decidedBy).toBe(
      'ALARM_ACTIVE: alarms [stopped-tasks] in ALARM',
    );
  });

  it('takes a failed hook seen before the error as the stop, and green running from a poll without Install', () => {
    const result: WatchResult = {
      deploymentId: id,
      status: 'Stopped',
      outcome: 'rolled-back',
      events: [
        green(s(50), 0, 2),
        lifecycle('AfterAllowTestTraffic', 'Failed', s(100), { diagnostics: '9 of 20 answered 500' }),
        {
          at: s(110),
          deploymentId: id,
          type: 'error',
          code: 'HOOK_EXECUTION_FAILURE',
          message: 'hook failed',
        },
        { at: s(200), deploymentId: id, type: 'status', status: 'Stopped' },
      ],
    };
    const events = deploymentEvents(result, T0);
    expect(events.filter((e) => e.type === 'stop')).toEqual([
      {
        type: 'stop',
        trigger: 'hook',
        signal: 'test-traffic hook',
        detail: 'AfterAllowTestTraffic failed: 9 of 20 answered 500',
        atMs: 100_000,
      },
    ]);
    expect(events.find((e) => e.type === 'green-running')).toMatchObject({
      basis: 'tasks-running',
      atMs: 50_000,
    });
    expect(events.at(-1)).toEqual({ type: 'outcome', outcome: 'rolled-back', atMs: 200_000 });
  });
});
