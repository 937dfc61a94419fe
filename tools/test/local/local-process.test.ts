import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/*
 * The rehearsal as a person, a CI runner or a supervisor runs it: the compiled CLI in its own process
 * (jest's global setup builds dist/). Whatever ends it, its tasks must not outlive it.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/tools/src/cli.js');
const WAIT_MS = 20_000;

interface Rehearsal {
  readonly child: ChildProcess;
  readonly productionUrl: string;
  /** The task processes it started. */
  readonly tasks: number[];
  readonly output: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The direct children of `pid`, from every thread's children list. */
function childrenOf(pid: number): number[] {
  const dir = `/proc/${pid}/task`;
  return readdirSync(dir).flatMap((tid) =>
    readFileSync(`${dir}/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
  );
}

/** Alive and not a zombie waiting for a reaper. */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function startRehearsal(): Promise<Rehearsal> {
  const child = spawn(process.execPath, [CLI, 'local'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + WAIT_MS;
  let url: string | undefined;
  while (!(url = /serving production at (http:\/\/[\d.:]+)/.exec(text)?.[1])) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the rehearsal did not start serving:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, productionUrl: url, tasks: childrenOf(child.pid!), output: () => text, exited };
}

/** Resolves once none of `pids` runs, or after `limitMs`, with those still running. */
async function survivors(pids: readonly number[], limitMs: number): Promise<number[]> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const running = pids.filter(isRunning);
    if (running.length === 0 || Date.now() > deadline) return running;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `POST /` that announces 1000 bytes, sends 3, and closes. */
function abortedPost(url: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc');
      setTimeout(() => socket.destroy(), 100);
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
  });
}

describe('rehearse local as a process', () => {
  const started: Rehearsal[] = [];
  afterEach(() => {
    for (const r of started.splice(0)) {
      r.child.kill('SIGKILL');
      for (const pid of r.tasks.filter(isRunning)) process.kill(pid, 'SIGKILL');
    }
  });

  it('survives a client that aborts mid-body, then SIGTERM ends it with 143 and its tasks', async () => {
    const rehearsal = await startRehearsal();
    started.push(rehearsal);
    expect(rehearsal.tasks).toHaveLength(2);
    await abortedPost(rehearsal.productionUrl);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(rehearsal.child.exitCode).toBeNull();
    expect(rehearsal.output()).not.toContain('ECONNRESET');

    rehearsal.child.kill('SIGTERM');
    expect(await rehearsal.exited).toEqual({ code: 143, signal: null });
    expect(await survivors(rehearsal.tasks, 2_000)).toEqual([]);
    expect(rehearsal.output()).toContain('Interrupted by SIGTERM');
  });

  it('SIGINT sent to it alone ends it with 130 and its tasks', async () => {
    const rehearsal = await startRehearsal();
    started.push(rehearsal);
    rehearsal.child.kill('SIGINT');
    expect(await rehearsal.exited).toEqual({ code: 130, signal: null });
    expect(await survivors(rehearsal.tasks, 2_000)).toEqual([]);
  });

  it('SIGKILL, which no handler sees, still ends its tasks: they watch their stdin', async () => {
    const rehearsal = await startRehearsal();
    started.push(rehearsal);
    rehearsal.child.kill('SIGKILL');
    await rehearsal.exited;
    // The tasks drain as on SIGTERM; with no connections left that takes well under the drain deadline.
    expect(await survivors(rehearsal.tasks, 8_000)).toEqual([]);
  });
});
