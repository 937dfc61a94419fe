import { RehearsalRecord } from '../../src/experiment/rehearsal-record';
import type { ControllerDeps } from '../../src/local/controllers/lifecycle-parts';
import { FakeClock } from './fake-clock';

/**
 * What either local controller drives, faked: each listener move and task-set call is written to `calls`
 * in order, green is ready at once, and aborting `stop` stops the deployment.
 */
export function fakeController() {
  const clock = new FakeClock();
  const calls: string[] = [];
  const stop = new AbortController();
  const record = new RehearsalRecord(clock);
  const deps: ControllerDeps = {
    clock,
    record,
    routing: {
      setProduction: (w) => calls.push(`production green ${w.green}`),
      setTest: (g) => calls.push(`test ${g}`),
    },
    green: {
      start: () => (calls.push('green start'), Promise.resolve()),
      stop: () => (calls.push('green stop'), Promise.resolve()),
    },
    blue: { stop: () => (calls.push('blue stop'), Promise.resolve()) },
    greenReady: () => true,
    readyWaitMs: 30_000,
    readyPollMs: 100,
    signal: stop.signal,
  };
  return { clock, calls, stop, record, deps };
}
