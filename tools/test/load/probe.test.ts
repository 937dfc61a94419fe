import { probe } from '../../src/load/probe';
import { freePort, startServer, type LocalServer } from '../helpers/local-server';

describe('probe before a load run', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers with the status as soon as it arrives, without waiting for a body that never ends', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    server = await startServer((_req, res) => {
      res.writeHead(503);
      const tick = setInterval(() => {
        if (!res.writableNeedDrain) res.write(chunk);
      }, 1);
      res.on('close', () => clearInterval(tick));
    });
    const started = Date.now();
    expect(await probe(new URL(server.url), 5_000)).toEqual({ ok: true, status: 503 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up after its timeout when the status line trickles in slower than that', async () => {
    server = await startServer((_req, res) => {
      // Headers that are never finished: a byte every 20 ms keeps the socket from ever being idle.
      res.socket?.write('HTTP/1.1 200 OK\r\n');
      const tick = setInterval(() => res.socket?.write('x-pad: y\r\n'), 20);
      res.on('close', () => clearInterval(tick));
    });
    const started = Date.now();
    expect(await probe(new URL(server.url), 300)).toEqual({ ok: false, reason: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a refused connection by its code', async () => {
    const port = await freePort();
    expect(await probe(new URL(`http://127.0.0.1:${port}/`), 1_000)).toEqual({
      ok: false,
      reason: 'ECONNREFUSED',
    });
  });
});
