import http from 'node:http';
import type net from 'node:net';
import { EXIT_CODES } from '../../src/exit-codes';
import { get, spawnService, stopAll, type SimpleResponse } from '../support/service-process';

afterEach(stopAll);

/** Polls until `/health` answers 200; the gap only spaces requests out, no outcome depends on it. */
async function untilHealthy(port: number): Promise<SimpleResponse[]> {
  const seen: SimpleResponse[] = [];
  for (;;) {
    const res = await get(port, '/health');
    seen.push(res);
    if (res.status === 200) return seen;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('faults that act on the process', () => {
  it('crash-after logs the reason and exits non-zero after the given seconds', async () => {
    const service = await spawnService({ FAULTS: 'crash-after=0.3' });
    const listening = await service.ready();
    expect((await get(service.port, '/health')).status).toBe(200);
    const exit = await service.exited;
    expect(exit.code).toBe(EXIT_CODES.injectedCrash);
    const crash = service.logs.at(-1)!;
    expect(crash).toMatchObject({ level: 'fatal', fault: 'crash-after' });
    expect(Date.parse(crash.time as string) - Date.parse(listening.time as string)).toBeGreaterThanOrEqual(
      250,
    );
  });

  it('slow-start answers 503 with a reason until the given seconds have passed, then 200', async () => {
    const service = await spawnService({ FAULTS: 'slow-start=1' });
    await service.ready();
    const seen = await untilHealthy(service.port);
    expect(seen[0]!.status).toBe(503);
    expect(JSON.parse(seen[0]!.body)).toMatchObject({ status: 'starting' });
    expect(seen.at(-1)!.status).toBe(200);
  });
});

describe('shutdown', () => {
  it('on SIGTERM finishes the in-flight request, closes idle keep-alive sockets and exits 0 without the deadline', async () => {
    const service = await spawnService({ FAULTS: 'latency=800', LOG_LEVEL: 'debug' });
    await service.ready();

    // An idle keep-alive connection: without active closing it would hold the server open for 65 s.
    const idleAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const first = await get(service.port, '/health', idleAgent);
    expect(first.headers.connection).toBe('keep-alive');
    const idleSocketClosed = new Promise<void>((resolve) => {
      const [socket] = Object.values(idleAgent.freeSockets).flat() as net.Socket[];
      socket!.once('close', () => resolve());
    });

    // A request held in flight by the latency fault, on its own keep-alive connection.
    const busyAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const inFlight = get(service.port, '/', busyAgent);
    await service.waitForLog((l) => l.msg === 'latency fault: delaying response', 'the in-flight request');

    service.child.kill('SIGTERM');
    await service.waitForLog((l) => l.msg === 'draining: shutdown started', 'the drain log line');
    await idleSocketClosed;

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.headers.connection).toBe('close');

    const exit = await service.exited;
    expect(exit.code).toBe(0);
    expect(service.logs.some((l) => l.msg === 'drained: all connections closed')).toBe(true);
    expect(service.logs.some((l) => l.msg.startsWith('drain deadline reached'))).toBe(false);
    idleAgent.destroy();
    busyAgent.destroy();
  });

  it('on SIGINT drains and exits 0 too', async () => {
    const service = await spawnService();
    await service.ready();
    service.child.kill('SIGINT');
    expect((await service.exited).code).toBe(0);
    expect(service.logs.find((l) => l.msg === 'draining: shutdown started')).toMatchObject({
      signal: 'SIGINT',
    });
  });
});
