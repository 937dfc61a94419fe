import { spawn } from 'node:child_process';
import path from 'node:path';
import { startServer, type LocalServer } from '../helpers/local-server';

/*
 * `load` as a person runs it, the compiled CLI in its own process, against a server whose every answer is a
 * body that never ends and arrives fast: 64 KB every millisecond. The per-request timeout and the end grace
 * must end the command, however much data keeps coming.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/tools/src/cli.js');

/** Longer than the command may take; past it the child is killed and the test fails rather than hangs. */
const HARD_LIMIT_MS = 25_000;

interface Ended {
  readonly code: number | null;
  readonly tookMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[]): Promise<Ended> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), HARD_LIMIT_MS);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(killer);
      resolve({ code, tookMs: Date.now() - started, stdout, stderr });
    }),
  );
}

describe('rehearse load against an endless fast body', () => {
  let server: LocalServer;
  beforeEach(async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      // Skipping a tick while the socket is full keeps this test process's memory bounded; the client
      // still gets 64 KB a millisecond for as long as it reads that fast.
      const tick = setInterval(() => {
        if (!res.writableNeedDrain) res.write(chunk);
      }, 1);
      res.on('close', () => clearInterval(tick));
    });
  });
  afterEach(() => server.close());

  it('ends within its duration, the request timeout and the end grace, counting the requests as timeouts', async () => {
    const ended = await runCli([
      'load',
      server.url,
      '--duration',
      '1s',
      '--rate',
      '20',
      '--timeout',
      '1s',
      '--json',
    ]);
    expect(ended.code).toBe(0);
    // The probe (1 s at most), the run (1 s), the end grace (1 s), and Node's start on a busy machine.
    expect(ended.tookMs).toBeLessThan(10_000);
    const result = JSON.parse(ended.stdout) as { requests: number; errors: { timeout: number } };
    expect(result.requests).toBeGreaterThan(0);
    expect(result.errors.timeout).toBe(result.requests);
  }, 30_000);
});
