import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { signalExitCode } from '../../src/process/exit-status';
import { superviseProcess } from '../../src/process/supervisor';
import { MemoryStream } from '../helpers/test-deps';

/** A process stand-in: `exit` records the code and emits 'exit', as process.exit does. */
class FakeProcess extends EventEmitter {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
    this.emit('exit', code);
  }
}

function setup() {
  const proc = new FakeProcess();
  const stderr = new MemoryStream();
  const supervision = superviseProcess(proc, stderr);
  const ended: string[] = [];
  supervision.track(() => ended.push('task-1'));
  supervision.track(() => ended.push('task-2'));
  return { proc, stderr, supervision, ended };
}

describe('process supervisor', () => {
  it('ends every tracked child on a normal exit, but not one that ended by itself', () => {
    const { proc, supervision, ended } = setup();
    const untrack = supervision.track(() => ended.push('task-3'));
    untrack();
    proc.emit('exit', 0);
    expect(ended).toEqual(['task-1', 'task-2']);
  });

  it('exits 1 on an uncaught error with one message, and ends the children on the way out', () => {
    const { proc, stderr, ended } = setup();
    proc.emit('uncaughtException', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    expect(proc.exits).toEqual([1]);
    expect(stderr.text).toMatch(/^Unexpected error: Error: read ECONNRESET/);
    expect(ended).toEqual(['task-1', 'task-2']);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('exits %s with %d when no command winds down on it, ending the children', (signal, code) => {
    const { proc, stderr, ended } = setup();
    proc.emit(signal, signal);
    expect(signalExitCode(signal)).toBe(code);
    expect(proc.exits).toEqual([code]);
    expect(stderr.text).toContain(`Interrupted by ${signal}: stopping 2 started task(s).`);
    expect(ended).toEqual(['task-1', 'task-2']);
  });

  it('lets a command wind down on the first signal and exits on the second', () => {
    const { proc, supervision } = setup();
    const handler = jest.fn();
    supervision.onInterrupt(handler);
    proc.emit('SIGTERM', 'SIGTERM');
    expect(handler).toHaveBeenCalledTimes(1);
    expect(proc.exits).toEqual([]);
    proc.emit('SIGINT', 'SIGINT');
    expect(proc.exits).toEqual([130]);
  });

  it('lets a command wind down on a first SIGHUP as on SIGINT', () => {
    const { proc, supervision } = setup();
    const handler = jest.fn();
    supervision.onInterrupt(handler);
    proc.emit('SIGHUP', 'SIGHUP');
    expect(handler).toHaveBeenCalledTimes(1);
    expect(proc.exits).toEqual([]);
  });

  it('in a real process, ends its children and exits 129 when its terminal hangs up (SIGHUP)', async () => {
    const supervisor = path.resolve(__dirname, '../../../dist/tools/src/process/supervisor.js');
    const script = `
      const { spawn } = require('node:child_process');
      const supervision = require(${JSON.stringify(supervisor)}).superviseProcess(process, process.stderr);
      const child = spawn('sleep', ['60'], { stdio: 'ignore' });
      supervision.track(() => child.kill('SIGKILL'));
      process.stdout.write(child.pid + '\\n');
      setInterval(() => undefined, 1000);
    `;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(parent, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let sleeper: number | undefined;
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      sleeper = Number(line.toString());
      parent.kill('SIGHUP');
      const [code, signal] = await exited;
      // SIGKILL is sent on the way out; the kernel may take a moment to end the child.
      for (let waited = 0; isRunning(sleeper) && waited < 2_000; waited += 50) await delay(50);
      expect(isRunning(sleeper)).toBe(false);
      expect(code ?? 128 + constants.signals[signal!]).toBe(129);
      expect(signal).toBeNull();
    } finally {
      parent.kill('SIGKILL');
      if (sleeper !== undefined && isRunning(sleeper)) process.kill(sleeper, 'SIGKILL');
    }
  }, 15_000);
});

/** False once `pid` has ended (a zombie waiting for its reaper has ended too). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
