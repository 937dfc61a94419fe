import {
  alarmHistory,
  alarmsFiring,
  greenRunningAtMs,
  phaseOf,
  productionTraffic,
  summarizeDeployment,
} from '../../src/experiment/read-record';
import { describeEvent, type EventInput, type RehearsalEvent } from '../../src/experiment/rehearsal-event';

const at = (atMs: number, event: EventInput): RehearsalEvent => ({ ...event, atMs });

/** A canary release stopped by the guard during the bake, with the lines a person would read. */
const canaryStoppedInBake: RehearsalEvent[] = [
  at(0, { type: 'traffic', listener: 'production', greenPercent: 0 }),
  at(1_000, { type: 'lifecycle', step: 'Install', status: 'started' }),
  at(1_200, { type: 'green-running', basis: 'registered' }),
  at(1_500, { type: 'green-running', basis: 'listening' }),
  at(3_000, { type: 'lifecycle', step: 'AllowTraffic', status: 'started' }),
  at(3_000, { type: 'traffic', listener: 'production', greenPercent: 10 }),
  at(4_000, { type: 'traffic', listener: 'production', greenPercent: 100 }),
  at(4_000, { type: 'lifecycle', step: 'Bake', status: 'started' }),
  at(4_500, { type: 'alarm', alarm: 'stopped-tasks', state: 'ALARM', signal: 'stopped-tasks alarm' }),
  at(5_000, { type: 'stop', trigger: 'guard', signal: 'stopped-task guard', detail: 'task stopped' }),
  at(5_000, { type: 'traffic', listener: 'production', greenPercent: 0 }),
  at(5_100, { type: 'stop', trigger: 'alarm', signal: 'stopped-tasks alarm', detail: 'later' }),
  at(5_600, { type: 'rollback', status: 'done' }),
  at(5_600, { type: 'outcome', outcome: 'rolled-back' }),
];

describe('reading the rehearsal record', () => {
  it('takes the deployment start, detection, deciding signal, step and rollback from the typed events', () => {
    expect(summarizeDeployment(canaryStoppedInBake)).toEqual({
      startedAtMs: 1_000,
      greenRunningAtMs: 1_500,
      detectedAtMs: 5_000,
      trigger: 'guard',
      signal: 'stopped-task guard',
      reason: 'task stopped',
      rolledBackAtMs: 5_600,
      outcome: 'rolled-back',
      finishedAtMs: 5_600,
      stoppedIn: 'Bake',
      productionShifted: true,
    });
  });

  it('counts a release as shifted only when production reached green before the stop', () => {
    const hookFailed = [
      at(1_000, { type: 'lifecycle', step: 'AfterAllowTestTraffic', status: 'started' }),
      at(1_100, { type: 'traffic', listener: 'test', greenPercent: 100 }),
      at(2_000, { type: 'stop', trigger: 'hook', signal: 'test-traffic hook', detail: 'hook failed' }),
      at(2_500, { type: 'traffic', listener: 'production', greenPercent: 50 }),
    ];
    expect(summarizeDeployment(hookFailed)).toMatchObject({
      productionShifted: false,
      stoppedIn: 'AfterAllowTestTraffic',
    });
  });

  it('reads no meaning from text: a note that says a deployment stopped is not a stop', () => {
    const note = at(2_000, { type: 'note', text: 'deployment stopped: stopped-task guard; rolling back' });
    const summary = summarizeDeployment([
      at(1_000, { type: 'lifecycle', step: 'Install', status: 'started' }),
      note,
    ]);
    expect(summary.detectedAtMs).toBeUndefined();
    expect(summary.signal).toBeUndefined();
    expect(summary.reason).toBe('every step passed');
  });

  it("takes green's time zero from a task that ran, over an earlier registration of one that did not listen", () => {
    expect(greenRunningAtMs(canaryStoppedInBake)).toBe(1_500);
    expect(greenRunningAtMs([at(800, { type: 'green-running', basis: 'registered' })])).toBe(800);
    expect(greenRunningAtMs([])).toBeUndefined();
  });

  it('derives the traffic steps, the alarm history and the live phase', () => {
    expect(productionTraffic(canaryStoppedInBake)).toEqual([
      { atMs: 0, green: 0 },
      { atMs: 3_000, green: 10 },
      { atMs: 4_000, green: 100 },
      { atMs: 5_000, green: 0 },
    ]);
    const alarms = [
      ...canaryStoppedInBake,
      at(6_000, { type: 'alarm', alarm: 'stopped-tasks', state: 'OK' }),
    ] as RehearsalEvent[];
    expect(alarmHistory(alarms).get('stopped-tasks')).toEqual({ state: 'OK', firedAtMs: 4_500 });
    expect(alarmsFiring(canaryStoppedInBake)).toEqual(['stopped-tasks']);
    expect(alarmsFiring(alarms)).toEqual([]);
    expect(phaseOf([])).toBe('starting blue');
    expect(phaseOf(canaryStoppedInBake.slice(0, 1))).toBe('steady (blue)');
    expect(phaseOf(canaryStoppedInBake.slice(0, 5))).toBe('AllowTraffic');
    expect(phaseOf(canaryStoppedInBake.slice(0, 10))).toBe('rolling back');
    expect(phaseOf(canaryStoppedInBake)).toBe('rolled-back');
  });

  it('describes each event from its fields', () => {
    expect(canaryStoppedInBake.slice(8, 10).map(describeEvent)).toEqual([
      'stopped-tasks ALARM',
      'deployment stopped: task stopped; rolling back',
    ]);
    expect(
      describeEvent(
        at(0, {
          type: 'task-stopped',
          group: 'green',
          taskId: 'green-1',
          stopCode: 'EssentialContainerExited',
          reason: 'Essential container in task exited',
          abnormal: true,
          exitCode: 1,
          output: 'boom',
        }),
      ),
    ).toBe('green-1 stopped: Essential container in task exited [boom]');
    expect(
      describeEvent(at(0, { type: 'guard', action: 'ignored', reason: 'no deployment in progress' })),
    ).toBe('guard left it alone: no deployment in progress');
  });

  it('describes a hold, its end and a stop by hand, and shows a held deployment as held', () => {
    const held = at(1_000, { type: 'held', waitSeconds: 600, onTimeout: 'rollback', deploymentId: 'd-1' });
    expect(describeEvent(held)).toBe(
      'held before production traffic: rollback in 600 s unless continue or rollback (d-1)',
    );
    expect(describeEvent(at(2_000, { type: 'hold-released', by: 'timeout' }))).toBe(
      'hold ended by its time-out',
    );
    expect(
      describeEvent(at(2_000, { type: 'stopped-by-hand', command: 'rollback', deploymentId: 'd-1' })),
    ).toBe('stopped by hand (rollback) d-1');
    const lifecycle = at(500, { type: 'lifecycle', step: 'AfterAllowTestTraffic', status: 'started' });
    expect(phaseOf([lifecycle, held])).toBe('held');
    expect(phaseOf([lifecycle, held, at(3_000, { type: 'stopped-by-hand', command: 'rollback' })])).toBe(
      'rolling back',
    );
  });
});
