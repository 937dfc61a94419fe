import net from 'node:net';
import { createSharedProbe, probeTcp } from '../../src/health/tcp-probe';
import { settings } from '../../../contract/settings';

const neverAnswers: net.LookupFunction = () => undefined;

describe('probeTcp', () => {
  it('gives up at its own deadline when DNS never answers', async () => {
    const started = Date.now();
    const result = await probeTcp({ host: 'hangs.invalid', port: 5432, timeoutMs: 50, lookup: neverAnswers });
    expect(result).toEqual({ ok: false, reason: 'no connection within 50 ms' });
    // The deadline, not a DNS or TCP timeout, ended the attempt (those are several seconds at least).
    expect(Date.now() - started).toBeLessThan(settings.dependencyProbeTimeoutMs);
  });

  it('reports success when the port accepts a connection', async () => {
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await expect(probeTcp({ host: '127.0.0.1', port, timeoutMs: 1000 })).resolves.toEqual({ ok: true });
    await new Promise((resolve) => server.close(resolve));
  });

  it('shares one attempt between concurrent callers', async () => {
    const lookup = jest.fn<void, Parameters<net.LookupFunction>>(neverAnswers);
    const probe = createSharedProbe({ host: 'hangs.invalid', port: 1, timeoutMs: 30, lookup });
    const [a, b] = await Promise.all([probe(), probe()]);
    expect(a).toEqual(b);
    expect(lookup).toHaveBeenCalledTimes(1);
    await probe();
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('is configured within 2 s and inside the health checks that call it', () => {
    expect(settings.dependencyProbeTimeoutMs).toBeLessThanOrEqual(2000);
    expect(settings.dependencyProbeTimeoutMs).toBeLessThan(settings.healthcheckEntryTimeoutMs);
    expect(settings.dependencyProbeTimeoutMs).toBeLessThan(settings.targetHealthCheck.timeoutSeconds * 1000);
  });
});
