import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { MAX_VERSION_CHARS, MAX_VERSIONS, OTHER_VERSIONS, runLoad } from '../../src/load/load-loop';

/* The load loop against targets that do not behave like a service: raw TCP on 127.0.0.1. */

interface RawServer {
  readonly url: string;
  /** Connections the server accepted. */
  readonly accepted: () => number;
  close(): Promise<void>;
}

async function rawServer(onRequest: (socket: net.Socket, n: number) => void): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let requests = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', () => onRequest(socket, ++requests));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    accepted: () => accepted,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `chunk` whenever the socket can take it, until it closes: a body that never ends. */
function endlessBody(socket: net.Socket, head: string, chunk: string | Buffer): void {
  socket.write(head);
  const pump = (): void => {
    while (!socket.destroyed && socket.write(chunk));
  };
  socket.on('drain', pump);
  pump();
}

const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

describe('runLoad against targets that misbehave', () => {
  let server: RawServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('ends at its duration plus the end grace when the target never answers, counting timeouts', async () => {
    server = await rawServer(() => undefined);
    const started = Date.now();
    const result = await runLoad({
      url: server.url,
      durationMs: 300,
      endGraceMs: 200,
      timeoutMs: 30_000,
      concurrency: 3,
    });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(450);
    expect(took).toBeLessThan(2_000);
    expect(result.requests).toBe(3);
    expect(result.errors.timeout).toBe(3);
    expect(result.failed).toBe(3);
  });

  it('ends on time against a body that trickles forever, with every request classified', async () => {
    server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n');
      const tick = setInterval(
        () => (socket.destroyed ? clearInterval(tick) : socket.write('1\r\na\r\n')),
        20,
      );
    });
    const started = Date.now();
    const result = await runLoad({
      url: server.url,
      durationMs: 400,
      endGraceMs: 200,
      timeoutMs: 30_000,
      concurrency: 2,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.byStatus).toEqual({ timeout: 2 });
  });

  it('reads a huge endless body without holding it: memory stays bounded', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    server = await rawServer((socket) =>
      endlessBody(socket, 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n', chunk),
    );
    const before = process.memoryUsage().rss;
    const result = await runLoad({ url: server.url, durationMs: 1_000, timeoutMs: 700, concurrency: 2 });
    const grown = process.memoryUsage().rss - before;
    // Hundreds of megabytes arrive on loopback in that time; none of it may stay.
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    expect(result.requests).toBeGreaterThan(0);
    expect(sum(result.byStatus)).toBe(result.requests);
    expect(result.errors.timeout).toBe(result.requests);
  });

  it.each([
    ['a declared length', 'HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nabc'],
    ['a chunked body', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n'],
    ['the status line', 'HTTP/1.1 20'],
    ['no HTTP at all', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
  ])('counts a connection closed in the middle of %s as a connection error', async (_, partial) => {
    server = await rawServer((socket) => socket.end(partial));
    const result = await runLoad({ url: server.url, count: 20, timeoutMs: 2_000, concurrency: 2 });
    expect(result.requests).toBe(20);
    expect(result.byStatus).toEqual({ connection: 20 });
    expect(result.failed).toBe(20);
  });

  it('does not follow a redirect: each answer is counted under its own status, elsewhere sees nothing', async () => {
    const elsewhere = await rawServer(() => undefined);
    try {
      server = await rawServer((socket) =>
        socket.write(
          `HTTP/1.1 301 Moved Permanently\r\nlocation: ${elsewhere.url}\r\ncontent-length: 0\r\n\r\n`,
        ),
      );
      const result = await runLoad({ url: server.url, count: 10, timeoutMs: 2_000, concurrency: 1 });
      expect(result.byStatus).toEqual({ '301': 10 });
      expect(elsewhere.accepted()).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('counts versions by name up to a limit and clips them, however many a server makes up', async () => {
    server = await rawServer((socket, n) =>
      socket.write(
        `HTTP/1.1 200 OK\r\nx-app-version: v${n}-${'x'.repeat(4000)}\r\ncontent-length: 0\r\n\r\n`,
      ),
    );
    const seconds: Record<string, number>[] = [];
    const result = await runLoad({
      url: server.url,
      count: 300,
      timeoutMs: 2_000,
      concurrency: 4,
      onSecond: (s) => seconds.push(s.byVersion),
    });
    const names = Object.keys(result.byVersion);
    expect(names).toHaveLength(MAX_VERSIONS + 1);
    expect(names).toContain(OTHER_VERSIONS);
    expect(Math.max(...names.map((name) => name.length))).toBeLessThanOrEqual(MAX_VERSION_CHARS);
    expect(sum(result.byVersion)).toBe(300);
    for (const second of seconds) expect(Object.keys(second).length).toBeLessThanOrEqual(MAX_VERSIONS + 1);
  });

  it('keeps counting, and ends on time, when the target stops answering mid-run', async () => {
    let answering = true;
    server = await rawServer((socket) => {
      if (answering) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok');
    });
    setTimeout(() => (answering = false), 300);
    const started = Date.now();
    const result = await runLoad({
      url: server.url,
      durationMs: 800,
      endGraceMs: 200,
      timeoutMs: 300,
      concurrency: 2,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.byStatus['200']).toBeGreaterThan(0);
    expect(result.errors.timeout).toBeGreaterThan(0);
    expect(sum(result.byStatus)).toBe(result.requests);
  });
});
