import { systemClock } from '../../../src/local/clock';
import { runLocalNativeHook } from '../../../src/local/lambdas/local-hook';
import { localTimings } from '../../../src/local/time-scale/local-timings';
import type { HookInvocation } from '../../../src/local/controllers/native-lifecycle';
import { startServer, type LocalServer } from '../../helpers/local-server';

// The hook's own limits at the suite's time scale; the health window compressed to 1.5 s.
const timings = localTimings(20).hook;

describe('the local native POST_TEST_TRAFFIC_SHIFT hook, one invocation at a time', () => {
  let server: LocalServer | undefined;
  afterEach(() => server?.close());

  /** A green whose /health fails `failing` times, then answers 200; `/` answers with `status`. */
  async function green(failing: number, status = 200): Promise<string> {
    let healthCalls = 0;
    server = await startServer((req, res) => {
      if (req.url === '/health') {
        healthCalls += 1;
        res.writeHead(healthCalls <= failing ? 503 : 200).end();
        return;
      }
      res.writeHead(status, { 'x-app-version': 'green' }).end('ok');
    });
    return server.url.replace(/\/$/, '');
  }

  const invoke = (url: string, invocation: HookInvocation) =>
    runLocalNativeHook(invocation, url, 'green', timings, systemClock, new AbortController().signal);

  test('answers IN_PROGRESS while /health fails inside the window, carrying the attempt on, then SUCCEEDED', async () => {
    const url = await green(1);
    const first = await invoke(url, { attempt: 1 });
    expect(first.answer).toMatchObject({ hookStatus: 'IN_PROGRESS', callBackDelay: 5 });
    expect(first.answer.hookDetails).toMatchObject({ attempts: 1 });
    const second = await invoke(url, { attempt: 2, hookDetails: first.answer.hookDetails });
    expect(second.answer).toEqual({ hookStatus: 'SUCCEEDED', hookDetails: { reason: 'all checks passed' } });
    expect(second.probe.ok).toBe(true);
  });

  test('answers FAILED (health-window-expired) once the compressed window since the first attempt is over', async () => {
    const url = await green(Number.POSITIVE_INFINITY);
    const firstAttemptAt = Math.round(systemClock.now()) - timings.healthRetryWindowMs - 1;
    const { answer } = await invoke(url, { attempt: 4, hookDetails: { firstAttemptAt, attempts: 3 } });
    expect(answer).toMatchObject({ hookStatus: 'FAILED', hookDetails: { failure: 'health-window-expired' } });
    expect(answer.hookDetails).toMatchObject({ reason: expect.stringContaining('(4 attempt(s))') });
  });

  test('answers FAILED (probe-failed) when green is healthy but its answers are errors', async () => {
    const url = await green(0, 500);
    const { answer, probe } = await invoke(url, { attempt: 1 });
    expect(answer).toMatchObject({ hookStatus: 'FAILED', hookDetails: { failure: 'probe-failed' } });
    expect(probe.ok).toBe(false);
  });
});
