import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { takePidLock } from '../process/pid-lock';

/** The ignored folder beside `.git` that holds what a running `up` shares with git hooks and `down`. */
export const UP_STATE_FOLDER = '.rehearsal';

/** Thrown when another `up` holds the repository; the message names its pid. */
export class UpAlreadyRunning extends Error {}

/**
 * Claims the repository at `root` for one `up`: `.rehearsal/up.lock` holds its pid until `release`. A
 * second `up` is refused naming the first one's pid; a lock left by an `up` killed with SIGKILL is taken
 * over, so the next `up` cleans up after it.
 */
export function claimUpInstance(root: string, pid: number = process.pid): { readonly release: () => void } {
  const folder = path.join(root, UP_STATE_FOLDER);
  mkdirSync(folder, { recursive: true });
  const lockFile = path.join(folder, 'up.lock');
  takePidLock(
    lockFile,
    pid,
    {
      holding: 'is running `up` for this repository',
      hint: 'stop it with Ctrl-C or `npm run rehearse -- down`',
      place: 'make the repository writable',
    },
    (problem) => {
      throw new UpAlreadyRunning(`up: ${problem}`);
    },
  );
  return { release: () => rmSync(lockFile, { force: true }) };
}
