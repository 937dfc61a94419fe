import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { claimUpInstance, UP_STATE_FOLDER } from '../../src/up/instance-lock';

/** The pid of a process that has ended: what a lock left by a SIGKILLed `up` holds. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid;

describe('claimUpInstance', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'up-lock-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const lockFile = (): string => path.join(root, UP_STATE_FOLDER, 'up.lock');

  test('holds the pid in .rehearsal/up.lock until released', () => {
    const claim = claimUpInstance(root, 4242);
    expect(readFileSync(lockFile(), 'utf8')).toBe('4242\n');
    claim.release();
    expect(existsSync(lockFile())).toBe(false);
  });

  test('a second up for the repository is refused, naming the first one pid', () => {
    // The first `up`: this test's parent, a process that is alive.
    claimUpInstance(root, process.ppid);
    expect(() => claimUpInstance(root, process.pid)).toThrow(
      `up: another rehearsal (pid ${process.ppid}) is running \`up\` for this repository`,
    );
    expect(readFileSync(lockFile(), 'utf8')).toBe(`${process.ppid}\n`);
  });

  test('the lock an up killed with SIGKILL left is taken over', () => {
    mkdirSync(path.join(root, UP_STATE_FOLDER));
    writeFileSync(lockFile(), `${deadPid()}\n`);
    claimUpInstance(root, process.pid);
    expect(readFileSync(lockFile(), 'utf8')).toBe(`${process.pid}\n`);
  });
});
