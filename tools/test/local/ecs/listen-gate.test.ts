import net from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort } from '../../../src/local/free-port';
import { serviceLauncher, type TaskProcess } from '../../../src/local/ecs/task-process';
import { ROOT } from '../rehearse-local';

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

async function waitFor(check: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await delay(25);
  }
  return false;
}

// The real service, compiled, started the way the rehearsal starts its tasks.
describe('the listen gate of a local task', () => {
  const tasks: TaskProcess[] = [];
  afterEach(async () => {
    for (const task of tasks.splice(0)) {
      task.kill('SIGKILL');
      await task.exited;
    }
  });

  const launch = async (faults = '') => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const task = serviceLauncher(ROOT)({
      id: 'green-1',
      host: '127.0.0.1',
      port,
      metricsPort,
      version: 'green',
      faults,
    });
    tasks.push(task);
    return { task, port, metricsPort };
  };

  test('holds the service before it listens until the rehearsal lets it, then it listens', async () => {
    const { task, port, metricsPort } = await launch();
    await expect(task.holdingListen).resolves.toBe(true);
    // Held: the service has started but not opened its port.
    await delay(300);
    expect(await accepts(port)).toBe(false);
    task.letListen!();
    expect(await waitFor(() => accepts(port), 5_000)).toBe(true);
    // Its metrics listener follows, on the port the task was given rather than the shared default.
    expect(await waitFor(() => accepts(metricsPort), 5_000)).toBe(true);
    // The gate's own line is not taken for the service's output.
    expect(task.lastOutput()).not.toContain('listen held');
  }, 20_000);

  test('tells the rehearsal a task that exits before it listens is not holding', async () => {
    const { task } = await launch('startup-crash');
    await expect(task.holdingListen).resolves.toBe(false);
    expect((await task.exited).code).not.toBe(0);
  }, 20_000);
});
