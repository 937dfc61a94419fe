import { serviceLauncher, type TaskProcess } from '../../src/local/ecs/task-process';
import { ROOT } from '../local/rehearse-local';
import { rehearseSuite } from './rehearse-suite';

// Real processes: two rehearsals side by side, interrupted while both deployments run.
describe('rehearse suite, interrupted', () => {
  test('Ctrl-C stops every running rehearsal, ends every service process and exits 130', async () => {
    const started: TaskProcess[] = [];
    const ended = new Set<TaskProcess>();
    const launch = serviceLauncher(ROOT);
    let interrupt: (() => void) | undefined;
    const timer = setTimeout(() => interrupt?.(), 8_000);
    const run = await rehearseSuite(
      ['--faults', 'none,error-rate=0', '--parallel', '2'],
      {
        onInterrupt: (handler) => {
          interrupt = handler;
          return () => (interrupt = undefined);
        },
      },
      {
        launch: (task) => {
          const process = launch(task);
          started.push(process);
          void process.exited.then(() => ended.add(process));
          return process;
        },
      },
    );
    clearTimeout(timer);

    expect(run.code).toBe(130);
    expect(run.stderr).toContain('Interrupted: stopping every rehearsal');
    expect(run.stderr).toContain('interrupted: 0 of 2 rehearsals finished');
    // Both healthy releases take about 35 s at the default time scale: they were cut short.
    expect(run.wallMs).toBeLessThan(25_000);
    expect(run.runs).toEqual([
      { faults: '', controller: 'codedeploy', matched: false, interrupted: true },
      { faults: 'error-rate=0', controller: 'codedeploy', matched: false, interrupted: true },
    ]);
    expect(started.length).toBeGreaterThanOrEqual(4);
    await new Promise((r) => setImmediate(r));
    expect(started.filter((p) => !ended.has(p))).toEqual([]);
  }, 40_000);
});
