import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { endLeftProcess, recordProcess } from '../../src/process/left-process';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('endLeftProcess', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'left-process-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A process group left running, its command line naming `mark`. */
  const leftBehind = async (mark: string) => {
    const child = spawn('bash', ['-c', `sleep 30 & wait # ${mark}`], { detached: true, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await new Promise((resolve) => child.once('spawn', resolve));
    return { pid: child.pid!, exited };
  };

  test('ends the recorded process group when its command line still names the mark', async () => {
    const left = await leftBehind(dir);
    const pidFile = path.join(dir, 'command.pid');
    recordProcess(pidFile, left.pid);

    expect(endLeftProcess(pidFile, dir, true)).toBe(true);
    await left.exited;
    expect(existsSync(pidFile)).toBe(false);
  });

  test('leaves a process whose command line does not name the mark: the pid was reused', async () => {
    const other = await leftBehind('someone-else');
    const pidFile = path.join(dir, 'command.pid');
    recordProcess(pidFile, other.pid);

    expect(endLeftProcess(pidFile, dir, true)).toBe(false);
    expect(alive(other.pid)).toBe(true);
    process.kill(-other.pid, 'SIGKILL');
    await other.exited;
  });
});
