import { probeRelease, type ProbeOptions } from '../../probe/release-probe';

/** A fetch that answers `/health` 200 and `/` with the statuses given, in order, counting the `/` calls. */
function scripted(statuses: readonly number[]) {
  const calls = { root: 0 };
  const fetchImpl = ((url: string) => {
    const isRoot = new URL(url).pathname === '/';
    const status = isRoot ? (statuses[calls.root++] ?? 200) : 200;
    return Promise.resolve(new Response('ok', { status, headers: { 'x-app-version': 'v2' } }));
  }) as typeof fetch;
  return { calls, fetchImpl };
}

const options = (fetchImpl: typeof fetch): ProbeOptions => ({
  baseUrl: 'http://test-listener:8080',
  expectedVersion: 'v2',
  healthPath: '/health',
  burstRequests: 20,
  requestTimeoutMs: 1_000,
  probeTimeoutMs: 10_000,
  healthRetryWindowMs: 0,
  fetchImpl,
});

describe('probeRelease ends its burst once the verdict is certain', () => {
  it('stops at the first failed request instead of sending the rest of the burst', async () => {
    const { calls, fetchImpl } = scripted([200, 200, 500]);
    const result = await probeRelease(options(fetchImpl));
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(/^requests: 1\/3 GET \/ failed \(first: HTTP 500\)/);
    expect(calls.root).toBe(3);
  });

  it('sends the whole burst when every request passes', async () => {
    const { calls, fetchImpl } = scripted([]);
    const result = await probeRelease(options(fetchImpl));
    expect(result).toMatchObject({ ok: true, reason: 'all checks passed' });
    expect(calls.root).toBe(20);
  });
});
