import { EventEmitter } from 'node:events';
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
});
