import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { settings } from '../../../../contract/settings';
import { serviceLauncher, type TaskProcess } from '../../../src/local/ecs/task-process';

/*
 * A task's output as it reaches the rehearsal: in chunks that need not end at a line's end. A stand-in for
 * the compiled service writes each line in pieces, a pause apart, so every piece arrives on its own.
 */
const PAUSE_MS = 100;

/** A folder shaped like the repository's `dist/` whose service writes `pieces` to a stream, then exits 1. */
function fakeService(stream: 'stdout' | 'stderr', pieces: readonly (string | Buffer)[]): string {
  const cwd = mkdtempSync(path.join(tmpdir(), 'task-process-'));
  const encoded = pieces.map((piece) => Buffer.from(piece).toString('base64'));
  const script = `
    const pieces = ${JSON.stringify(encoded)};
    const next = () => {
      if (pieces.length === 0) return process.exit(1);
      process.${stream}.write(Buffer.from(pieces.shift(), 'base64'));
      setTimeout(next, ${PAUSE_MS});
    };
    next();
  `;
  for (const entry of [
    settings.image.entry,
    'dist/tools/src/local/ecs/exit-with-parent.js',
    'dist/tools/src/local/ecs/listen-gate.js',
  ]) {
    mkdirSync(path.dirname(path.join(cwd, entry)), { recursive: true });
    writeFileSync(path.join(cwd, entry), entry === settings.image.entry ? script : '');
  }
  return cwd;
}

describe("a local task process's output", () => {
  const folders: string[] = [];
  const tasks: TaskProcess[] = [];
  afterEach(async () => {
    for (const task of tasks.splice(0)) {
      task.kill('SIGKILL');
      await task.exited;
    }
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  const launch = (stream: 'stdout' | 'stderr', pieces: readonly (string | Buffer)[]): TaskProcess => {
    const cwd = fakeService(stream, pieces);
    folders.push(cwd);
    const task = serviceLauncher(cwd)({
      id: 'green-1',
      host: '127.0.0.1',
      port: 1,
      metricsPort: 2,
      version: 'green',
      faults: '',
    });
    tasks.push(task);
    return task;
  };

  it('joins a log line that arrives in pieces before reading its message', async () => {
    const task = launch('stdout', ['{"level":50,"msg":"start-up ', 'failed","err":{"message":"boom"}}\n']);
    await task.exited;
    expect(task.lastOutput()).toBe('start-up failed: boom');
  }, 10_000);

  it("sees the listen gate's line when it arrives in pieces", async () => {
    const task = launch('stderr', ['rehearsal: li', 'sten held\n']);
    await expect(task.holdingListen).resolves.toBe(true);
    expect(task.lastOutput()).toBe('');
  }, 10_000);

  it('keeps a last line written without its newline, and a character split between chunks', async () => {
    const crash = Buffer.from('Fehler: Größe ungültig', 'utf8');
    const at = crash.indexOf(Buffer.from('ö')) + 1;
    const task = launch('stderr', ['first\n', crash.subarray(0, at), crash.subarray(at)]);
    await task.exited;
    expect(task.lastOutput()).toBe('first | Fehler: Größe ungültig');
  }, 10_000);
});
