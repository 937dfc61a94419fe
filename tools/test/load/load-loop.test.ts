import { execFile } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { promisify } from 'node:util';
import { runLoad } from '../../src/load/load-loop';
import { freePort, startServer, type LocalServer } from '../helpers/local-server';

const versioned = (version: string) => (_req: unknown, res: ServerResponse) => {
  res.setHeader('x-app-version', version);
  res.end('{}');
};

const execFileAsync = promisify(execFile);
const REPO_ROOT = path.join(__dirname, '..', '..', '..');

describe('runLoad', () => {
  let server: LocalServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends exactly count requests and counts statuses and versions from x-app-version', async () => {
    server = await startServer(versioned('1.2.3'));
    const result = await runLoad({ url: server.url, count: 60, concurrency: 4, timeoutMs: 2000 });
    expect(result.requests).toBe(60);
    expect(server.seen()).toBe(60);
    expect(result.failed).toBe(0);
    expect(result.byStatus).toEqual({ '200': 60 });
    expect(result.byVersion).toEqual({ '1.2.3': 60 });
    expect(result.latency.p50Ms).toBeGreaterThan(0);
    expect(result.latency.p99Ms).toBeGreaterThanOrEqual(result.latency.p50Ms);
    expect(result.latency.maxMs).toBeGreaterThanOrEqual(result.latency.p99Ms);
  });

  it('counts non-2xx/3xx answers as failed and keeps 3xx as success', async () => {
    server = await startServer((_req, res, n) => {
      res.statusCode = n % 3 === 0 ? 500 : n % 3 === 1 ? 200 : 302;
      res.end();
    });
    const result = await runLoad({ url: server.url, count: 30, concurrency: 1, timeoutMs: 2000 });
    expect(result.byStatus).toEqual({ '200': 10, '302': 10, '500': 10 });
    expect(result.failed).toBe(10);
  });

  it('reports the same totals in the per-second series as in the result', async () => {
    server = await startServer(versioned('a'));
    const seconds: number[] = [];
    const result = await runLoad({
      url: server.url,
      count: 40,
      concurrency: 2,
      timeoutMs: 2000,
      onSecond: (s) => seconds.push(s.second),
    });
    expect(result.series.reduce((sum, s) => sum + s.requests, 0)).toBe(40);
    expect(seconds).toEqual(result.series.map((s) => s.second));
    expect(seconds).toEqual(seconds.map((_, i) => i));
  });

  it('paces requests by rate', async () => {
    server = await startServer(versioned('a'));
    const result = await runLoad({ url: server.url, count: 6, rate: 20, concurrency: 3, timeoutMs: 2000 });
    expect(result.requests).toBe(6);
    // Slot i starts at i * 50 ms, so the last of 6 cannot start before 250 ms.
    expect(result.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('paces many concurrent workers without a listener-leak warning', async () => {
    // Node emits the warning on the real process, which Jest's sandbox does not see: run the built loop.
    const script = `
      const http = require('node:http');
      const { runLoad } = require('./dist/tools/src/load/load-loop.js');
      const server = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1', async () => {
        const url = 'http://127.0.0.1:' + server.address().port + '/';
        const result = await runLoad({ url, count: 40, rate: 200, concurrency: 30, timeoutMs: 2000 });
        process.stdout.write(String(result.requests));
        server.close();
      });`;
    const { stdout, stderr } = await execFileAsync(process.execPath, ['-e', script], { cwd: REPO_ROOT });
    expect(stdout).toBe('40');
    expect(stderr).not.toContain('MaxListenersExceededWarning');
  });

  it('stops sending when the duration is over', async () => {
    server = await startServer(versioned('a'));
    const result = await runLoad({
      url: server.url,
      durationMs: 300,
      intervalMs: 100,
      concurrency: 1,
      timeoutMs: 2000,
    });
    expect(result.requests).toBeGreaterThanOrEqual(1);
    expect(result.requests).toBeLessThanOrEqual(4);
  });

  it('counts connection errors when the server dies mid-run and never throws', async () => {
    server = await startServer((_req, res, n) => {
      res.end('ok');
      if (n === 10) {
        server!.server.close();
        server!.server.closeAllConnections();
      }
    });
    const result = await runLoad({ url: server.url, count: 30, concurrency: 2, timeoutMs: 2000 });
    expect(result.requests).toBe(30);
    expect(result.byStatus['200']).toBeGreaterThanOrEqual(9);
    expect(result.errors.connection).toBeGreaterThan(0);
    expect(result.failed).toBe(result.errors.connection + result.errors.timeout);
    expect(result.byStatus.connection).toBe(result.errors.connection);
  });

  it('counts connection errors against a port nobody listens on', async () => {
    const port = await freePort();
    const result = await runLoad({
      url: `http://127.0.0.1:${port}/`,
      count: 5,
      concurrency: 1,
      timeoutMs: 1000,
    });
    expect(result).toMatchObject({ requests: 5, failed: 5, errors: { connection: 5, timeout: 0 } });
  });

  it('counts a slow answer as a timeout', async () => {
    const timers = new Set<NodeJS.Timeout>();
    server = await startServer((_req, res) => {
      const timer = setTimeout(() => res.end('late'), 1000);
      timers.add(timer);
      res.on('close', () => clearTimeout(timer));
    });
    const result = await runLoad({ url: server.url, count: 4, concurrency: 2, timeoutMs: 100 });
    timers.forEach(clearTimeout);
    expect(result).toMatchObject({ requests: 4, failed: 4, errors: { connection: 0, timeout: 4 } });
    expect(result.byStatus).toEqual({ timeout: 4 });
    expect(result.latency.maxMs).toBeLessThan(1000);
  });

  it('resolves with the partial result when the signal aborts', async () => {
    server = await startServer(versioned('a'));
    const controller = new AbortController();
    const load = runLoad({
      url: server.url,
      rate: 50,
      concurrency: 2,
      timeoutMs: 2000,
      signal: controller.signal,
      onResult: () => {
        if (!controller.signal.aborted) setTimeout(() => controller.abort(), 50);
      },
    });
    const result = await load;
    expect(result.requests).toBeGreaterThanOrEqual(1);
    expect(result.requests).toBeLessThan(50);
    expect(result.failed).toBe(0);
  });

  it('rejects a URL that is not http', async () => {
    await expect(
      runLoad({ url: 'ftp://127.0.0.1/', count: 1, concurrency: 1, timeoutMs: 100 }),
    ).rejects.toThrow(/http or https/);
  });
});
