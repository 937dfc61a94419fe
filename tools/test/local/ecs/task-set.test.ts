import type { TaskLaunch, TaskProcess } from '../../../src/local/ecs/task-process';
import { TargetGroup } from '../../../src/local/elb/target-group';
import { TaskSet, type TaskStop, type TaskStopping } from '../../../src/local/ecs/task-set';
import { FakeClock } from '../../helpers/fake-clock';

interface FakeTask extends TaskProcess {
  launch: TaskLaunch;
  exit(code: number | null, signal?: NodeJS.Signals | null): void;
  signals: NodeJS.Signals[];
}

function setup(
  healthy: (id: string) => boolean = () => true,
  gate?: (task: FakeTask) => Pick<TaskProcess, 'holdingListen' | 'letListen'>,
) {
  const clock = new FakeClock();
  const launched: FakeTask[] = [];
  const stops: TaskStop[] = [];
  const stopping: TaskStopping[] = [];
  let port = 5000;
  const tg = new TargetGroup({
    name: 'green',
    healthCheck: { intervalMs: 1000, timeoutMs: 800, healthyThreshold: 2, unhealthyThreshold: 2 },
    deregistrationDelayMs: 100,
    clock,
    check: (t) => Promise.resolve(healthy(t.id)),
    onChange: (_g, t, _from, to) => set.onTargetHealth(t.id, to),
  });
  const set = new TaskSet({
    group: 'green',
    version: 'green',
    desiredCount: 2,
    host: '127.0.0.1',
    clock,
    launch: (launch) => {
      let resolve!: (exit: { code: number | null; signal: NodeJS.Signals | null }) => void;
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
        (r) => (resolve = r),
      );
      const task: FakeTask = {
        launch,
        exited,
        signals: [],
        kill: (signal) => {
          task.signals.push(signal);
          resolve({ code: signal === 'SIGTERM' ? 0 : null, signal: signal === 'SIGTERM' ? null : signal });
        },
        exit: (code, signal = null) => resolve({ code, signal }),
        lastOutput: () => 'last words',
      };
      launched.push(task);
      return gate ? Object.assign(task, gate(task)) : task;
    },
    allocatePort: () => Promise.resolve(port++),
    faultsFor: (_port, spare) => `wrong-port=${spare}`,
    accepts: () => Promise.resolve(true),
    targetGroup: tg,
    startupAllowanceMs: 3000,
    startupPollMs: 50,
    healthCheckGraceMs: 2000,
    healthReactionMs: 300,
    replacementStartMs: 500,
    restartBackoffMs: 500,
    restartBackoffMaxMs: 1500,
    stopTimeoutMs: 1000,
    onStop: (s) => stops.push(s),
    onStopping: (s) => stopping.push(s),
  });
  return { clock, set, tg, launched, stops, stopping };
}

describe('local ECS task set', () => {
  test("lets a set's tasks that hold their listen go together, once the slowest holds", async () => {
    const holds: (() => void)[] = [];
    const opened: string[] = [];
    const { clock, set } = setup(undefined, (task) => ({
      holdingListen: new Promise<boolean>((resolve) => holds.push(() => resolve(true))),
      letListen: () => opened.push(task.launch.id),
    }));
    await set.start();
    holds[0]!();
    await clock.advance(0);
    expect(opened).toEqual([]);
    holds[1]!();
    await clock.advance(0);
    expect(opened).toEqual(['green-1', 'green-2']);
    await set.kill();
  });

  test('starts the desired count with their own ports and registers each task once it is up', async () => {
    const { clock, set, tg, launched } = setup();
    await set.start();
    await clock.advance(0);
    expect(launched.map((t) => t.launch.port)).toEqual([5000, 5003]);
    expect(launched[0]?.launch.faults).toBe('wrong-port=5001');
    // Each task's metrics listener gets a port of its own too, or the second task could not start.
    expect(launched.map((t) => t.launch.metricsPort)).toEqual([5002, 5005]);
    expect(tg.size).toBe(2);
    tg.close();
    await set.kill();
  });

  test('a crashed task begins its stop at once, is STOPPED once deregistered, and restarts with doubling back-off', async () => {
    const { clock, set, tg, launched, stops, stopping } = setup();
    await set.start();
    await clock.advance(0);
    launched[0]!.exit(70);
    await clock.advance(0);
    expect(stopping).toEqual([
      expect.objectContaining({ taskId: 'green-1', stopCode: 'EssentialContainerExited', abnormal: true }),
    ]);
    expect(stops).toEqual([]);
    await clock.advance(100);
    expect(stops).toEqual([expect.objectContaining({ abnormal: true, exitCode: 70, output: 'last words' })]);
    expect(stops[0]?.reason).toMatch(/Essential container in task exited \(exit code 70\)/);
    expect(stops[0]!.at - stops[0]!.stoppingAt).toBe(100);
    await clock.advance(399);
    expect(launched).toHaveLength(2);
    await clock.advance(1);
    expect(launched).toHaveLength(3);
    launched[2]!.exit(70);
    await clock.advance(999);
    expect(launched).toHaveLength(3);
    await clock.advance(1);
    expect(launched).toHaveLength(4);
    tg.close();
    await set.kill();
  });

  test('an unhealthy task is replaced first and stopped only once its replacement is healthy', async () => {
    const { clock, set, tg, launched, stopping } = setup((id) => id !== 'green-1');
    await set.start();
    await clock.advance(1000);
    expect(tg.healthOf('green-1')).toBe('unhealthy');
    // The grace period (2000 ms from registration), then ECS's reaction (300 ms).
    await clock.advance(1299);
    expect(launched).toHaveLength(2);
    await clock.advance(1);
    // The replacement starts after the replacement time (500 ms; this fake start-up takes none of it).
    await clock.advance(499);
    expect(launched).toHaveLength(2);
    await clock.advance(1);
    expect(launched).toHaveLength(3);
    expect(stopping).toEqual([]);
    await clock.advance(1000);
    expect(tg.healthOf('green-3')).toBe('healthy');
    expect(stopping).toEqual([
      expect.objectContaining({ taskId: 'green-1', stopCode: 'ServiceSchedulerInitiated', abnormal: true }),
    ]);
    expect(stopping[0]?.reason).toMatch(/^Task failed ELB health checks in \(target-group green\)$/);
    tg.close();
    await set.kill();
  });

  test('a replacement that is unhealthy too stops the task it replaces when ECS judges it', async () => {
    const { clock, set, tg, launched, stopping } = setup(() => false);
    await set.start();
    await clock.advance(2300 + 500);
    expect(launched).toHaveLength(4);
    expect(stopping).toEqual([]);
    // The replacements are judged like their predecessors: grace, then the reaction.
    await clock.advance(2300);
    expect(stopping.map((s) => s.taskId).sort()).toEqual(['green-1', 'green-2']);
    expect(stopping.every((s) => s.abnormal && /failed ELB health checks/.test(s.reason))).toBe(true);
    tg.close();
    await set.kill();
  });

  test('stop() deregisters, waits for the drain, then sends SIGTERM; those stops are not abnormal', async () => {
    const { clock, set, tg, launched, stops } = setup();
    await set.start();
    await clock.advance(1000);
    const stopping = set.stop();
    await clock.advance(50);
    expect(launched[0]?.signals).toEqual([]);
    await clock.advance(100);
    await stopping;
    expect(launched.map((t) => t.signals)).toEqual([['SIGTERM'], ['SIGTERM']]);
    expect(stops.every((s) => !s.abnormal)).toBe(true);
    expect(tg.size).toBe(0);
    tg.close();
  });
});
