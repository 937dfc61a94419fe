import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLifecycle } from '../src/lifecycle';
import { createLogger } from '../src/logger';
import { installShutdown } from '../src/shutdown';
import type { LogLine } from './support/test-app';

/** A real server whose handler never answers, with shutdown installed and `exit` captured. */
async function hangingServer(deadlineMs: number) {
  const logs: LogLine[] = [];
  const logger = createLogger(
    { level: 'info' },
    { write: (l: string) => void logs.push(JSON.parse(l) as LogLine) },
  );
  const server = http.createServer(() => undefined);
  const received = new Promise<void>((resolve) => server.once('request', () => resolve()));
  const lifecycle = createLifecycle(Date.now());
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const shutdown = installShutdown({
    server,
    lifecycle,
    logger,
    deadlineMs,
    exit: (code) => resolveExit(code),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { lifecycle, logs, received, exited, shutdown, port: (server.address() as AddressInfo).port };
}

describe('installShutdown', () => {
  it('cuts a request that never finishes at the deadline and still exits 0', async () => {
    const s = await hangingServer(100);
    const clientError = new Promise<Error>((resolve) => {
      http.get({ host: '127.0.0.1', port: s.port, path: '/', agent: false }).once('error', resolve);
    });
    await s.received;
    s.shutdown('SIGTERM');
    expect(s.lifecycle.draining).toBe(true);
    await expect(s.exited).resolves.toBe(0);
    expect(s.logs.map((l) => l.msg)).toEqual([
      'draining: shutdown started',
      'drain deadline reached; closed the remaining connections',
    ]);
    await expect(clientError).resolves.toMatchObject({ code: 'ECONNRESET' });
  });

  it('ignores a second signal while draining', async () => {
    const s = await hangingServer(10_000);
    s.shutdown('SIGTERM');
    s.shutdown('SIGINT');
    await expect(s.exited).resolves.toBe(0);
    expect(s.logs.map((l) => l.msg)).toEqual([
      'draining: shutdown started',
      'already draining; ignoring the signal',
      'drained: all connections closed',
    ]);
  });

  it('drains the metrics listener too: it stops accepting, and the exit waits for its requests', async () => {
    const logger = createLogger({ level: 'silent' });
    const server = http.createServer((_req, res) => res.end('ok'));
    const metricsServer = http.createServer(() => undefined);
    const scraping = new Promise<void>((resolve) => metricsServer.once('request', () => resolve()));
    let exitCode: number | undefined;
    const shutdown = installShutdown({
      server,
      otherServers: [metricsServer],
      lifecycle: createLifecycle(Date.now()),
      logger,
      deadlineMs: 300,
      exit: (code) => (exitCode = code),
    });
    const listenOn = (s: http.Server) =>
      new Promise<number>((resolve) =>
        s.listen(0, '127.0.0.1', () => resolve((s.address() as AddressInfo).port)),
      );
    await listenOn(server);
    const metricsPort = await listenOn(metricsServer);
    const cut = new Promise<Error>((resolve) => {
      http
        .get({ host: '127.0.0.1', port: metricsPort, path: '/metrics', agent: false })
        .once('error', resolve);
    });
    await scraping;

    shutdown('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(metricsServer.listening).toBe(false);
    expect(exitCode).toBeUndefined();
    await expect(cut).resolves.toMatchObject({ code: 'ECONNRESET' });
    expect(exitCode).toBe(0);
  });
});
